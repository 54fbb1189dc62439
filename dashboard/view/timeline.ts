// Per-second series of a run, ready to chart. Long runs are bucketed to at most `maxPoints`
// points so the first chart draws quickly: percentiles take the bucket's maximum (a spike is
// never averaged away), counts become the bucket's mean per second. `bucketS` says which.
import type { RunResult, TimelinePoint } from '../../runner/result/schema.ts';

export const DEFAULT_MAX_POINTS = 600;

export interface Bucketing {
  /** seconds per point (1 = raw per-second data) */
  bucketS: number;
  /** how a reader should read a point, e.g. 'per second' or 'max of each 6 s' */
  percentileNote: string;
  rateNote: string;
}

export function bucketing(length: number, maxPoints = DEFAULT_MAX_POINTS): Bucketing {
  const bucketS = Math.max(1, Math.ceil(length / maxPoints));
  return bucketS === 1
    ? { bucketS, percentileNote: 'per second', rateNote: 'per second' }
    : { bucketS, percentileNote: `max of each ${bucketS} s`, rateNote: `mean of each ${bucketS} s` };
}

function groups(timeline: readonly TimelinePoint[], bucketS: number): TimelinePoint[][] {
  const out: TimelinePoint[][] = [];
  for (let i = 0; i < timeline.length; i += bucketS) out.push(timeline.slice(i, i + bucketS));
  return out;
}

export interface PercentilePoint {
  t: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  p999: number | null;
}

export interface PercentileSeries extends Bucketing {
  points: PercentilePoint[];
}

type PercentileKey = 'p50' | 'p90' | 'p99' | 'p999';
const KEYS: readonly PercentileKey[] = ['p50', 'p90', 'p99', 'p999'];

/** p50/p90/p99/p99.9 over time of one latency definition ('latency' or 'duration'), ms. */
export function percentileSeries(result: RunResult, which: 'latency' | 'duration', maxPoints = DEFAULT_MAX_POINTS): PercentileSeries {
  const b = bucketing(result.timeline.length, maxPoints);
  const points = groups(result.timeline, b.bucketS).map((g) => {
    const p: PercentilePoint = { t: g[0]!.t, p50: null, p90: null, p99: null, p999: null };
    for (const s of g) {
      const v = s[which];
      if (!v) continue;
      for (const k of KEYS) p[k] = Math.max(p[k] ?? 0, v[k]);
    }
    return p;
  });
  return { ...b, points };
}

export interface RatePoint {
  t: number;
  /** scheduled iterations/s; null in closed-model seconds */
  offered: number | null;
  started: number;
  completed: number;
  requests: number;
  dropped: number;
  failed: number;
  vus: number;
  vusMax: number;
  checksFailed: number;
  eventLoopLagP99: number;
  generatorCpuPercent: number;
}

export interface RateSeries extends Bucketing {
  points: RatePoint[];
  /** true when any second had an offered (open-model) rate */
  hasOffered: boolean;
}

const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Offered vs achieved rate, dropped iterations, failures, VUs and generator health per second. */
export function rateSeries(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): RateSeries {
  const b = bucketing(result.timeline.length, maxPoints);
  let hasOffered = false;
  const points = groups(result.timeline, b.bucketS).map((g): RatePoint => {
    const offered = g.filter((s) => s.offered !== null).map((s) => s.offered as number);
    if (offered.length > 0) hasOffered = true;
    return {
      t: g[0]!.t,
      offered: offered.length > 0 ? mean(offered) : null,
      started: mean(g.map((s) => s.started)),
      completed: mean(g.map((s) => s.completed)),
      requests: mean(g.map((s) => s.requests)),
      dropped: mean(g.map((s) => s.dropped)),
      failed: mean(g.map((s) => s.failed)),
      vus: Math.max(...g.map((s) => s.vus)),
      vusMax: Math.max(...g.map((s) => s.vusMax)),
      checksFailed: mean(g.map((s) => s.checksFailed)),
      eventLoopLagP99: Math.max(...g.map((s) => s.eventLoopLagP99)),
      generatorCpuPercent: Math.max(...g.map((s) => s.generatorCpuPercent)),
    };
  });
  return { ...b, points, hasOffered };
}

export interface ErrorSeries extends Bucketing {
  /** error kinds, most frequent first */
  kinds: Array<{ kind: string; total: number }>;
  /** per point: t and, per kind index, errors per second (keys are `k0`, `k1`, ... so no run string becomes a key) */
  points: Array<{ t: number } & Record<string, number>>;
}

/** Failed requests by error kind over time. */
export function errorSeries(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): ErrorSeries {
  const totals = new Map<string, number>();
  for (const s of result.timeline) for (const [k, n] of Object.entries(s.errorsByKind)) totals.set(k, (totals.get(k) ?? 0) + n);
  const kinds = [...totals].map(([kind, total]) => ({ kind, total })).sort((a, b) => b.total - a.total || a.kind.localeCompare(b.kind));
  const b = bucketing(result.timeline.length, maxPoints);
  const points = groups(result.timeline, b.bucketS).map((g) => {
    const p: { t: number } & Record<string, number> = { t: g[0]!.t };
    kinds.forEach(({ kind }, i) => {
      p[`k${i}`] = g.reduce((a, s) => a + (Object.hasOwn(s.errorsByKind, kind) ? (s.errorsByKind[kind] ?? 0) : 0), 0) / g.length;
    });
    return p;
  });
  return { ...b, kinds, points };
}
