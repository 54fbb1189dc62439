// Circular block bootstrap over a run's seconds. A run's seconds are not independent (a slow
// second is followed by slow seconds: GC, a warming cache, a neighbour's load), so resampling
// single seconds would understate the variance; resampling blocks of consecutive seconds, wrapped
// around the end (Politis & Romano's circular blocks, so every second is equally likely to be
// drawn), keeps the dependence within a block. Each replicate's statistics are computed exactly
// from the merged histograms of the drawn seconds, as the run's own percentiles are.
import type { Rng } from './rng.ts';
import type { SecondsSeries, SparseHistogram } from './seconds-data.ts';

export interface StatKey {
  metric: 'http_req_latency' | 'http_req_duration' | 'http_reqs' | 'http_req_failed';
  /** 'p(99)' (ms) for the latency metrics; 'rate' for http_reqs (req/s) and http_req_failed (share failed) */
  stat: string;
}

/** The fallback block length: ⌈n^(1/3)⌉, the order that minimises the error of block-bootstrap variance estimates. */
export function blockLength(n: number): number {
  return Math.max(1, Math.ceil(Math.cbrt(n)));
}

/**
 * Politis & White's (2004, corrected by Patton, Politis & White 2009) automatic block length for
 * the circular block bootstrap, from the autocorrelation of a per-second series (here each
 * second's mean latency): the stronger and longer the dependence, the longer the blocks.
 * Bounded to [⌈n^(1/3)⌉, n/3] so a replicate always mixes at least three blocks.
 */
export function automaticBlockLength(x: Float64Array): number {
  const n = x.length;
  if (n < 4) return 1;
  if (n < 9) return 1;
  let mean = 0;
  for (const v of x) mean += v;
  mean /= n;
  const acov = (k: number) => {
    let s = 0;
    for (let t = 0; t + k < n; t++) s += ((x[t] as number) - mean) * ((x[t + k] as number) - mean);
    return s / n;
  };
  const g0 = acov(0);
  if (!(g0 > 0)) return n >= 20 ? blockLength(n) : 1;
  const maxLag = Math.min(n - 1, Math.ceil(Math.sqrt(n)) + 5 + Math.ceil(Math.sqrt(n)));
  const rho = [1];
  for (let k = 1; k <= maxLag; k++) rho.push(acov(k) / g0);
  // m̂: the first lag after which K_N consecutive autocorrelations are insignificant
  const kn = Math.max(5, Math.ceil(Math.sqrt(Math.log10(n))));
  const bound = 2 * Math.sqrt(Math.log10(n) / n);
  let m = maxLag;
  for (let k = 1; k + kn <= maxLag; k++) {
    let quiet = true;
    for (let j = 0; j < kn; j++) if (Math.abs(rho[k + j] as number) >= bound) quiet = false;
    if (quiet) {
      m = k - 1;
      break;
    }
  }
  const M = Math.min(2 * Math.max(m, 1), maxLag);
  const flatTop = (t: number) => (Math.abs(t) <= 0.5 ? 1 : Math.abs(t) <= 1 ? 2 * (1 - Math.abs(t)) : 0);
  let g = 0;
  let G = 0;
  for (let k = -M; k <= M; k++) {
    const r = acov(Math.abs(k));
    const w = flatTop(k / M);
    g += w * r;
    G += w * Math.abs(k) * r;
  }
  const D = (4 / 3) * g * g;
  if (!(D > 0)) return n >= 20 ? blockLength(n) : 1;
  const b = Math.pow((2 * G * G) / D, 1 / 3) * Math.cbrt(n);
  // never below the n^(1/3) rule: in a run of tens of seconds a mild dependence is real but not
  // detectable, and blocks too short would make the interval too narrow
  // (in runs under 20 s such blocks would leave too few of them for any interval: there the
  // estimate stands alone)
  const floor = n >= 20 ? blockLength(n) : 1;
  return Math.min(Math.max(floor, Math.round(b)), Math.max(1, Math.floor(n / 3)));
}

/** Each second's mean (µs) of a run's sparse histograms (NaN-free: an empty second is the run's mean). */
export function secondMeans(seconds: readonly { values: Float64Array; counts: Float64Array }[]): Float64Array {
  const out = new Float64Array(seconds.length);
  let sum = 0;
  let cnt = 0;
  seconds.forEach((h, i) => {
    let s = 0;
    let c = 0;
    for (let j = 0; j < h.values.length; j++) {
      s += (h.values[j] as number) * (h.counts[j] as number);
      c += h.counts[j] as number;
    }
    out[i] = c > 0 ? s / c : Number.NaN;
    sum += s;
    cnt += c;
  });
  const fill = cnt > 0 ? sum / cnt : 0;
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i] as number)) out[i] = fill;
  return out;
}

/** Indices of one circular-block resample of n seconds. */
export function circularBlockIndices(n: number, block: number, rng: Rng, out = new Int32Array(n)): Int32Array {
  let filled = 0;
  while (filled < n) {
    const start = Math.floor(rng() * n);
    for (let j = 0; j < block && filled < n; j++) out[filled++] = (start + j) % n;
  }
  return out;
}

export interface Indexed {
  idx: Int32Array[];
  counts: Float64Array[];
}

/** Maps every second's buckets onto one sorted list of values shared by the runs compared. */
export function sharedBuckets(lists: SparseHistogram[][]): { values: Float64Array; indexed: Indexed[] } {
  const set = new Set<number>();
  for (const list of lists) for (const h of list) for (const v of h.values) set.add(v);
  const values = Float64Array.from([...set].sort((a, b) => a - b));
  const at = new Map<number, number>();
  values.forEach((v, i) => at.set(v, i));
  const indexed = lists.map((list) => ({ idx: list.map((h) => Int32Array.from(h.values, (v) => at.get(v) as number)), counts: list.map((h) => h.counts) }));
  return { values, indexed };
}

/** Percentiles (ms) of the merged histogram of `seconds`, HDR's rule: the value at rank ⌊p·N + ½⌋. */
function percentilesOf(acc: Float64Array, values: Float64Array, total: number, ps: readonly number[], out: Float64Array, offset: number): void {
  if (total === 0) {
    for (let k = 0; k < ps.length; k++) out[offset + k] = Number.NaN;
    return;
  }
  const ranks = ps.map((p) => Math.max(1, Math.floor((p / 100) * total + 0.5)));
  let cum = 0;
  let k = 0;
  // ps are sorted ascending, so one pass finds them all
  for (let i = 0; i < acc.length && k < ps.length; i++) {
    cum += acc[i] as number;
    while (k < ps.length && cum >= (ranks[k] as number)) out[offset + k++] = (values[i] as number) / 1000;
  }
  while (k < ps.length) out[offset + k++] = (values[values.length - 1] as number) / 1000;
}

export interface RunStats {
  keys: StatKey[];
  /** observed value of each key over all seconds */
  observed: Float64Array;
  /** replicates[k][b]: key k in bootstrap replicate b */
  replicates: Float64Array[];
}

/**
 * Observed statistics and `reps` circular-block bootstrap replicates of one run's series.
 * `latency`/`duration` carry the run's seconds on shared bucket indices (sharedBuckets).
 */
export function bootstrapRun(
  series: SecondsSeries,
  latency: { values: Float64Array; indexed: Indexed },
  duration: { values: Float64Array; indexed: Indexed },
  percentiles: readonly number[],
  reps: number,
  rng: Rng,
  blockOverride?: number,
): RunStats {
  const ps = [...percentiles].sort((a, b) => a - b);
  const keys: StatKey[] = [
    ...ps.map((p) => ({ metric: 'http_req_latency' as const, stat: `p(${p})` })),
    ...ps.map((p) => ({ metric: 'http_req_duration' as const, stat: `p(${p})` })),
    { metric: 'http_reqs', stat: 'rate' },
    { metric: 'http_req_failed', stat: 'rate' },
  ];
  const n = series.requests.length;
  // one block length for the run: from its all-requests latency dependence (the caller's choice)
  const block = blockOverride ?? blockLength(n);
  const accL = new Float64Array(latency.values.length);
  const accD = new Float64Array(duration.values.length);
  const one = new Float64Array(keys.length);
  const evaluate = (pick: Int32Array | null): Float64Array => {
    accL.fill(0);
    accD.fill(0);
    let req = 0;
    let failed = 0;
    let totalL = 0;
    let totalD = 0;
    for (let j = 0; j < n; j++) {
      const s = pick === null ? j : (pick[j] as number);
      req += series.requests[s] as number;
      failed += series.failed[s] as number;
      const li = latency.indexed.idx[s] as Int32Array;
      const lc = latency.indexed.counts[s] as Float64Array;
      for (let i = 0; i < li.length; i++) {
        accL[li[i] as number] = (accL[li[i] as number] as number) + (lc[i] as number);
        totalL += lc[i] as number;
      }
      const di = duration.indexed.idx[s] as Int32Array;
      const dc = duration.indexed.counts[s] as Float64Array;
      for (let i = 0; i < di.length; i++) {
        accD[di[i] as number] = (accD[di[i] as number] as number) + (dc[i] as number);
        totalD += dc[i] as number;
      }
    }
    percentilesOf(accL, latency.values, totalL, ps, one, 0);
    percentilesOf(accD, duration.values, totalD, ps, one, ps.length);
    one[2 * ps.length] = n > 0 ? req / n : Number.NaN;
    one[2 * ps.length + 1] = req > 0 ? failed / req : Number.NaN;
    return one;
  };
  const observed = Float64Array.from(evaluate(null));
  const replicates = keys.map(() => new Float64Array(reps));
  const pick = new Int32Array(n);
  for (let b = 0; b < reps; b++) {
    const v = evaluate(circularBlockIndices(n, block, rng, pick));
    for (let k = 0; k < keys.length; k++) (replicates[k] as Float64Array)[b] = v[k] as number;
  }
  return { keys, observed, replicates };
}
