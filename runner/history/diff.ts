// Two runs compared per metric and request name, each change with a confidence interval from a
// circular block bootstrap of the runs' seconds (bootstrap.ts; the choice is explained in
// runner/history/README.md), and a verdict: faster, slower, or no evidence of change.
import type { RequestSeconds } from '../result/schema.ts';
import { automaticBlockLength, bootstrapRun, secondMeans, sharedBuckets, type Indexed, type StatKey } from './bootstrap.ts';
import { seededRng, seedFrom } from './rng.ts';
import { tQuantile } from './quantiles.ts';
import { ALL_REQUESTS, secondsSeries, type SecondsSeries } from './seconds-data.ts';

export const DEFAULT_PERCENTILES = [50, 90, 99] as const;
/** Family-wise, per request name: a false "slower" in CI costs a team a day, so 99 % by default. */
export const DEFAULT_CONFIDENCE = 0.99;
/** fewer seconds than this in either run: no interval is given (blocks of a handful say nothing) */
export const MIN_SECONDS = 5;

export type Verdict = 'slower' | 'faster' | 'more errors' | 'fewer errors' | 'no evidence of change' | 'insufficient data';

/**
 * Run-to-run variation that a bootstrap over one run's seconds cannot see: two runs of the same
 * build against the same target differ as wholes (the JIT's choices, the timer's phase, the
 * core each process landed on), and every second of a run shares them. Each is the standard
 * deviation, between such runs, of log(statistic) — so 0.02 is about 2 % — and goes into each
 * run's variance beside its sampling variance. Without it two runs of one thing are called
 * different far more often than the confidence says (measured on real runs by
 * runner/bench/history-diff-check.ts; figures in docs/benchmarks.md).
 */
export interface RunNoise {
  /** per latency percentile: p(50), p(90), p(99); other percentiles interpolated, clamped at the ends */
  latency: { p50: number; p90: number; p99: number };
  /** the request rate */
  rate: number;
}

export const DEFAULT_RUN_NOISE: RunNoise = { latency: { p50: 0.015, p90: 0.04, p99: 0.08 }, rate: 0.01 };
export const NO_RUN_NOISE: RunNoise = { latency: { p50: 0, p90: 0, p99: 0 }, rate: 0 };

/** The run-level SD of a row's statistic (0 for the failed share: an absolute difference of shares). */
export function runNoiseOf(noise: RunNoise, key: StatKey): number {
  if (key.metric === 'http_req_failed') return 0;
  if (key.metric === 'http_reqs') return noise.rate;
  const p = Number(/^p\((\d+(?:\.\d+)?)\)$/.exec(key.stat)?.[1] ?? 50);
  const { p50, p90, p99 } = noise.latency;
  if (p <= 50) return p50;
  if (p <= 90) return p50 + ((p - 50) / 40) * (p90 - p50);
  if (p <= 99) return p90 + ((p - 90) / 9) * (p99 - p90);
  return p99;
}

export interface DiffOptions {
  /** run-to-run variation added to each run's sampling variance (default DEFAULT_RUN_NOISE) */
  runNoise?: RunNoise;
  /** two-sided, for each name's rows together (default DEFAULT_CONFIDENCE) */
  confidence?: number;
  reps?: number;
  seed?: number;
  percentiles?: readonly number[];
  /** block length for n seconds (default blockLength) */
  block?: (n: number) => number;
}

export interface DiffRow {
  name: string;
  metric: StatKey['metric'];
  stat: string;
  a: number | null;
  b: number | null;
  /** b − a (ms for latencies, req/s for http_reqs, share for http_req_failed) */
  delta: number | null;
  /** b / a − 1; null for http_req_failed (a share: its change is the absolute delta) or when a is 0 */
  relative: number | null;
  /** the interval on `relative` (or on `delta` for http_req_failed) */
  ci: { lo: number; hi: number } | null;
  interval: 'relative' | 'absolute';
  verdict: Verdict;
  /**
   * The estimate the interval is built on: log(b/a) for relative rows, b − a for absolute ones,
   * its bootstrap standard error and the Welch–Satterthwaite degrees of freedom (from the
   * number of blocks in each run). null when there is no interval.
   */
  test: { estimate: number; se: number; df: number } | null;
}

export interface DiffReport {
  confidence: number;
  reps: number;
  seed: number;
  seconds: { a: number; b: number };
  blockLength: { a: number; b: number };
  /** per-row confidence after the Bonferroni split over a name's rows (simultaneous intervals) */
  rowConfidence: number;
  rows: DiffRow[];
}

/** A one- or two-sided bound of a row's change at level q (a quantile of its t distribution), in the row's units (relative or absolute). */
export function boundAt(row: DiffRow, q: number): number | null {
  if (!row.test) return null;
  const { estimate, se, df } = row.test;
  const x = se === 0 ? estimate : estimate + tQuantile(q, df) * se;
  return row.interval === 'relative' ? Math.expm1(x) : x;
}

function variance(x: Float64Array, f: (v: number) => number): number {
  let m = 0;
  for (const v of x) m += f(v);
  m /= x.length;
  let s = 0;
  for (const v of x) s += (f(v) - m) ** 2;
  return x.length > 1 ? s / (x.length - 1) : 0;
}

/**
 * Seconds in which the run had no request at all are dropped, and so is a last second with under
 * half the median count: the run ended inside it (the drain of in-flight requests), so its rate
 * is an artefact of where the clock stopped, not of the target.
 */
function keepBusySeconds(series: SecondsSeries[]): SecondsSeries[] {
  const all = series.find((s) => s.name === ALL_REQUESTS);
  if (!all) return series;
  const keep: number[] = [];
  all.requests.forEach((r, i) => {
    if (r > 0) keep.push(i);
  });
  const counts = keep.map((i) => all.requests[i] as number).sort((x, y) => x - y);
  const median = counts[Math.floor(counts.length / 2)] ?? 0;
  const last = keep[keep.length - 1];
  if (keep.length > MIN_SECONDS && last !== undefined && (all.requests[last] as number) < median / 2) keep.pop();
  return series.map((s) => ({
    name: s.name,
    requests: Float64Array.from(keep, (i) => s.requests[i] as number),
    failed: Float64Array.from(keep, (i) => s.failed[i] as number),
    latency: keep.map((i) => s.latency[i] as SecondsSeries['latency'][number]),
    duration: keep.map((i) => s.duration[i] as SecondsSeries['duration'][number]),
  }));
}

function verdictOf(metric: StatKey['metric'], ci: { lo: number; hi: number }): Verdict {
  const up = ci.lo > 0;
  const down = ci.hi < 0;
  if (!up && !down) return 'no evidence of change';
  if (metric === 'http_req_failed') return up ? 'more errors' : 'fewer errors';
  if (metric === 'http_reqs') return up ? 'faster' : 'slower';
  return up ? 'slower' : 'faster';
}

export function diffSeconds(a: readonly RequestSeconds[], b: readonly RequestSeconds[], opts: DiffOptions = {}): DiffReport {
  const confidence = opts.confidence ?? DEFAULT_CONFIDENCE;
  const noise = opts.runNoise ?? DEFAULT_RUN_NOISE;
  const reps = opts.reps ?? 2000;
  const seed = opts.seed ?? 1;
  const ps = [...new Set([...(opts.percentiles ?? DEFAULT_PERCENTILES)])].sort((x, y) => x - y);
  const sa = keepBusySeconds(secondsSeries(a));
  const sb = keepBusySeconds(secondsSeries(b));
  const na = sa[0]?.requests.length ?? 0;
  const nb = sb[0]?.requests.length ?? 0;
  // the block length of each run from the dependence of its all-requests per-second mean latency
  const la = opts.block?.(na) ?? (sa[0] ? automaticBlockLength(secondMeans(sa[0].latency)) : 1);
  const lb = opts.block?.(nb) ?? (sb[0] ? automaticBlockLength(secondMeans(sb[0].latency)) : 1);
  const perName = 2 * ps.length + 2;
  const alpha = (1 - confidence) / perName;
  const rows: DiffRow[] = [];
  // with a single request name its rows would repeat the all-requests rows: only those are kept
  const names = sa.map((s) => s.name).filter((n) => sb.some((s) => s.name === n)).filter((n, _, all) => all.length > 2 || n === ALL_REQUESTS);
  for (const name of names) {
    const x = sa.find((s) => s.name === name) as SecondsSeries;
    const y = sb.find((s) => s.name === name) as SecondsSeries;
    const lat = sharedBuckets([x.latency, y.latency]);
    const dur = sharedBuckets([x.duration, y.duration]);
    const enough = na >= MIN_SECONDS && nb >= MIN_SECONDS;
    const r = enough ? reps : 0;
    const ra = bootstrapRun(x, { values: lat.values, indexed: lat.indexed[0] as Indexed }, { values: dur.values, indexed: dur.indexed[0] as Indexed }, ps, r, seededRng(seedFrom(seed, `a\x1f${name}`)), la);
    const rb = bootstrapRun(y, { values: lat.values, indexed: lat.indexed[1] as Indexed }, { values: dur.values, indexed: dur.indexed[1] as Indexed }, ps, r, seededRng(seedFrom(seed, `b\x1f${name}`)), lb);
    ra.keys.forEach((key, k) => {
      const va = ra.observed[k] as number;
      const vb = rb.observed[k] as number;
      const absolute = key.metric === 'http_req_failed';
      const finite = Number.isFinite(va) && Number.isFinite(vb);
      const row: DiffRow = {
        name,
        metric: key.metric,
        stat: key.stat,
        a: Number.isFinite(va) ? va : null,
        b: Number.isFinite(vb) ? vb : null,
        delta: finite ? vb - va : null,
        relative: finite && !absolute && va !== 0 ? vb / va - 1 : null,
        ci: null,
        interval: absolute ? 'absolute' : 'relative',
        verdict: 'insufficient data',
        test: null,
      };
      if (enough && finite && (absolute || (va > 0 && vb > 0))) {
        // the interval: estimate ± t · SE, SE from the two runs' bootstrap variances (relative
        // changes on the log scale, where a ratio's sampling distribution is near symmetric); t
        // with the Welch–Satterthwaite df of the runs' block counts, since a run of n seconds
        // holds only about n/L independent blocks and a normal quantile would be too narrow
        const f = absolute ? (v: number) => v : (v: number) => Math.log(v);
        const xa = ra.replicates[k] as Float64Array;
        const xb = rb.replicates[k] as Float64Array;
        const sa2 = variance(xa, f);
        const sb2 = variance(xb, f);
        if (Number.isFinite(sa2) && Number.isFinite(sb2)) {
          const ka = Math.max(2, na / la);
          const kb = Math.max(2, nb / lb);
          // each run's statistic = the truth + its run-level deviation + its sampling error: the
          // run-level variance (known, not estimated) widens the interval and adds no
          // uncertainty of its own to the degrees of freedom
          const run2 = runNoiseOf(noise, key) ** 2;
          const sum = sa2 + sb2 + 2 * run2;
          const estimated = (sa2 * sa2) / (ka - 1) + (sb2 * sb2) / (kb - 1);
          const df = sum === 0 || estimated === 0 ? Infinity : (sum * sum) / estimated;
          row.test = { estimate: absolute ? vb - va : Math.log(vb / va), se: Math.sqrt(sum), df };
          row.ci = { lo: boundAt(row, alpha / 2) as number, hi: boundAt(row, 1 - alpha / 2) as number };
          row.verdict = verdictOf(key.metric, row.ci);
        }
      }
      rows.push(row);
    });
  }
  return { confidence, reps, seed, seconds: { a: na, b: nb }, blockLength: { a: la, b: lb }, rowConfidence: 1 - alpha, rows };
}
