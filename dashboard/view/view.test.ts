import { build, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { buildRunFixture } from '../testing/fixture.ts';
import type { RunResult, TimelinePoint } from '../../runner/result/schema.ts';
import { formatClock, formatMs, formatPercent, formatRate } from './format.ts';
import { generatorBanner } from './generator.ts';
import { requestTable } from './requests.ts';
import { buildRunView } from './run.ts';
import { logTicks } from './scale.ts';
import { serverView } from './server.ts';
import { spectrumView } from './spectrum.ts';
import { runSummary } from './summary.ts';
import { errorSeries, percentileSeries, rateSeries } from './timeline.ts';
import { checkRows, thresholdRows } from './verdicts.ts';

const run = buildRunFixture();
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('latency over time', () => {
  it('keeps one point per second for a 60 s run, with gaps where nothing completed', () => {
    const lat = percentileSeries(run, 'latency');
    expect(lat.bucketS).toBe(1);
    expect(lat.points).toHaveLength(60);
    // the stall (30–34 s): nothing completes in 31 and 32, so those seconds are gaps, not zeros
    expect(lat.points[31]).toEqual({ t: 31, p50: null, p90: null, p99: null, p999: null });
    expect(lat.points[34]!.p99).toBe(run.timeline[34]!.latency!.p99);
  });

  it('shows the coordinated-omission gap: latency from intended start exceeds duration from send after the stall', () => {
    const lat = percentileSeries(run, 'latency').points[34]!;
    const dur = percentileSeries(run, 'duration').points[34]!;
    expect(lat.p99!).toBeGreaterThan(3000);
    expect(dur.p99!).toBeLessThan(lat.p99!);
    for (const [i, p] of percentileSeries(run, 'latency').points.entries()) {
      const d = percentileSeries(run, 'duration').points[i]!;
      if (p.p50 !== null && d.p50 !== null) expect(p.p50).toBeGreaterThanOrEqual(d.p50);
    }
  });

  it('buckets a long run to at most 600 points, taking the maximum percentile of each bucket', () => {
    const base = run.timeline[10]!;
    const timeline: TimelinePoint[] = Array.from({ length: 3600 }, (_, t) => ({
      ...base,
      t,
      latency: { p50: 10, p90: 20, p99: t === 3001 ? 950 : 40, p999: 60, max: 70 },
      dropped: t < 6 ? t : 0,
    }));
    const long: RunResult = { ...run, timeline };
    const s = percentileSeries(long, 'latency');
    expect(s.bucketS).toBe(6);
    expect(s.points).toHaveLength(600);
    expect(s.percentileNote).toBe('max of each 6 s');
    // 3001 falls in the bucket starting at 2999 + 1 = 3000 - 0 → bucket index 500 (t 3000..3005)
    expect(s.points[500]).toEqual({ t: 3000, p50: 10, p90: 20, p99: 950, p999: 60 });
    expect(s.points[499]!.p99).toBe(40);
    // counts become the mean per second of the bucket: dropped 0+1+2+3+4+5 over 6 s = 2.5/s
    expect(rateSeries(long).points[0]!.dropped).toBe(2.5);
  });
});

describe('rates, errors, dropped iterations', () => {
  it('offered vs achieved: per-second started never exceeds offered, and dropped adds up to the metric', () => {
    const r = rateSeries(run);
    expect(r.hasOffered).toBe(true);
    expect(r.points[10]!.offered).toBe(200);
    expect(r.points[10]!.started).toBe(200);
    expect(r.points[31]!.started).toBe(0);
    expect(r.points[31]!.dropped).toBe(200);
    expect(sum(r.points.map((p) => p.dropped))).toBe(run.metrics.dropped_iterations!.values.count);
    for (const p of r.points) expect(p.started + p.dropped).toBe(p.offered);
  });

  it('errors by kind are sorted by total and add up to the failed requests', () => {
    const e = errorSeries(run);
    const totals = Object.fromEntries(e.kinds.map((k) => [k.kind, k.total]));
    expect(e.kinds[0]!.kind).toBe('timeout');
    expect(totals.timeout).toBe(50);
    expect(sum(e.kinds.map((k) => k.total))).toBe(run.metrics.http_req_failed!.values.passes);
    const timeoutIndex = e.kinds.findIndex((k) => k.kind === 'timeout');
    expect(e.points[33]![`k${timeoutIndex}`]).toBe(50);
  });
});

describe('percentile spectrum', () => {
  const sp = spectrumView(run);
  it('decodes both histograms and reads the same p99 as the summary', () => {
    expect(sp.series.map((s) => s.metric)).toEqual(['http_req_latency', 'http_req_duration']);
    expect(sp.series[0]!.count).toBe(run.metrics.http_req_latency!.values.count);
    const p99 = sp.series[0]!.points.find((p) => p.oneIn === 100)!;
    expect(p99.percentile).toBeCloseTo(99, 9);
    expect(p99.valueMs).toBeCloseTo(run.metrics.http_req_latency!.values['p(99)']!, 1);
  });
  it('runs to p99.999 on a log x axis and never decreases', () => {
    const pts = sp.series[0]!.points;
    expect(pts.at(-1)!.oneIn).toBeCloseTo(100000, 6);
    for (let i = 1; i < pts.length; i++) expect(pts[i]!.valueMs).toBeGreaterThanOrEqual(pts[i - 1]!.valueMs);
    expect(sp.xTicks.at(-1)).toEqual({ oneIn: 100000, label: 'p99.999' });
    expect(sp.yDomain[0]).toBeLessThanOrEqual(pts[0]!.valueMs);
    expect(sp.yDomain[1]).toBeGreaterThanOrEqual(pts.at(-1)!.valueMs);
  });
  it('says why when a result has no histograms', () => {
    const noHist: RunResult = { ...run, metrics: Object.fromEntries(Object.entries(run.metrics).map(([k, m]) => [k, { ...m, histogram: undefined }])) };
    expect(spectrumView(noHist).series).toHaveLength(0);
    expect(spectrumView(noHist).missing).toMatch(/no latency histograms/);
  });
});

describe('per-request-name table', () => {
  it('has one row per name tag, counts that add up to http_reqs, and per-name error rates', () => {
    const rows = requestTable(run);
    expect(rows.map((r) => r.name)).toEqual(['GET /products/:id', 'POST /cart', 'POST /checkout']);
    expect(sum(rows.map((r) => r.requests))).toBe(run.metrics.http_reqs!.values.count);
    const checkout = rows[2]!;
    const tagged = run.tagged.find((t) => t.metric === 'http_req_failed' && t.tags.name === 'POST /checkout')!;
    expect(checkout.failed).toBe(tagged.values.passes);
    expect(checkout.errorRate).toBeCloseTo(tagged.values.passes! / (tagged.values.passes! + tagged.values.fails!), 12);
    expect(checkout.methods).toEqual(['POST']);
    expect(checkout.latency.p50!).toBeGreaterThan(rows[0]!.latency.p50!); // checkout is the slow call
  });

  it('merges a name split by status exactly, from the histograms', () => {
    const a = build();
    const b = build();
    const whole = build();
    for (let i = 1; i <= 900; i++) { a.recordValue(i * 1000); whole.recordValue(i * 1000); }
    for (let i = 1; i <= 100; i++) { b.recordValue(5_000_000 + i * 1000); whole.recordValue(5_000_000 + i * 1000); }
    const trend = (h: typeof a) => ({ type: 'trend' as const, contains: 'time' as const, values: { count: h.totalCount, 'p(99)': 1 }, histogram: encodeIntoCompressedBase64(h) });
    const split: RunResult = {
      ...run,
      tagged: [
        { metric: 'http_req_latency', tags: { name: 'X', status: '200' }, ...trend(a) },
        { metric: 'http_req_latency', tags: { name: 'X', status: '503' }, ...trend(b) },
        { metric: 'http_req_failed', tags: { name: 'X', status: '200' }, type: 'rate', contains: 'default', values: { rate: 0, passes: 0, fails: 900 } },
        { metric: 'http_req_failed', tags: { name: 'X', status: '503' }, type: 'rate', contains: 'default', values: { rate: 1, passes: 100, fails: 0 } },
      ],
    };
    const [row] = requestTable(split);
    expect(row!.requests).toBe(1000);
    expect(row!.errorRate).toBe(0.1);
    expect(row!.latency.p50).toBeCloseTo(whole.getValueAtPercentile(50) / 1000, 9);
    expect(row!.latency.p99).toBeCloseTo(whole.getValueAtPercentile(99) / 1000, 9);
    expect(row!.latency.p99!).toBeGreaterThan(5000);
    expect(row!.duration.p99).toBeNull();
  });
});

describe('thresholds, checks, generator, server', () => {
  it('threshold rows keep verdicts and give the observed value a unit', () => {
    const rows = thresholdRows(run);
    const lat = rows.find((r) => r.key === 'http_req_latency')!;
    expect(lat.ok).toBe(false); // the stall pushes p99 from the intended start over 500 ms
    expect(lat.observed).toBe(run.metrics.http_req_latency!.values['p(99)']);
    expect(lat.unit).toBe('ms');
    expect(rows.find((r) => r.key === 'http_req_failed')!.unit).toBe('ratio');
    expect(rows.find((r) => r.key.startsWith('http_req_duration{'))!.unit).toBe('ms');
  });
  it('check rows carry pass rates', () => {
    const [status] = checkRows(run);
    expect(status!.passes + status!.fails).toBe(run.metrics.http_reqs!.values.count);
    expect(status!.passRate).toBeCloseTo(status!.passes / (status!.passes + status!.fails), 12);
    expect(status!.ok).toBe(false);
  });
  it('a saturated generator becomes a banner with its reasons; a healthy one does not', () => {
    const banner = generatorBanner(run)!;
    expect(banner.title).toBe('Load generator saturated');
    expect(banner.reasons[0]).toMatch(/651 dropped/);
    expect(generatorBanner(buildRunFixture({ stallAtS: null }))).toBeNull();
  });
  it('server metrics: seconds → ms, bytes keep bytes, a raw *_total counter of an older result → a per-second rate', () => {
    const s = serverView(buildRunFixture({ serverSeries: 6 }))!;
    const by = Object.fromEntries(s.charts.map((c) => [c.name, c]));
    expect(by.nodejs_eventloop_lag_p99_seconds!.unit).toBe('ms');
    expect(by.nodejs_eventloop_lag_p99_seconds!.points[31]!.v).toBeCloseTo(4, 9);
    expect(by.process_resident_memory_bytes!.unit).toBe('bytes');
    expect(by.orders_paid_total!.unit).toBe('/s');
    expect(by.orders_paid_total!.points[0]!.v).toBeCloseTo(30, 9); // 200 iterations/s × 0.15
    expect(by.orders_paid_total!.points).toHaveLength(59);
  });
});

describe('summary and the whole view', () => {
  it('headline numbers come straight from the metrics', () => {
    const s = runSummary(run);
    const stat = (id: string) => s.stats.find((x) => x.id === id)!;
    expect(stat('requests').raw).toBe(11346);
    expect(stat('requests').value).toBe('11,346');
    expect(stat('latency-p99').value).toBe(formatMs(run.metrics.http_req_latency!.values['p(99)']));
    expect(stat('latency-p99').label).toMatch(/intended start/);
    expect(stat('duration-p99').label).toMatch(/from send/);
    expect(stat('dropped').tone).toBe('bad');
    expect(s.verdict).toEqual({ ok: false, state: 'failed', text: 'failed: 1 of 4 thresholds not met' });
  });
  it('an interrupted run reads "interrupted", never passed; a passing one that was interrupted neither', () => {
    const passing = { ...run, thresholds: run.thresholds.map((t) => ({ ...t, ok: true })) };
    expect(runSummary({ ...passing, partial: true, stopReason: 'interrupted (Ctrl-C)' }).verdict).toEqual({ ok: false, state: 'interrupted', text: 'interrupted: thresholds met so far, not a pass' });
    expect(runSummary({ ...run, partial: true, stopReason: 'interrupted (Ctrl-C)' }).verdict?.text).toBe('interrupted: 1 of 4 thresholds not met so far');
    // an abortOnFail stop is a failure, not an interruption
    expect(runSummary({ ...run, partial: true, stopReason: 'threshold x: p(99)<1 crossed (abortOnFail)' }).verdict?.state).toBe('failed');
  });
  it('no request succeeded: the headline says what the errors were', () => {
    expect(runSummary(run).allFailed).toBeNull();
    const failedRun = {
      ...run,
      metrics: { ...run.metrics, http_req_failed: { type: 'rate' as const, contains: 'default' as const, values: { rate: 1, passes: 6, fails: 0 } } },
      timeline: run.timeline.map((p, i) => ({ ...p, errorsByKind: (i === 0 ? { connect_refused: 6 } : {}) as Record<string, number> })),
      errors: [{ name: 'home', method: 'GET', kind: 'connect_refused', message: 'connect ECONNREFUSED 127.0.0.1:9', count: 6, firstT: 0, lastT: 0 }],
    };
    expect(runSummary(failedRun).allFailed).toBe('Every request failed (6 of 6): connect_refused 6. Most frequent: GET home — connect ECONNREFUSED 127.0.0.1:9 (×6). No latency here describes the target.');
  });
  it('VUs busy and allocated come from the same points as the VU chart', () => {
    const s = runSummary(run);
    const stat = (id: string) => s.stats.find((x) => x.id === id)!;
    expect(stat('vus-max').raw).toBe(Math.max(...run.timeline.map((p) => p.vus)));
    expect(stat('vus-allocated').raw).toBe(Math.max(...run.timeline.map((p) => p.vusMax)));
    expect(stat('vus-allocated').raw).toBeGreaterThanOrEqual(stat('vus-max').raw!);
  });
  it('the saturation warning is shown once: as the banner, not again in the warnings', () => {
    const sat = { ...run, generator: { ...run.generator, saturated: true, reasons: ['event-loop lag p99 30 ms > 10 ms'] }, warnings: ['generator saturated — these numbers may describe the load generator: x', 'other'] };
    const v = buildRunView(sat);
    expect(v.banner).not.toBeNull();
    expect(v.warnings).toEqual(['other']);
  });
  it('latency and duration share one log axis that holds every point', () => {
    const v = buildRunView(run);
    const values = [...v.latency.points, ...v.duration.points].flatMap((p) => [p.p50, p.p999]).filter((x): x is number => x !== null);
    expect(v.latencyAxis.domain[0]).toBeLessThanOrEqual(Math.min(...values));
    expect(v.latencyAxis.domain[1]).toBeGreaterThanOrEqual(Math.max(...values));
    expect(v.durationS).toBe(60);
  });
});

describe('format and scale', () => {
  it('formats with the magnitude', () => {
    expect(formatMs(0.4123)).toBe('0.412 ms');
    expect(formatMs(4.213)).toBe('4.21 ms');
    expect(formatMs(42.16)).toBe('42.2 ms');
    expect(formatMs(3751.9)).toBe('3,752 ms');
    expect(formatMs(null)).toBe('—');
    expect(formatPercent(0.007)).toBe('0.70 %');
    expect(formatPercent(0.0004)).toBe('0.040 %');
    expect(formatRate(189.1)).toBe('189/s');
    expect(formatClock(3725)).toBe('1:02:05');
  });
  it('log ticks: 1-2-5 per decade, thinned on wide ranges', () => {
    expect(logTicks(3, 180)).toEqual({ ticks: [2, 5, 10, 20, 50, 100, 200], domain: [2, 200] });
    const wide = logTicks(0.2, 3800);
    expect(wide.domain).toEqual([0.2, 5000]);
    expect(wide.ticks.length).toBeLessThanOrEqual(9);
    expect(wide.ticks).toContain(1000);
  });
});

describe('axis ticks', () => {
  it('time ticks at a round step', async () => {
    const { timeTicks, linearTicks } = await import('./scale.ts');
    expect(timeTicks(60)).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(timeTicks(3600)).toEqual([0, 600, 1200, 1800, 2400, 3000, 3600]);
    expect(linearTicks(213)).toEqual({ ticks: [0, 50, 100, 150, 200, 250], domain: [0, 250], step: 50 });
    expect(linearTicks(0)).toEqual({ ticks: [0, 1], domain: [0, 1], step: 1 });
  });

  it('linear ticks step 1-2-5, never 2.5; labels carry the decimals their step needs', async () => {
    const { linearTicks, tickFormatter } = await import('./scale.ts');
    // lines at 0, 2.6, 5.2, …, 13: 0, 5, 10, 15 (was 0, 2.5, 5, … shown as 0, 3, 5, 8, 10, 13)
    const a = linearTicks(13);
    expect(a.ticks).toEqual([0, 5, 10, 15]);
    expect(a.ticks.map(tickFormatter(a.step))).toEqual(['0', '5', '10', '15']);
    expect(linearTicks(9).ticks).toEqual([0, 2, 4, 6, 8, 10]);
    for (const max of [0.9, 1, 3.7, 47, 999, 12_345]) {
      const t = linearTicks(max);
      const mant = +(t.step / 10 ** Math.floor(Math.log10(t.step))).toPrecision(3);
      expect([1, 2, 5]).toContain(mant);
      expect(t.ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(t.ticks.length).toBeLessThanOrEqual(7);
      const labels = t.ticks.map(tickFormatter(t.step));
      expect(new Set(labels).size).toBe(labels.length); // no 0|0|0|1|1|1
    }
    expect(linearTicks(1).ticks.map(tickFormatter(linearTicks(1).step))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(linearTicks(3, { integer: true }).ticks).toEqual([0, 1, 2, 3]);
  });

  it('an all-zero or all-null chart is empty', async () => {
    const { isEmptySeries } = await import('./scale.ts');
    expect(isEmptySeries([{ t: 0, a: 0, b: null }, { t: 1, a: 0 }], ['a', 'b'])).toBe(true);
    expect(isEmptySeries([{ t: 0, a: 0 }, { t: 1, a: 0.01 }], ['a'])).toBe(false);
  });
});
