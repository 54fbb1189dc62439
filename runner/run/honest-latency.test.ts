// Known answers for the measurements themselves: coordinated omission, threads merge exactly.
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from './run-test.ts';
import { scratchDir, scenarioSource, startServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';

const scratch = scratchDir('honest');
afterAll(() => scratch.remove());

describe('coordinated omission', () => {
  it('a 1 s stall in a 6 s run at 400/s shows in http_req_latency p95/p99 and in the timeline', async () => {
    // The server answers at once, except between 2.5 s and 3.5 s after the first request: it holds
    // every request until the stall ends (as a stop-the-world pause would).
    let first = 0;
    const held: Array<() => void> = [];
    let stallOver = false;
    const server = await startServer((_req, res) => {
      const now = Date.now();
      if (!first) {
        first = now;
        setTimeout(() => {
          stallOver = true;
          for (const release of held.splice(0)) release();
        }, 3500);
      }
      const inStall = !stallOver && now - first >= 2500;
      if (inStall) held.push(() => res.end('late'));
      else res.end('ok');
    });
    try {
      const file = scratch.write(
        'stall.ts',
        scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 400, timeUnit: '1s', duration: '6s', preAllocatedVUs: 50, maxVUs: 1000 } } }),
      );
      const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
      const lat = result.metrics.http_req_latency?.values ?? {};
      expect(result.metrics.http_reqs?.values.count).toBe(2400);
      // ~400 of 2400 requests (16.7 %) fall in the stall, waiting 0–1000 ms (uniformly)
      expect(lat['p(95)']).toBeGreaterThanOrEqual(500);
      expect(lat['p(99)']).toBeGreaterThanOrEqual(900);
      // the per-second series shows the stall where it was: its slowest second is one the stall
      // (2.5–3.5 s) touched, and its p99 is ≥ 500 ms
      const p99s = result.timeline.map((p) => p.latency?.p99 ?? 0);
      expect(Math.max(...p99s)).toBeGreaterThanOrEqual(500);
      const slowest = result.timeline[p99s.indexOf(Math.max(...p99s))]!.t;
      expect(slowest).toBeGreaterThanOrEqual(2);
      expect(slowest).toBeLessThanOrEqual(4);
      // every scheduled iteration started (the generator's lag varies with the machine's load)
      expect(result.generator.achievedRatio).toBe(1);
    } finally {
      await server.close();
    }
  });
});

describe('threads', () => {
  it('2 threads give the same iteration count and merged percentiles as 1 on the same schedule', async () => {
    // a server whose latency is a known function of the request number, so the distribution is
    // the same whichever thread sends which request
    let n = 0;
    const server = await startServer((_req, res) => {
      const delay = (n++ % 10) * 2; // 0, 2, ..., 18 ms
      setTimeout(() => res.end('ok'), delay);
    });
    try {
      const file = scratch.write('threads.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 200, timeUnit: '1s', duration: '3s', preAllocatedVUs: 20, maxVUs: 100 } } }));
      const one = (await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }))).result;
      n = 0;
      const two = (await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 2 }))).result;
      expect(one.metrics.iterations?.values.count).toBe(600);
      expect(two.metrics.iterations?.values.count).toBe(600);
      expect(two.generator.threads).toBe(2);
      const p = (r: typeof one, k: string) => r.metrics.http_req_duration?.values[k] ?? NaN;
      // delays 0, 2, ..., 18 ms in equal shares: whichever thread sent which request, the merged
      // distribution holds all of them — median ≥ 8 ms, p90 ≥ 16 ms, max ≥ 18 ms (a timer may
      // fire up to 1 ms early; the machine's load only adds). How close the two runs' figures are
      // is a timing of the machine, not asserted here.
      for (const r of [one, two]) {
        expect(p(r, 'med')).toBeGreaterThanOrEqual(7);
        expect(p(r, 'p(90)')).toBeGreaterThanOrEqual(15);
        expect(p(r, 'max')).toBeGreaterThanOrEqual(17);
        expect(p(r, 'min')).toBeLessThanOrEqual(p(r, 'med'));
      }
      expect(two.timeline.reduce((a, x) => a + x.requests, 0)).toBe(600);
    } finally {
      await server.close();
    }
  });
});
