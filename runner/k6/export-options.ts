// NormalisedOptions → k6 `options` (k6's names, durations as k6 strings). The inverse of
// runner/scenario/normalise.ts for everything Stampede implements: normalising the output again
// gives the same executors, schedules and thresholds (tested).
import { formatDurationMs } from '../scenario/duration.ts';
import { DEFAULT_SUMMARY_TREND_STATS, DEFAULT_USER_AGENT } from '../scenario/options-schema.ts';
import type { NormalisedOptions, NormalisedScenario, ThresholdDef } from '../scenario/types.ts';

export interface ExportProblem {
  construct: string;
  message: string;
}

export interface K6OptionsExport {
  options: Record<string, unknown>;
  notes: string[];
  problems: ExportProblem[];
}

export interface OptionsExportFlags {
  /** export http_req_latency thresholds as http_req_duration (k6 has no CO-corrected latency) */
  latencyAsDuration: boolean;
}

const d = formatDurationMs;

export function toK6Options(o: NormalisedOptions, flags: OptionsExportFlags): K6OptionsExport {
  const notes: string[] = [];
  const problems: ExportProblem[] = [];
  const scenarios: Record<string, unknown> = {};
  for (const s of o.scenarios) scenarios[s.name] = scenarioOut(s, notes);

  const thresholds: Record<string, unknown[]> = {};
  for (const t of o.thresholds) {
    let key = t.key;
    if (t.metric === 'http_req_latency') {
      if (!flags.latencyAsDuration) {
        problems.push({
          construct: `thresholds[${JSON.stringify(t.key)}]: ${t.source}`,
          message:
            'k6 has no http_req_latency (latency from the intended start, coordinated omission corrected); k6 would refuse the threshold. Pass --latency-as-duration to export it on http_req_duration (measured from the actual send: lower under overload), or remove it',
        });
        continue;
      }
      key = t.key.replace(/^http_req_latency/, 'http_req_duration');
      notes.push(`threshold ${t.key}: ${t.source} exported as ${key} (k6 measures from the actual send, not the intended start)`);
    }
    const list = (thresholds[key] ??= []);
    const entry = thresholdOut(t);
    if (!list.some((x) => JSON.stringify(x) === JSON.stringify(entry))) list.push(entry);
  }

  const options: Record<string, unknown> = { scenarios };
  if (Object.keys(thresholds).length > 0) options.thresholds = thresholds;
  if (Object.keys(o.tags).length > 0) options.tags = o.tags;
  if (o.setupTimeoutMs !== 60_000) options.setupTimeout = d(o.setupTimeoutMs);
  if (o.teardownTimeoutMs !== 60_000) options.teardownTimeout = d(o.teardownTimeoutMs);
  if (o.noConnectionReuse) options.noConnectionReuse = true;
  if (o.discardResponseBodies) options.discardResponseBodies = true;
  if (o.insecureSkipTLSVerify) options.insecureSkipTLSVerify = true;
  // always written: k6's default is 10, Stampede's 0 (a redirect is measured as what it is)
  options.maxRedirects = o.maxRedirects;
  if (o.userAgent !== DEFAULT_USER_AGENT) options.userAgent = o.userAgent;
  if (JSON.stringify(o.summaryTrendStats) !== JSON.stringify(DEFAULT_SUMMARY_TREND_STATS)) options.summaryTrendStats = o.summaryTrendStats;
  return { options, notes, problems };
}

function thresholdOut(t: ThresholdDef): unknown {
  if (!t.abortOnFail && t.delayAbortEvalMs === 0) return t.source;
  const out: Record<string, unknown> = { threshold: t.source, abortOnFail: t.abortOnFail };
  if (t.delayAbortEvalMs > 0) out.delayAbortEval = d(t.delayAbortEvalMs);
  return out;
}

function scenarioOut(s: NormalisedScenario, notes: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { executor: s.executor };
  if (s.startTimeMs !== 0) out.startTime = d(s.startTimeMs);
  if (s.gracefulStopMs !== 30_000) out.gracefulStop = d(s.gracefulStopMs);
  if (s.exec !== 'default') out.exec = s.exec;
  if (Object.keys(s.env).length > 0) out.env = s.env;
  if (Object.keys(s.tags).length > 0) out.tags = s.tags;
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return { ...out, vus: s.vus, iterations: s.iterations, maxDuration: d(s.maxDurationMs) };
    case 'constant-vus':
      return { ...out, vus: s.vus, duration: d(s.durationMs) };
    case 'ramping-vus': {
      const r = { ...out, startVUs: s.startVUs, stages: s.stages.map((x) => ({ duration: d(x.durationMs), target: x.target })) };
      return s.gracefulRampDownMs !== 30_000 ? { ...r, gracefulRampDown: d(s.gracefulRampDownMs) } : r;
    }
    case 'constant-arrival-rate': {
      const k = integerScale([s.rate]);
      if (k !== 1) notes.push(`scenario ${s.name}: rate ${s.rate} per ${d(s.timeUnitMs)} exported as ${s.rate * k} per ${d(s.timeUnitMs * k)} (k6 rates are integers)`);
      return { ...out, rate: round(s.rate * k), timeUnit: d(s.timeUnitMs * k), duration: d(s.durationMs), preAllocatedVUs: s.preAllocatedVUs, maxVUs: s.maxVUs };
    }
    case 'ramping-arrival-rate': {
      const k = integerScale([s.startRate, ...s.stages.map((x) => x.target)]);
      if (k !== 1) notes.push(`scenario ${s.name}: rates scaled ×${k} with timeUnit ${d(s.timeUnitMs * k)} (k6 rates are integers)`);
      return {
        ...out,
        startRate: round(s.startRate * k),
        timeUnit: d(s.timeUnitMs * k),
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs: s.maxVUs,
        stages: s.stages.map((x) => ({ duration: d(x.durationMs), target: round(x.target * k) })),
      };
    }
  }
}

/** The smallest k in 1..1000 that makes every rate an integer (k6's rates are null.Int); rounds beyond. */
export function integerScale(rates: number[]): number {
  for (let k = 1; k <= 1000; k++) if (rates.every((r) => Math.abs(r * k - Math.round(r * k)) < 1e-9)) return k;
  return 1000;
}

function round(x: number): number {
  return Math.round(x);
}
