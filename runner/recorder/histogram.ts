// HDR histograms as Stampede uses them: integer microseconds, 3 significant digits (a value is
// known to within 1/1024 ≈ 0.1 %), auto-resizing so no latency is ever out of range. Memory is
// bounded by the value range, not by the number of samples.
//
// The library's modules are required one by one (the pinned 3.x layout), not through its index:
// the index also loads its WebAssembly build (a base64 blob decoded at load), its log writer
// (which builds Intl number formats at load) and the wasm-aware encoders — ~25 ms of every
// process start and of every engine thread, for code Stampede never calls. What is used: the
// 32-bit JsHistogram and the V2 compressed encoding (JsHistogram.encoding adds
// encodeIntoCompressedBase64 and JsHistogram.decode). histogram.test.ts checks against the index.
import { createRequire } from 'node:module';
import type { Histogram } from 'hdr-histogram-js';

export type { Histogram };

const require = createRequire(import.meta.url);
const Int32Histogram = (require('hdr-histogram-js/dist/Int32Histogram.js') as typeof import('hdr-histogram-js/dist/Int32Histogram.js')).default;
const encoding = require('hdr-histogram-js/dist/JsHistogram.encoding.js') as typeof import('hdr-histogram-js/dist/JsHistogram.encoding.js');
const { JsHistogram } = require('hdr-histogram-js/dist/JsHistogram.js') as typeof import('hdr-histogram-js/dist/JsHistogram.js');

/** As hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3 }). */
export function newHistogram(): Histogram {
  const h = new Int32Histogram(1, 2, 3);
  h.autoResize = true;
  return h;
}

/**
 * The fields of hdr-histogram-js' JsHistogram (pinned 3.x) that recordValue touches. Reading
 * them lets the hot path record without its per-value Math.log2/Math.pow: that was ~0.15 µs a
 * value, three values per request. histogram.test.ts checks, value for value, that the result
 * is the library's own.
 */
interface JsHistogramFields {
  _counts: { [i: number]: number; length: number };
  _totalCount: number;
  maxValue: number;
  minNonZeroValue: number;
  unitMagnitude: number;
  unitMagnitudeMask: number;
  subBucketHalfCountMagnitude: number;
  subBucketHalfCount: number;
  countsArrayLength: number;
}

/**
 * h.recordValue(v) for an integer v ≥ 0, with the bucket index from Math.clz32; values beyond
 * 2^31 or the histogram's current range (it must grow) go through the library.
 */
export function recordValue(h: Histogram, v: number): void {
  const f = h as unknown as JsHistogramFields;
  if (v < 0x80000000 && f.unitMagnitude === 0 && f._counts !== undefined) {
    const bucket = Math.max(0, 31 - Math.clz32(v) - f.subBucketHalfCountMagnitude - f.unitMagnitude);
    const index = ((bucket + 1) << f.subBucketHalfCountMagnitude) + (v >>> (bucket + f.unitMagnitude)) - f.subBucketHalfCount;
    if (index < f.countsArrayLength) {
      f._counts[index] = (f._counts[index] as number) + 1;
      f._totalCount++;
      if (v > f.maxValue) f.maxValue = v + f.unitMagnitudeMask;
      if (v < f.minNonZeroValue && v !== 0) f.minNonZeroValue = v; // unit magnitude 0: no rounding
      return;
    }
  }
  h.recordValue(v);
}

/** Records a duration in µs; negative clock noise is clamped, fractions rounded. */
export function recordUs(h: Histogram, us: number): void {
  recordValue(h, us > 0 ? Math.round(us) : 0);
}

export function encodeHistogram(h: Histogram): string {
  return (h as InstanceType<typeof JsHistogram>).encodeIntoCompressedBase64();
}

/** As hdr.decodeFromCompressedBase64(base64, 32, false), auto-resizing. */
export function decodeHistogram(base64: string): Histogram {
  // a copy in a buffer of its own: the library reads the bytes through typed-array views
  const bytes = Uint8Array.from(Buffer.from(base64.trim(), 'base64'));
  const h = JsHistogram.decode(encoding.decompress(bytes), 32, 0);
  h.autoResize = true;
  return h;
}

/** The percentiles every trend reports (k6 names). */
export const TREND_PERCENTILES = [50, 90, 95, 99, 99.9, 99.99] as const;

export function percentileKey(p: number): string {
  return `p(${p})`;
}

/** The JsHistogram methods summarize() walks the counts with (pinned 3.x). */
interface JsHistogramIndexing {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  lowestEquivalentValue(v: number): number;
  highestEquivalentValue(v: number): number;
  medianEquivalentValue(v: number): number;
}

/** As the library's ulp.js: the unit in the last place of x. */
const ulp = (x: number): number => Math.pow(2, Math.floor(Math.log2(x)) - 52);

/**
 * h.mean and h.getValueAtPercentile(p) for each of `percentiles`, in one pass over the counts.
 * The library walks every count once per percentile, and its mean through an iterator object
 * per bucket: with a trend per tag set and per second, that was most of a run's end. Same
 * arithmetic in the same order, so the results are the library's, bit for bit (tested).
 */
export function summarize(h: Histogram, percentiles: readonly number[]): { mean: number; values: number[] } {
  const n = h.totalCount;
  const values = percentiles.map(() => 0);
  if (n === 0) return { mean: 0, values };
  const f = h as unknown as JsHistogramIndexing;
  // the count each percentile is reached at, rounded as getValueAtPercentile rounds it
  const wanted = percentiles
    .map((p, k) => {
      const fp = (Math.min(p, 100) / 100) * n;
      return { k, p, count: Math.max(Math.ceil(fp - ulp(fp)), 1) };
    })
    .sort((a, b) => a.count - b.count);
  let next = 0;
  let total = 0;
  let sum = 0;
  for (let i = 0, len = f.countsArrayLength; i < len; i++) {
    const c = f.getCountAtIndex(i);
    if (c === 0) continue;
    total += c;
    const v = f.valueFromIndex(i);
    sum += f.medianEquivalentValue(v) * c;
    for (; next < wanted.length && total >= (wanted[next] as { count: number }).count; next++) {
      const w = wanted[next] as { k: number; p: number };
      values[w.k] = w.p === 0 ? f.lowestEquivalentValue(v) : f.highestEquivalentValue(v);
    }
  }
  return { mean: sum / n, values };
}

const SUMMARY_PERCENTILES = [0, 50, ...TREND_PERCENTILES];

/**
 * k6 summary values of a time trend, in ms from a µs histogram. `med` is the 50th percentile.
 * An empty histogram gives count 0 and zeros (as k6 reports an empty trend).
 */
export function trendValues(h: Histogram): Record<string, number> {
  const n = h.totalCount;
  const { mean, values } = summarize(h, SUMMARY_PERCENTILES);
  const ms = (us: number) => us / 1000;
  const out: Record<string, number> = {
    count: n,
    avg: n ? ms(mean) : 0,
    min: ms(values[0] as number),
    med: ms(values[1] as number),
    max: n ? ms(h.maxValue) : 0,
  };
  TREND_PERCENTILES.forEach((p, k) => (out[percentileKey(p)] = ms(values[k + 2] as number)));
  return out;
}

/** One trend aggregation (k6 threshold syntax) from a µs histogram, in ms. */
export function trendAggregate(h: Histogram, aggregation: string, percentile?: number): number | undefined {
  if (h.totalCount === 0) return undefined;
  switch (aggregation) {
    case 'avg':
      return h.mean / 1000;
    case 'min':
      return h.getValueAtPercentile(0) / 1000;
    case 'max':
      return h.maxValue / 1000;
    case 'med':
      return h.getValueAtPercentile(50) / 1000;
    case 'count':
      return h.totalCount;
    default:
      if (percentile !== undefined) return h.getValueAtPercentile(percentile) / 1000;
      return undefined;
  }
}
