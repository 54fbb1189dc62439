// The measured window of a capacity probe, read back from the probe's RunResult.
//
// Why one run with two scenarios, and not a window cut out of the timeline: the timeline has
// only per-second percentiles, and percentiles of seconds cannot be merged into the window's
// p(99). Two runTest calls back to back (warm-up, then window) would let the target drain
// between them (loading, setup and VU start take hundreds of ms), so the window would start
// cold. Instead a probe is ONE run with two constant-arrival-rate scenarios at the same rate
// — `capacity-warmup` from 0 to W and `capacity-window` from W to W + D — so arrivals are
// continuous, and every sample carries its scenario tag. The RunResult's tagged metrics keep
// an HDR histogram per tag set; merging those of scenario=capacity-window gives the window's
// exact distribution (iterations started in the window, wherever they end). Throughput
// (achieved rate) is the one quantity read from the timeline: completions per second during
// the window's whole seconds, whichever scenario started them — that is the target's rate.
import type { RunResult, TaggedMetric, TimelinePoint } from '../result/schema.ts';
import type { LatencySummary } from '../result/capacity-schema.ts';
import { decodeHistogram, newHistogram, trendAggregate, type Histogram } from '../recorder/histogram.ts';

export const WARMUP_SCENARIO = 'capacity-warmup';
export const WINDOW_SCENARIO = 'capacity-window';

export interface WindowMeasurement {
  offered: number;
  iterations: number;
  requests: number;
  dropped: number;
  /** failed ÷ all requests; null with no requests */
  errorRate: number | null;
  latencyHistogram: Histogram;
  durationHistogram: Histogram;
  iterationHistogram: Histogram;
  latency: LatencySummary | null;
  duration: LatencySummary | null;
  /** completions per second over the window's whole seconds */
  throughput: number;
  /** throughput ÷ offered per second over the same seconds; null when nothing was offered */
  achievedRatio: number | null;
  /** the timeline seconds the window covers */
  seconds: TimelinePoint[];
}

function mergeTrend(tagged: readonly TaggedMetric[], metric: string, scenario: string): Histogram {
  const h = newHistogram();
  for (const m of tagged) {
    if (m.metric !== metric || m.tags.scenario !== scenario || !m.histogram) continue;
    h.add(decodeHistogram(m.histogram));
  }
  return h;
}

function sumCounter(tagged: readonly TaggedMetric[], metric: string, scenario: string): number {
  let n = 0;
  for (const m of tagged) if (m.metric === metric && m.tags.scenario === scenario) n += m.values.count ?? 0;
  return n;
}

function rateCounts(tagged: readonly TaggedMetric[], metric: string, scenario: string): { passes: number; fails: number } {
  const r = { passes: 0, fails: 0 };
  for (const m of tagged) {
    if (m.metric !== metric || m.tags.scenario !== scenario) continue;
    r.passes += m.values.passes ?? 0;
    r.fails += m.values.fails ?? 0;
  }
  return r;
}

export function summarise(h: Histogram): LatencySummary | null {
  if (h.totalCount === 0) return null;
  const at = (p: number) => round3(h.getValueAtPercentile(p) / 1000);
  return { count: h.totalCount, mean: round3(h.mean / 1000), p50: at(50), p90: at(90), p99: at(99), max: round3(h.maxValue / 1000) };
}

/** One trend aggregation ('p(99)', 'avg', ...) of a µs histogram, in ms; undefined when empty. */
export function aggregateMs(h: Histogram, aggregation: string, percentile?: number): number | undefined {
  return trendAggregate(h, aggregation, percentile);
}

/**
 * The window [fromMs, toMs) of a run (ms since the run's t = 0), measured from `scenario`'s
 * tagged metrics. Throughput uses the whole timeline seconds inside the window.
 */
export function measureWindow(result: RunResult, scenario: string, fromMs: number, toMs: number, offered: number): WindowMeasurement {
  const latencyHistogram = mergeTrend(result.tagged, 'http_req_latency', scenario);
  const durationHistogram = mergeTrend(result.tagged, 'http_req_duration', scenario);
  const iterationHistogram = mergeTrend(result.tagged, 'iteration_duration', scenario);
  const failed = rateCounts(result.tagged, 'http_req_failed', scenario);
  const total = failed.passes + failed.fails;
  const firstSecond = Math.ceil(fromMs / 1000 - 1e-9);
  const lastSecond = Math.floor(toMs / 1000 + 1e-9) - 1;
  const seconds = mergeSeconds(result.timeline).filter((p) => p.t >= firstSecond && p.t <= lastSecond);
  const completed = seconds.reduce((a, p) => a + p.completed, 0);
  const offeredInSeconds = seconds.reduce((a, p) => a + (p.offered ?? 0), 0);
  return {
    offered,
    iterations: sumCounter(result.tagged, 'iterations', scenario),
    requests: sumCounter(result.tagged, 'http_reqs', scenario),
    dropped: sumCounter(result.tagged, 'dropped_iterations', scenario),
    // http_req_failed is a k6 Rate: a "pass" is a failed request
    errorRate: total > 0 ? failed.passes / total : null,
    latencyHistogram,
    durationHistogram,
    iterationHistogram,
    latency: summarise(latencyHistogram),
    duration: summarise(durationHistogram),
    throughput: seconds.length > 0 ? completed / seconds.length : 0,
    achievedRatio: offeredInSeconds > 0 ? completed / offeredInSeconds : null,
    seconds,
  };
}

/**
 * The timeline with one point per second. A snapshot that arrives after its second was closed
 * (the setup/teardown VU's, at the end of a run) becomes a second point with the same t, whose
 * `offered` repeats the schedule's count; counts are summed, offered is taken once.
 */
export function mergeSeconds(timeline: readonly TimelinePoint[]): TimelinePoint[] {
  const byT = new Map<number, TimelinePoint>();
  for (const p of timeline) {
    const q = byT.get(p.t);
    if (!q) {
      byT.set(p.t, { ...p });
      continue;
    }
    q.started += p.started;
    q.completed += p.completed;
    q.dropped += p.dropped;
    q.requests += p.requests;
    q.failed += p.failed;
    q.offered = q.offered === null ? p.offered : p.offered === null ? q.offered : Math.max(q.offered, p.offered);
    q.eventLoopLagP99 = Math.max(q.eventLoopLagP99, p.eventLoopLagP99);
    q.generatorCpuPercent = Math.max(q.generatorCpuPercent, p.generatorCpuPercent);
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
