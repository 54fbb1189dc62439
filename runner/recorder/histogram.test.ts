// HDR percentiles against exact percentiles of the same samples: within 0.1 %.
import * as hdr from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs, recordValue, summarize, trendValues } from './histogram.ts';

function exactPercentile(sorted: number[], p: number): number {
  // HdrHistogram's definition: the smallest value with at least p % of samples ≤ it
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? NaN;
}

describe('HDR histogram accuracy', () => {
  it('percentiles of 100 000 log-normal latencies are within 0.1 % of exact', () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const samples: number[] = [];
    const h = newHistogram();
    for (let i = 0; i < 100_000; i++) {
      // Box–Muller: median ~2 ms, long tail to seconds
      const z = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
      const us = Math.round(Math.exp(7.6 + 1.2 * z));
      samples.push(us);
      recordUs(h, us);
    }
    samples.sort((a, b) => a - b);
    for (const p of [50, 90, 95, 99, 99.9, 99.99]) {
      const exact = exactPercentile(samples, p);
      const hdr = h.getValueAtPercentile(p);
      expect(Math.abs(hdr - exact) / exact).toBeLessThanOrEqual(0.001);
    }
    expect(h.maxValue).toBeGreaterThanOrEqual(samples[samples.length - 1]! * 0.999);
  });

  it('encodes and decodes losslessly, and merged histograms equal one histogram of all samples', () => {
    const a = newHistogram();
    const b = newHistogram();
    const all = newHistogram();
    for (let i = 1; i <= 5000; i++) {
      recordUs(i % 2 ? a : b, i * 37);
      recordUs(all, i * 37);
    }
    const merged = decodeHistogram(encodeHistogram(a));
    merged.add(decodeHistogram(encodeHistogram(b)));
    expect(merged.totalCount).toBe(5000);
    for (const p of [1, 50, 99, 99.9]) expect(merged.getValueAtPercentile(p)).toBe(all.getValueAtPercentile(p));
  });

  it('is the library index\'s histogram and encoding (its modules are loaded one by one)', () => {
    const ours = newHistogram();
    const theirs = hdr.build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3, useWebAssembly: false });
    for (let i = 1; i <= 20_000; i++) {
      ours.recordValue(i * i);
      theirs.recordValue(i * i);
    }
    const encoded = encodeHistogram(ours);
    expect(encoded).toBe(hdr.encodeIntoCompressedBase64(theirs));
    const back = decodeHistogram(`  ${hdr.encodeIntoCompressedBase64(theirs)}\n`);
    const libraryBack = hdr.decodeFromCompressedBase64(encoded, 32, false);
    expect(back.totalCount).toBe(20_000);
    for (const p of [0, 10, 50, 90, 99, 99.99, 100]) expect(back.getValueAtPercentile(p)).toBe(libraryBack.getValueAtPercentile(p));
    expect(encodeHistogram(back)).toBe(encoded);
    back.recordValue(2 ** 40); // decoded histograms still grow
    expect(back.maxValue).toBeGreaterThanOrEqual(2 ** 40);
  });
});

describe('recordValue (the hot path without Math.log2)', () => {
  it('gives exactly the histogram the library records, bucket for bucket, as the range grows', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ours = newHistogram();
    const theirs = newHistogram();
    const values = [0, 1, 2, 1023, 1024, 2047, 2048, 2049, 4095, 65_535, 2 ** 31 - 1, 2 ** 31, 2 ** 40 + 3];
    for (let i = 0; i < 50_000; i++) values.push(Math.floor(Math.exp(rand() * 22)));
    for (const v of values) {
      recordValue(ours, v);
      theirs.recordValue(v);
    }
    expect(ours.totalCount).toBe(values.length);
    expect(ours.maxValue).toBe(theirs.maxValue);
    expect(ours.minNonZeroValue).toBe(theirs.minNonZeroValue);
    expect(encodeHistogram(ours)).toBe(encodeHistogram(theirs));
    for (const p of [0, 50, 99, 99.99, 100]) expect(ours.getValueAtPercentile(p)).toBe(theirs.getValueAtPercentile(p));
    // and into a decoded histogram (the aggregate's), too
    const decoded = decodeHistogram(encodeHistogram(theirs));
    recordValue(decoded, 12_345);
    theirs.recordValue(12_345);
    expect(encodeHistogram(decoded)).toBe(encodeHistogram(theirs));
  });
});

describe('summarize (mean and percentiles in one pass)', () => {
  it('gives the library\'s mean and getValueAtPercentile, bit for bit', () => {
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const ps = [0, 0.001, 1, 25, 50, 90, 95, 99, 99.9, 99.99, 99.999, 100];
    const shapes: Array<() => number> = [() => Math.floor(Math.exp(rand() * 16)), () => 250 + Math.floor(rand() * 10), () => 7, () => (rand() < 0.99 ? 300 : 1_000_000 + Math.floor(rand() * 5e6))];
    for (const [s, shape] of shapes.entries()) {
      for (const count of [1, 2, 3, 17, 1000, 100_003]) {
        const h = newHistogram();
        for (let i = 0; i < count; i++) recordValue(h, shape());
        const { mean, values } = summarize(h, ps);
        expect(mean, `shape ${s}, ${count} values: mean`).toBe(h.mean);
        ps.forEach((p, k) => expect(values[k], `shape ${s}, ${count} values: p${p}`).toBe(h.getValueAtPercentile(p)));
        const t = trendValues(h);
        expect([t.count, t.avg, t.min, t.med, t.max, t['p(99)']]).toEqual([count, h.mean / 1000, h.getValueAtPercentile(0) / 1000, h.getValueAtPercentile(50) / 1000, h.maxValue / 1000, h.getValueAtPercentile(99) / 1000]);
      }
    }
    expect(summarize(newHistogram(), ps)).toEqual({ mean: 0, values: ps.map(() => 0) });
  });
});
