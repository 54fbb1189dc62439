// What a comparison page needs: the comparison document itself (comparison.json, validated
// with the runner's schema) and, per configuration, the per-second timeline of one of its
// runs (read from that run's result.json). comparison.json holds only summaries and paths;
// the timelines travel with it so comparison.html opens offline with every chart.
//
// Which run's timeline: the median run by p99 latency (from the intended start) among the
// configuration's successful runs — the lower median for an even count — so the overlay
// shows a typical run, not the luckiest or unluckiest. With one run it is that run.
import { z } from 'zod';
import { comparisonSchema, type Comparison, type ComparisonConfiguration, type ComparisonRun } from '../../runner/result/comparison-schema.ts';
import type { RunResult } from '../../runner/result/schema.ts';
import { validateOrThrow } from '../../runner/result/validate.ts';

export type { Comparison };

/** One second (or bucket) of a configuration's run. Times in ms; null when no request ended. */
export const compareTimelinePointSchema = z.object({
  t: z.number().nonnegative(),
  /** p99 of http_req_latency (from the intended start) */
  latencyP99: z.number().nullable(),
  /** p99 of http_req_duration (from the actual send, k6) */
  durationP99: z.number().nullable(),
  /** requests completed per second */
  requests: z.number(),
});
export type CompareTimelinePoint = z.infer<typeof compareTimelinePointSchema>;

export const configurationTimelineSchema = z.object({
  configurationId: z.string(),
  /** which of the configuration's runs (1-based repeat) the points come from */
  repeat: z.number().int().positive(),
  /** of how many successful runs it was picked */
  of: z.number().int().positive(),
  points: z.array(compareTimelinePointSchema),
});
export type ConfigurationTimeline = z.infer<typeof configurationTimelineSchema>;

export const comparisonReportSchema = z.object({
  kind: z.literal('comparison-report'),
  /** where the comparison came from: 'comparison.json' of `stampede compare`, or runs picked on the dashboard */
  source: z.enum(['comparison', 'picked-runs']),
  comparison: comparisonSchema,
  timelines: z.array(configurationTimelineSchema),
  /** why a configuration has no timeline (its result.json could not be read, ...) */
  notes: z.array(z.string()),
});
export type ComparisonReport = z.infer<typeof comparisonReportSchema>;

/** Validates a comparison report; throws a StampedeError naming `where` and the first bad field. */
export function parseComparisonReport(value: unknown, where: string): ComparisonReport {
  return validateOrThrow(comparisonReportSchema, value, where, 'STAMPEDE_E_RESULT_INVALID');
}

/** Validates a comparison.json document. */
export function parseComparison(value: unknown, where: string): Comparison {
  return validateOrThrow(comparisonSchema, value, where, 'STAMPEDE_E_RESULT_INVALID');
}

/** The run whose timeline stands for the configuration (see the top of this file), or null. */
export function representativeRun(cfg: ComparisonConfiguration): ComparisonRun | null {
  const ok = cfg.runs.filter((r) => r.status === 'ok' && r.summary && r.resultFile);
  if (ok.length === 0) return null;
  const key = (r: ComparisonRun) => r.summary?.latencyP99 ?? Infinity;
  const sorted = [...ok].sort((a, b) => key(a) - key(b) || a.repeat - b.repeat);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? null;
}

/** At most this many points per configuration: a long run is bucketed (p99 = the bucket's max, rate = its mean). */
export const MAX_TIMELINE_POINTS = 600;

/** The per-second p99s and request rate of a run, bucketed to at most `maxPoints`. */
export function timelineOf(result: RunResult, maxPoints = MAX_TIMELINE_POINTS): CompareTimelinePoint[] {
  const tl = result.timeline;
  const bucket = Math.max(1, Math.ceil(tl.length / maxPoints));
  const out: CompareTimelinePoint[] = [];
  for (let i = 0; i < tl.length; i += bucket) {
    const g = tl.slice(i, i + bucket);
    const maxOf = (pick: (p: (typeof g)[number]) => number | undefined) => {
      const xs = g.map(pick).filter((v): v is number => v !== undefined);
      return xs.length ? Math.max(...xs) : null;
    };
    out.push({
      t: g[0]!.t,
      latencyP99: maxOf((p) => p.latency?.p99),
      durationP99: maxOf((p) => p.duration?.p99),
      requests: g.reduce((a, p) => a + p.requests, 0) / g.length,
    });
  }
  return out;
}
