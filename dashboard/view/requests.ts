// The per-request-name table: one row per `name` tag, from the result's `tagged` entries.
// When the runner splits a name further (by status, method, ...) the parts are combined
// exactly: counters add, rates add their passes/fails, trends merge their HDR histograms.
// Percentiles are never averaged; without histograms a split name shows "—".
import { mergedPercentiles, responseTimeDistribution, type DistributionBucket } from '../model/histogram.ts';
import type { ErrorMessage, RunResult, TaggedMetric } from '../../runner/result/schema.ts';

export interface RequestRow {
  name: string;
  methods: string[];
  scenarios: string[];
  requests: number;
  failed: number | null;
  errorRate: number | null;
  /** http_req_latency (from the intended start), ms; min/mean/max exact over the parts */
  latency: Spread;
  /** http_req_duration (from the actual send), ms */
  duration: Spread;
  /** latency (from the intended start) per 1-2-5 bucket; null without histograms */
  distribution: DistributionBucket[] | null;
  /** this name's failed requests by message, most frequent first */
  errors: ErrorMessage[];
}

export interface Spread {
  min: number | null;
  mean: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

const PCTS = [50, 90, 99] as const;

/** min, mean and max of parts combine exactly (mean weighted by count); percentiles need the histograms. */
function extremes(entries: TaggedMetric[]): Pick<Spread, 'min' | 'mean' | 'max'> {
  const withCount = entries.filter((e) => (e.values.count ?? 0) > 0);
  const count = withCount.reduce((a, e) => a + (e.values.count ?? 0), 0);
  if (withCount.length === 0 || count === 0) return { min: null, mean: null, max: null };
  const mins = withCount.map((e) => e.values.min).filter((v): v is number => v !== undefined);
  const maxs = withCount.map((e) => e.values.max).filter((v): v is number => v !== undefined);
  const hasAvg = withCount.every((e) => e.values.avg !== undefined);
  return {
    min: mins.length === withCount.length ? Math.min(...mins) : null,
    mean: hasAvg ? withCount.reduce((a, e) => a + (e.values.avg ?? 0) * (e.values.count ?? 0), 0) / count : null,
    max: maxs.length === withCount.length ? Math.max(...maxs) : null,
  };
}

function trendPercentiles(entries: TaggedMetric[]): Spread & { count: number } {
  const none = { min: null, mean: null, p50: null, p90: null, p99: null, max: null, count: 0 };
  if (entries.length === 0) return none;
  const ext = extremes(entries);
  if (entries.length === 1) {
    const v = entries[0]!.values;
    return { ...ext, p50: v['p(50)'] ?? v.med ?? null, p90: v['p(90)'] ?? null, p99: v['p(99)'] ?? null, count: v.count ?? 0 };
  }
  const count = entries.reduce((a, e) => a + (e.values.count ?? 0), 0);
  const b64s = entries.map((e) => e.histogram);
  if (b64s.some((b) => b === undefined)) return { ...none, ...ext, count };
  const m = mergedPercentiles(b64s as string[], PCTS);
  return { ...ext, p50: m.values[0] ?? null, p90: m.values[1] ?? null, p99: m.values[2] ?? null, count: m.count };
}

/** HDR reads a percentile as its bucket's highest equivalent value: never show it above the exact max. */
function clamped(s: Spread & { count: number }): Spread & { count: number } {
  if (s.max === null) return s;
  const c = (v: number | null) => (v === null ? null : Math.min(v, s.max as number));
  return { ...s, p50: c(s.p50), p90: c(s.p90), p99: c(s.p99) };
}

function histograms(entries: TaggedMetric[]): string[] | null {
  const b64s = entries.map((e) => e.histogram);
  return b64s.length > 0 && b64s.every((b) => b !== undefined) ? (b64s as string[]) : null;
}

export function requestTable(result: RunResult): RequestRow[] {
  const byName = new Map<string, TaggedMetric[]>();
  for (const e of result.tagged) {
    if (!Object.hasOwn(e.tags, 'name')) continue;
    const name = e.tags.name ?? '';
    const list = byName.get(name) ?? [];
    list.push(e);
    byName.set(name, list);
  }
  const rows: RequestRow[] = [];
  for (const [name, entries] of byName) {
    const of = (metric: string) => entries.filter((e) => e.metric === metric);
    const lat = clamped(trendPercentiles(of('http_req_latency')));
    const dur = clamped(trendPercentiles(of('http_req_duration')));
    const reqs = of('http_reqs');
    const failedEntries = of('http_req_failed');
    const requests = reqs.length > 0 ? reqs.reduce((a, e) => a + (e.values.count ?? 0), 0) : Math.max(lat.count, dur.count);
    // k6's rate metric: `passes` counts true values, i.e. failed requests for http_req_failed
    const failed = failedEntries.length > 0 ? failedEntries.reduce((a, e) => a + (e.values.passes ?? 0), 0) : null;
    const failTotal = failedEntries.reduce((a, e) => a + (e.values.passes ?? 0) + (e.values.fails ?? 0), 0);
    const uniq = (key: string) => [...new Set(entries.map((e) => e.tags[key]).filter((v): v is string => v !== undefined))].sort();
    rows.push({
      name,
      methods: uniq('method'),
      scenarios: uniq('scenario'),
      requests,
      failed,
      errorRate: failed === null || failTotal === 0 ? null : failed / failTotal,
      latency: { min: lat.min, mean: lat.mean, p50: lat.p50, p90: lat.p90, p99: lat.p99, max: lat.max },
      duration: { min: dur.min, mean: dur.mean, p50: dur.p50, p90: dur.p90, p99: dur.p99, max: dur.max },
      distribution: ((h) => (h ? (responseTimeDistribution(h)?.buckets ?? null) : null))(histograms(of('http_req_latency'))),
      errors: (result.errors ?? []).filter((e) => e.name === name),
    });
  }
  return rows.sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
}

export interface DistributionView {
  /** one bucket per 1-2-5 band over every request's time; both definitions on the same bands */
  buckets: Array<{ label: string; lo: number; hi: number; latency: number; duration: number }>;
  count: number;
}

function bandLabel(lo: number, hi: number): string {
  const f = (v: number) => (v >= 1000 ? `${+(v / 1000).toPrecision(3)} s` : `${+v.toPrecision(3)}`);
  return hi >= 1000 && lo >= 1000 ? `${f(lo)}–${f(hi)}` : `${f(lo)}–${f(hi)}${hi >= 1000 ? '' : ' ms'}`;
}

/** The whole run's response-time distribution, both latency definitions, on shared 1-2-5 bands. */
export function distributionView(result: RunResult): DistributionView | null {
  const lat = result.metrics.http_req_latency?.histogram;
  const dur = result.metrics.http_req_duration?.histogram;
  if (!lat && !dur) return null;
  const l = lat ? responseTimeDistribution([lat]) : null;
  const d = dur ? responseTimeDistribution([dur]) : null;
  if (!l && !d) return null;
  // one set of bands covering both
  const bands = new Map<number, { lo: number; hi: number; latency: number; duration: number }>();
  for (const [which, dist] of [['latency', l], ['duration', d]] as const) {
    for (const b of dist?.buckets ?? []) {
      const cur = bands.get(b.lo) ?? { lo: b.lo, hi: b.hi, latency: 0, duration: 0 };
      cur[which] += b.count;
      bands.set(b.lo, cur);
    }
  }
  const buckets = [...bands.values()].sort((a, b) => a.lo - b.lo).map((b) => ({ ...b, label: bandLabel(b.lo, b.hi) }));
  return { buckets, count: Math.max(l?.count ?? 0, d?.count ?? 0) };
}
