// Gatling-like per-request statistics: exact min/mean/max over a name's parts, a latency
// distribution whose bands add up to the name's requests, the error messages of each name, and
// the run's distribution on shared 1-2-5 bands.
import { describe, expect, it } from 'vitest';
import { buildRunFixture } from '../testing/fixture.ts';
import { distributionEdges, responseTimeDistribution } from '../model/histogram.ts';
import { distributionView, requestTable } from './requests.ts';

const run = buildRunFixture();

describe('per-request statistics', () => {
  it('min ≤ p50 ≤ p90 ≤ p99 ≤ max, and the mean lies between min and max', () => {
    const rows = requestTable(run);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      const l = r.latency;
      expect(l.min).not.toBeNull();
      expect(l.min!).toBeLessThanOrEqual(l.p50! * 1.001);
      expect(l.p50!).toBeLessThanOrEqual(l.p90!);
      expect(l.p90!).toBeLessThanOrEqual(l.p99!);
      expect(l.p99!).toBeLessThanOrEqual(l.max! * 1.001);
      expect(l.mean!).toBeGreaterThanOrEqual(l.min!);
      expect(l.mean!).toBeLessThanOrEqual(l.max!);
    }
  });

  it('min/mean/max of a name split in parts are exact: the mean is count-weighted', () => {
    const lat = run.tagged.find((t) => t.metric === 'http_req_latency' && t.tags.name !== undefined)!;
    const v = lat.values;
    const a = { ...lat, tags: { ...lat.tags, status: '200' }, values: { ...v, count: 3, avg: 10, min: 2, max: 20 } };
    const b = { ...lat, tags: { ...lat.tags, status: '503' }, values: { ...v, count: 1, avg: 30, min: 25, max: 40 } };
    const row = requestTable({ ...run, tagged: [a, b] })[0]!;
    expect(row.latency).toMatchObject({ min: 2, mean: 15, max: 40 });
  });

  it("a name's distribution adds up to its requests, on 1-2-5 bands", () => {
    for (const r of requestTable(run)) {
      const total = (r.distribution ?? []).reduce((a, b) => a + b.count, 0);
      const latCount = run.tagged.filter((t) => t.metric === 'http_req_latency' && t.tags.name === r.name).reduce((a, t) => a + (t.values.count ?? 0), 0);
      expect(total).toBe(latCount);
      for (const b of r.distribution ?? []) expect([1, 2, 5]).toContain(+(b.lo / 10 ** Math.floor(Math.log10(b.lo))).toPrecision(3));
    }
    expect(distributionEdges(0.08, 37)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50]);
    expect(distributionEdges(3, 180)).toEqual([2, 5, 10, 20, 50, 100, 200]);
  });

  it('the run distribution: both definitions on the same bands, each adding up to every request', () => {
    const d = distributionView(run)!;
    const n = run.metrics.http_req_latency!.values.count!;
    expect(d.buckets.reduce((a, b) => a + b.latency, 0)).toBe(n);
    expect(d.buckets.reduce((a, b) => a + b.duration, 0)).toBe(run.metrics.http_req_duration!.values.count!);
    for (let i = 1; i < d.buckets.length; i++) expect(d.buckets[i]!.lo).toBe(d.buckets[i - 1]!.hi);
    expect(responseTimeDistribution([])).toBeNull();
  });

  it('an all-zero histogram (the duration of refused connections) lands in the lowest band, never an absurd range', async () => {
    const { newHistogram, encodeHistogram, recordValue } = await import('../../runner/recorder/histogram.ts');
    const h = newHistogram();
    for (let i = 0; i < 5; i++) recordValue(h, 0);
    const d = responseTimeDistribution([encodeHistogram(h)])!;
    expect(d.count).toBe(5);
    expect(d.buckets[0]).toEqual({ lo: 0.001, hi: 0.002, count: 5 });
    expect(d.buckets.at(-1)!.hi).toBeLessThanOrEqual(0.005);
  });

  it("each row lists its own error messages", () => {
    const name = requestTable(run)[0]!.name;
    const errors = [
      { name, method: 'GET', kind: 'connect_refused', message: 'connect ECONNREFUSED 127.0.0.1:9', count: 7, firstT: 1, lastT: 3 },
      { name: 'elsewhere', method: 'GET', kind: 'status_5xx', message: 'unexpected status 503', count: 2, firstT: 0, lastT: 0 },
    ];
    const rows = requestTable({ ...run, errors });
    expect(rows.find((r) => r.name === name)!.errors).toEqual([errors[0]]);
  });
});
