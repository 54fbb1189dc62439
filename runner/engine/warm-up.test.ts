// The generator's warm-up before high-rate open-model runs: real requests through the engine's
// own code to a server of its own — counted by its recorder, never sent to the target, never in
// the result.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../run/run-test.ts';
import { normaliseOptionsWithWarnings } from '../scenario/normalise.ts';
import { scratchDir, scenarioSource, startServer, type TestServer } from '../testing/fixtures.ts';
import { needsWarmUp, warmUpEngine, WARM_UP_MIN_RATE } from './warm-up.ts';
import { loadPlan } from '../plan/load-plan.ts';

let server: TestServer;
const scratch = scratchDir('warm-up');
beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

const options = (scenario: object) => normaliseOptionsWithWarnings({ scenarios: { s: scenario } }, 'x.ts').options;

describe('warm-up', () => {
  it('is for arrival-rate scenarios from WARM_UP_MIN_RATE/s, whatever the time unit', () => {
    expect(needsWarmUp(options({ executor: 'constant-arrival-rate', rate: WARM_UP_MIN_RATE, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 }))).toBe(true);
    expect(needsWarmUp(options({ executor: 'constant-arrival-rate', rate: WARM_UP_MIN_RATE - 1, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 }))).toBe(false);
    expect(needsWarmUp(options({ executor: 'constant-arrival-rate', rate: 20, timeUnit: '10ms', duration: '1s', preAllocatedVUs: 1 }))).toBe(true);
    expect(needsWarmUp(options({ executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 1, stages: [{ target: 5000, duration: '1s' }, { target: 0, duration: '1s' }] }))).toBe(true);
    expect(needsWarmUp(options({ executor: 'constant-vus', vus: 500, duration: '1s' }))).toBe(false);
    process.env.STAMPEDE_WARM_UP = '0';
    try {
      expect(needsWarmUp(options({ executor: 'constant-arrival-rate', rate: 50_000, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 }))).toBe(false);
    } finally {
      delete process.env.STAMPEDE_WARM_UP;
    }
  });

  it('sends real requests through a VU and the recorder, to its own server', async () => {
    let recorded = 0;
    const report = await warmUpEngine(options({ executor: 'constant-arrival-rate', rate: 5000, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 }), (snap) => (recorded += snap.requests));
    expect(report.requests).toBeGreaterThan(500);
    expect(report.requests).toBeLessThanOrEqual(8000);
    expect(recorded).toBe(report.requests);
    expect(server.hits).toBe(0);
  });

  it('leaves the target and the result alone: a 2000/s run sends exactly its iterations', async () => {
    const before = server.hits;
    const file = scratch.write('rate.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 2000, timeUnit: '1s', duration: '1s', preAllocatedVUs: 50, maxVUs: 200 } } }));
    const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
    expect(result.metrics.http_reqs?.values.count).toBe(2000);
    expect(server.hits - before).toBe(2000);
  });
});
