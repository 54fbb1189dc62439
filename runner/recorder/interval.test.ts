// The recorder's hot-path shortcuts (latency shared with duration until they differ, zero
// connect times counted, the timeline's histograms summed at the snapshot) must give exactly
// the histograms and counts that recording every metric per request gives.
import { describe, expect, it } from 'vitest';
import { IntervalRecorder } from './interval.ts';
import { newHistogram, recordUs, type Histogram } from './histogram.ts';

function sameHistogram(a: Histogram | undefined, b: Histogram): void {
  expect(a).toBeDefined();
  const h = a as Histogram;
  expect(h.totalCount).toBe(b.totalCount);
  expect(h.maxValue).toBe(b.maxValue);
  expect(h.minNonZeroValue).toBe(b.minNonZeroValue);
  expect(h.mean).toBeCloseTo(b.mean, 9);
  for (let p = 0; p <= 100; p += 0.5) expect(h.getValueAtPercentile(p)).toBe(b.getValueAtPercentile(p));
}

describe('IntervalRecorder', () => {
  it('gives the same histograms and counts as recording every metric of every request', () => {
    const rec = new IntervalRecorder(0);
    const ref = {
      duration: newHistogram(),
      latency: newHistogram(),
      waiting: newHistogram(),
      connecting: newHistogram(),
    };
    const allLatency = newHistogram();
    const allDuration = newHistogram();
    const tags = { scenario: 's', group: '', name: 'n', method: 'GET', status: '200' };
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let failed = 0;
    for (let i = 0; i < 20_000; i++) {
      const duration = 50 + rand() * 5000;
      // the first 300 requests have latency = duration (a closed model on reused connections),
      // then some requests connect or start late, as an open model's do
      const fresh = i >= 300 && rand() < 0.05;
      const lag = i >= 300 && rand() < 0.3 ? rand() * 2000 : 0;
      const connecting = fresh ? 30 + rand() * 300 : 0;
      const latency = duration + connecting + lag;
      const waiting = duration * 0.8;
      const fail = rand() < 0.01;
      if (fail) failed++;
      recordUs(ref.duration, duration);
      recordUs(ref.latency, latency);
      recordUs(ref.waiting, waiting);
      recordUs(ref.connecting, connecting);
      recordUs(allLatency, latency);
      recordUs(allDuration, duration);
      rec.http({ tags, failed: fail, errorKind: fail ? 'status_5xx' : '', durationUs: duration, latencyUs: latency, waitingUs: waiting, connectingUs: connecting, bytesSent: 10, bytesReceived: 100 });
    }
    const gen = rec.generation;
    const snap = rec.snapshot(0);
    expect(rec.generation).not.toBe(gen);
    rec.close();
    expect(snap.series).toHaveLength(1);
    const s = snap.series[0]!;
    sameHistogram(s.trends.http_req_duration, ref.duration);
    sameHistogram(s.trends.http_req_latency, ref.latency);
    sameHistogram(s.trends.http_req_waiting, ref.waiting);
    sameHistogram(s.trends.http_req_connecting, ref.connecting);
    sameHistogram(snap.latency, allLatency);
    sameHistogram(snap.duration, allDuration);
    expect(s.counters).toEqual({ http_reqs: 20_000, data_sent: 200_000, data_received: 2_000_000 });
    expect(s.rates.http_req_failed).toEqual([failed, 20_000 - failed]);
    expect(snap.requests).toBe(20_000);
    expect(snap.failed).toBe(failed);
    expect(snap.errorsByKind).toEqual({ status_5xx: failed });
  });

  it('a closed model where latency always equals duration still reports both, and the next interval starts empty', () => {
    const rec = new IntervalRecorder(0);
    const cell = rec.httpCell({ name: 'a' }, 'k');
    const it = rec.iterationCell({ scenario: 's' });
    for (let i = 1; i <= 1000; i++) {
      rec.recordHttp(cell, false, '', i, i, i / 2, 0, 1, 2);
      rec.recordIteration(it, i * 2);
    }
    const snap = rec.snapshot(3);
    const http = snap.series.find((x) => x.key === 'k')!;
    expect(http.trends.http_req_latency!.totalCount).toBe(1000);
    expect(http.trends.http_req_latency).not.toBe(http.trends.http_req_duration);
    expect(http.trends.http_req_latency!.getValueAtPercentile(99)).toBe(http.trends.http_req_duration!.getValueAtPercentile(99));
    expect(http.trends.http_req_connecting!.totalCount).toBe(1000);
    expect(http.trends.http_req_connecting!.maxValue).toBe(0);
    const iter = snap.series.find((x) => x.tags.scenario === 's')!;
    expect(iter.counters.iterations).toBe(1000);
    expect(iter.trends.iteration_duration!.totalCount).toBe(1000);
    expect(snap.completed).toBe(1000);
    const next = rec.snapshot(4);
    rec.close();
    expect(next.series).toHaveLength(0);
    expect(next.latency.totalCount).toBe(0);
  });
});
