// Iteration counts of every executor against k6's definitions, on a real local server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../run/run-test.ts';
import { scratchDir, scenarioSource, startServer, type TestServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';

let server: TestServer;
const scratch = scratchDir('executors');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

async function runScenario(name: string, scenario: object, journey?: string) {
  const file = scratch.write(`${name}.ts`, scenarioSource({ scenarios: { s: scenario } }, journey));
  const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
  return result;
}

const count = (r: Awaited<ReturnType<typeof runScenario>>, metric: string) => r.metrics[metric]?.values.count ?? 0;

describe('executors (k6 semantics)', () => {
  it('constant-arrival-rate: rate × duration iterations, none dropped', async () => {
    const r = await runScenario('car', { executor: 'constant-arrival-rate', rate: 300, timeUnit: '1s', duration: '2s', preAllocatedVUs: 20, maxVUs: 50 });
    expect(count(r, 'iterations')).toBe(600);
    expect(count(r, 'http_reqs')).toBe(600);
    expect(r.metrics.dropped_iterations).toBeUndefined();
    expect(r.generator.achievedRatio).toBe(1);
    // offered per second follows the schedule: 300 in each full second
    expect(r.timeline.slice(0, 2).map((p) => p.offered)).toEqual([300, 300]);
  });

  it('ramping-arrival-rate: the area under the stages, within 1 %', async () => {
    // 0 → 400/s over 2 s (area 400), hold 400/s for 1 s (400), 400 → 0 over 1 s (200): 1000
    const r = await runScenario('rar', {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: 100,
      stages: [
        { duration: '2s', target: 400 },
        { duration: '1s', target: 400 },
        { duration: '1s', target: 0 },
      ],
    });
    expect(Math.abs(count(r, 'iterations') - 1000)).toBeLessThanOrEqual(10);
  });

  it('per-vu-iterations: vus × iterations exactly', async () => {
    const r = await runScenario('pvi', { executor: 'per-vu-iterations', vus: 5, iterations: 7, maxDuration: '10s' });
    expect(count(r, 'iterations')).toBe(35);
    expect(r.metrics.vus_max?.values.max).toBe(5);
  });

  it('shared-iterations: the iterations exactly, shared by the VUs', async () => {
    const r = await runScenario('si', { executor: 'shared-iterations', vus: 4, iterations: 50, maxDuration: '10s' });
    expect(count(r, 'iterations')).toBe(50);
  });

  it('constant-vus: VUs loop for the duration', async () => {
    const r = await runScenario('cv', { executor: 'constant-vus', vus: 3, duration: '1s' }, `await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.1)`);
    // each VU: ~10 iterations of ≥ 100 ms in 1 s
    expect(count(r, 'iterations')).toBeGreaterThanOrEqual(24);
    expect(count(r, 'iterations')).toBeLessThanOrEqual(33);
    expect(r.metrics.vus_max?.values.max).toBe(3);
  });

  it('ramping-vus: follows the stages up and back down', async () => {
    const r = await runScenario(
      'rv',
      { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 6 }, { duration: '1s', target: 6 }, { duration: '1s', target: 0 }], gracefulRampDown: '0s' },
      `await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.05)`,
    );
    expect(r.metrics.vus_max?.values.max).toBe(6);
    const vusBySecond = r.timeline.map((p) => p.vus);
    expect(Math.max(...vusBySecond)).toBeLessThanOrEqual(6);
    expect(count(r, 'iterations')).toBeGreaterThan(50);
  });

  it('http_req_failed is the share of failed requests (k6 Rate), errors counted by kind per second', async () => {
    let n = 0;
    const flaky = await startServer((_req, res) => {
      res.statusCode = n++ % 4 === 3 ? 503 : 200;
      res.end('x');
    });
    try {
      const file = scratch.write('flaky.ts', scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 400, maxDuration: '10s' } } }));
      const { result } = await runTest(await loadPlan(file, { env: { BASE: flaky.url }, threads: 1 }));
      expect(result.metrics.http_req_failed?.values).toMatchObject({ rate: 0.25, passes: 100, fails: 300 });
      const byKind = result.timeline.reduce((a, p) => a + (p.errorsByKind.status_5xx ?? 0), 0);
      expect(byKind).toBe(100);
      const tagged503 = result.tagged.find((t) => t.metric === 'http_reqs' && t.tags.status === '503');
      expect(tagged503?.values.count).toBe(100);
    } finally {
      await flaky.close();
    }
  });

  it('dropped_iterations when maxVUs is too small for a slow target', async () => {
    const slow = await startServer((_req, res) => setTimeout(() => res.end('slow'), 200));
    try {
      const file = scratch.write('drop.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5, maxVUs: 10 } } }));
      const { result } = await runTest(await loadPlan(file, { env: { BASE: slow.url }, threads: 1 }));
      // 10 VUs × (1 / 0.2 s) = at most ~50 iterations per second can start; 200 were scheduled
      const started = count(result, 'iterations');
      const dropped = count(result, 'dropped_iterations');
      expect(started + dropped).toBe(200);
      expect(dropped).toBeGreaterThan(80);
      expect(result.generator.saturated).toBe(true);
      expect(result.generator.reasons.join(' ')).toMatch(/dropped/);
    } finally {
      await slow.close();
    }
  });
});
