// Expected statuses (k6's expectedStatuses/setResponseCallback) end to end: which answers count
// as failed requests, in http_req_failed, the timeline's errors by kind, the error messages and
// thresholds; and a run where every request failed never passes a latency threshold.
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from './run-test.ts';
import { formatSummary } from './summary.ts';
import { compileExpectedStatuses, isExpected } from '../engine/expected-statuses.ts';
import { scratchDir, startServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';

const scratch = scratchDir('expected-statuses');
afterAll(() => scratch.remove());

describe('expected statuses', () => {
  it('compiles codes and ranges, and refuses what is not a status', () => {
    const t = compileExpectedStatuses([201, { min: 400, max: 409 }]);
    expect([200, 201, 399, 400, 405, 409, 410].map((s) => isExpected(t, s))).toEqual([false, true, false, true, true, true, false]);
    expect(() => compileExpectedStatuses([99])).toThrow(/99 is not an HTTP status/);
    expect(() => compileExpectedStatuses([{ min: 500, max: 400 }])).toThrow(/neither a status code nor a range/);
  });

  it('a per-request list and a VU default decide what failed; counts agree in every place', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.url === '/sold' ? 409 : req.url === '/boom' ? 503 : 200;
      res.end('x');
    });
    try {
      const file = scratch.write(
        'statuses.ts',
        `const SOLD_OUT_OK = [200, 409];
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 5 } }, thresholds: { http_req_failed: ['rate<0.5'] } };
export default async (vu: any) => {
  await vu.http.get(vu.env.BASE + '/sold', { name: 'sold, expected', expectedStatuses: SOLD_OUT_OK });
  await vu.http.get(vu.env.BASE + '/sold', { name: 'sold, default' });
  vu.http.setResponseCallback(vu.http.expectedStatuses({ min: 200, max: 299 }, 503));
  await vu.http.get(vu.env.BASE + '/boom', { name: 'boom, expected by the VU default' });
  await vu.http.get(vu.env.BASE + '/ok', { name: 'ok' });
};`,
      );
      const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
      // 10 iterations × 4 requests; only the 10 "sold, default" (409 outside 200–399) failed
      expect(result.metrics.http_reqs?.values.count).toBe(40);
      expect(result.metrics.http_req_failed?.values).toMatchObject({ passes: 10, fails: 30, rate: 0.25 });
      const kinds: Record<string, number> = {};
      for (const p of result.timeline) for (const [k, n] of Object.entries(p.errorsByKind)) kinds[k] = (kinds[k] ?? 0) + n;
      expect(kinds).toEqual({ status_4xx: 10 });
      expect(result.timeline.reduce((a, p) => a + p.failed, 0)).toBe(10);
      expect(result.errors).toEqual([{ name: 'sold, default', method: 'GET', kind: 'status_4xx', message: 'unexpected status 409', count: 10, firstT: expect.any(Number), lastT: expect.any(Number) }]);
      const failedOf = (name: string) => result.tagged.filter((t) => t.metric === 'http_req_failed' && t.tags.name === name).reduce((a, t) => a + (t.values.passes ?? 0), 0);
      expect([failedOf('sold, expected'), failedOf('sold, default'), failedOf('boom, expected by the VU default'), failedOf('ok')]).toEqual([0, 10, 0, 0]);
      expect(result.thresholds[0]).toMatchObject({ ok: true, observed: 0.25 });
    } finally {
      await server.close();
    }
  });

  it('every request refused: the latency threshold fails, and the summary names the refused connection', async () => {
    // a port that was just free: nothing listens there
    const gone = await startServer((_q, res) => res.end());
    const base = gone.url;
    await gone.close();
    const file = scratch.write(
      'refused.ts',
      `export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 6 } }, thresholds: { http_req_latency: ['p(99)<200'], 'http_req_duration{name:home}': ['p(95)<100'] } };
export default async (vu: any) => { await vu.http.get(vu.env.BASE + '/', { name: 'home' }); };`,
    );
    const { result, thresholdsFailed } = await runTest(await loadPlan(file, { env: { BASE: base }, threads: 1 }));
    expect(result.metrics.http_req_failed?.values).toMatchObject({ passes: 6, fails: 0 });
    expect(thresholdsFailed).toBe(true);
    expect(result.thresholds.map((t) => t.ok)).toEqual([false, false]);
    expect(result.thresholds[0]?.note).toMatch(/no request succeeded \(6 of 6 failed\)/);
    expect(result.errors?.[0]).toMatchObject({ name: 'home', kind: 'connect_refused', count: 6 });
    expect(result.errors?.[0]?.message).toMatch(/ECONNREFUSED/);
    const text = formatSummary(result);
    expect(text).toContain('ERRORS  6 of 6 requests failed — every request failed');
    expect(text).toContain('by kind: connect_refused 6');
    expect(text).toMatch(/6 × GET home: .*ECONNREFUSED.*\[connect_refused/);
    expect(text).toContain('✗ http_req_latency: p(99)<200');
    expect(formatSummary({ ...result, thresholds: result.thresholds.map((t) => ({ ...t, ok: true })), partial: true, stopReason: 'interrupted (Ctrl-C)' })).toContain('⚠ interrupted — thresholds met so far, not a pass');
  });
});
