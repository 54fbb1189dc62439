// HDR histograms of a result (µs, V2 compressed base64) decoded into the percentile spectrum:
// the value at each percentile on a "1 in N" axis, as HdrHistogram's plotter draws it.
import { build, decodeFromCompressedBase64 } from 'hdr-histogram-js';

/** the named percentiles always sampled exactly (p50, p75, p90, p95, p99, p99.5, p99.9, …) */
const NAMED_ONE_IN = [2, 4, 10, 20, 100, 200, 1000, 10000, 100000];

export interface SpectrumPoint {
  /** percentile, 0–100 */
  percentile: number;
  /** 1 / (1 − percentile/100): the log-scale x of the spectrum (1 = median side, 100000 = p99.999) */
  oneIn: number;
  /** value at that percentile, ms */
  valueMs: number;
}

export interface DecodedHistogram {
  totalCount: number;
  maxMs: number;
  spectrum: SpectrumPoint[];
}

/** Decodes a histogram and samples it at `stepsPerDecade` points per "nine", up to `nines` nines. */
export function decodeHistogram(base64: string, nines = 5, stepsPerDecade = 10): DecodedHistogram {
  const h = decodeFromCompressedBase64(base64);
  try {
    const grid = Array.from({ length: nines * stepsPerDecade + 1 }, (_, i) => 10 ** (i / stepsPerDecade));
    const named = NAMED_ONE_IN.filter((x) => x <= 10 ** nines);
    // named points replace grid points within 1 % of them (10^(3/10) ≈ 1.995 becomes exactly 2)
    const oneIns = [...grid.filter((g) => !named.some((n) => Math.abs(g / n - 1) < 0.01)), ...named].sort((a, b) => a - b);
    const spectrum: SpectrumPoint[] = [];
    for (const oneIn of oneIns) {
      const percentile = 100 * (1 - 1 / oneIn);
      spectrum.push({ percentile, oneIn, valueMs: h.getValueAtPercentile(percentile) / 1000 });
    }
    return { totalCount: h.totalCount, maxMs: h.maxValue / 1000, spectrum };
  } finally {
    h.destroy();
  }
}

/** Merges histograms exactly (bucket counts add) and reads percentiles (ms) from the merge. */
export function mergedPercentiles(base64s: readonly string[], percentiles: readonly number[]): { count: number; values: number[] } {
  if (base64s.length === 0) return { count: 0, values: percentiles.map(() => Number.NaN) };
  // decoded histograms do not resize; an auto-resizing sum takes any range
  const sum = build({ autoResize: true, numberOfSignificantValueDigits: 3 });
  try {
    for (const b of base64s) {
      const h = decodeFromCompressedBase64(b);
      sum.add(h);
      h.destroy();
    }
    return { count: sum.totalCount, values: percentiles.map((p) => sum.getValueAtPercentile(p) / 1000) };
  } finally {
    sum.destroy();
  }
}

/** One bar of a response-time distribution: requests with lo ≤ time < hi (ms). */
export interface DistributionBucket {
  lo: number;
  hi: number;
  count: number;
}

/** 1-2-5 bucket edges (ms): the last one ≤ `minMs` to the first one > `maxMs`. */
export function distributionEdges(minMs: number, maxMs: number): number[] {
  const lo = Math.max(minMs, 0.001);
  const hi = Math.max(maxMs, lo);
  const all: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)) + 1; e++) for (const m of [1, 2, 5]) all.push(+(m * 10 ** e).toPrecision(3));
  const from = Math.max(0, all.findLastIndex((v) => v <= lo));
  const to = all.findIndex((v) => v > hi);
  return all.slice(from, to + 1);
}

/**
 * The response-time distribution of the merged histograms (Gatling's): requests per 1-2-5 bucket
 * (ms), from the recorded values, so the counts add up to every request exactly. Null when
 * there are no values.
 */
export function responseTimeDistribution(base64s: readonly string[]): { buckets: DistributionBucket[]; count: number } | null {
  if (base64s.length === 0) return null;
  const sum = build({ autoResize: true, numberOfSignificantValueDigits: 3 });
  try {
    for (const b of base64s) {
      const h = decodeFromCompressedBase64(b);
      sum.add(h);
      h.destroy();
    }
    if (sum.totalCount === 0) return null;
    const values: Array<[ms: number, count: number]> = [];
    const it = (sum as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      values.push([v.valueIteratedTo / 1000, v.countAtValueIteratedTo]);
    }
    // an all-zero histogram (a refused connection's send-to-end time) has no non-zero minimum
    const minUs = sum.maxValue === 0 ? 1 : Math.min(sum.minNonZeroValue, sum.maxValue);
    const edges = distributionEdges(minUs / 1000, Math.max(sum.maxValue, 1) / 1000);
    const buckets: DistributionBucket[] = edges.slice(0, -1).map((lo, i) => ({ lo, hi: edges[i + 1]!, count: 0 }));
    for (const [ms, n] of values) {
      let i = buckets.findIndex((b) => ms < b.hi);
      if (i < 0) i = buckets.length - 1;
      buckets[i]!.count += n;
    }
    return { buckets, count: sum.totalCount };
  } finally {
    sum.destroy();
  }
}
