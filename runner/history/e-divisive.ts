// Change points in a metric's history: E-Divisive with means (Matteson & James 2014, as used by
// MongoDB's performance CI and Apache Otava). Hierarchical: the split of a segment that
// maximises the energy statistic q̂ is a candidate; a permutation test (the segment's values
// shuffled, the maximum q̂ recomputed) gives its p-value; a significant split is kept and the
// pieces searched again, until the best remaining candidate is not significant.
//
// False alarms: each test rejects "no change" at p ≤ alpha, so a history with no change gets a
// (first) false alarm with probability ≈ alpha (default 0.005, with 1999 permutations).
import { seededRng, type Rng } from './rng.ts';

export interface ChangePoint {
  /** index of the first value after the change */
  index: number;
  /** the energy statistic q̂ of the split and its permutation p-value */
  q: number;
  pValue: number;
  /** means of the segment before and after (within the segment the split was found in) */
  before: number;
  after: number;
}

export interface EDivisiveOptions {
  alpha?: number;
  permutations?: number;
  /** smallest segment on either side of a change */
  minSize?: number;
  seed?: number;
}

/** The best split of v (τ, q̂), with κ the segment's end (MongoDB's formulation). */
function bestSplit(v: Float64Array, minSize: number): { tau: number; q: number } {
  const n = v.length;
  if (n < 2 * minSize) return { tau: -1, q: -Infinity };
  let total = 0;
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) total += Math.abs((v[i] as number) - (v[k] as number));
  // τ = 1 to start: left = {v0}, W_L = 0, W_R = Σ over pairs in v[1..n)
  let wl = 0;
  let wr = total;
  for (let j = 1; j < n; j++) wr -= Math.abs((v[0] as number) - (v[j] as number));
  let best = { tau: -1, q: -Infinity };
  for (let tau = 1; tau < n; tau++) {
    if (tau >= minSize && n - tau >= minSize) {
      const m = tau;
      const r = n - tau;
      const between = total - wl - wr;
      const e = (2 / (m * r)) * between - (m > 1 ? wl / ((m * (m - 1)) / 2) : 0) - (r > 1 ? wr / ((r * (r - 1)) / 2) : 0);
      const q = ((m * r) / (m + r)) * e;
      if (q > best.q) best = { tau, q };
    }
    // move v[tau] from the right to the left
    const x = v[tau] as number;
    for (let i = 0; i < tau; i++) wl += Math.abs(x - (v[i] as number));
    for (let j = tau + 1; j < n; j++) wr -= Math.abs(x - (v[j] as number));
  }
  return best;
}

function shuffle(a: Float64Array, rng: Rng): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

function mean(v: ArrayLike<number>, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += v[i] as number;
  return to > from ? s / (to - from) : Number.NaN;
}

export function eDivisive(series: readonly number[], opts: EDivisiveOptions = {}): ChangePoint[] {
  const alpha = opts.alpha ?? 0.005;
  const permutations = opts.permutations ?? 1999;
  const minSize = opts.minSize ?? 3;
  const rng = seededRng(opts.seed ?? 1);
  const values = Float64Array.from(series);
  const cuts = [0, values.length];
  const found: ChangePoint[] = [];
  for (;;) {
    let best: { start: number; end: number; tau: number; q: number } | null = null;
    for (let s = 0; s + 1 < cuts.length; s++) {
      const start = cuts[s] as number;
      const end = cuts[s + 1] as number;
      const split = bestSplit(values.subarray(start, end), minSize);
      if (split.tau > 0 && (!best || split.q > best.q)) best = { start, end, tau: start + split.tau, q: split.q };
    }
    if (!best) break;
    const segment = Float64Array.from(values.subarray(best.start, best.end));
    let atLeast = 0;
    for (let p = 0; p < permutations; p++) {
      shuffle(segment, rng);
      if (bestSplit(segment, minSize).q >= best.q) atLeast++;
    }
    const pValue = (atLeast + 1) / (permutations + 1);
    if (pValue > alpha) break;
    found.push({ index: best.tau, q: best.q, pValue, before: mean(values, best.start, best.tau), after: mean(values, best.tau, best.end) });
    cuts.push(best.tau);
    cuts.sort((a, b) => a - b);
  }
  return found.sort((a, b) => a.index - b.index);
}
