// The arrival-rate executors (executors.ts) at a dense rate: every scheduled iteration starts,
// none is dropped, and each start is recorded with its send lag. How small the lag stays and
// how little CPU the scheduler takes between batches are timings of a shared machine: they are
// measured by `npm run bench` (open model, 20,000/s: send-lag p99 and generator CPU).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../run/run-test.ts';
import { scratchDir, scenarioSource, startServer, type TestServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';

let server: TestServer;
const scratch = scratchDir('executors-arrival-rate');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

describe('arrival-rate executors', () => {
  it('starts every iteration of 4000/s, none dropped, each with its send lag', async () => {
    // no HTTP: the journey costs next to nothing, so the process CPU is the scheduler's own
    const file = scratch.write(
      'dense.ts',
      scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 4000, timeUnit: '1s', duration: '2s', preAllocatedVUs: 50, maxVUs: 200 } } }, `await Promise.resolve()`),
    );
    const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
    expect(result.metrics.iterations?.values.count).toBe(8000);
    expect(result.metrics.dropped_iterations).toBeUndefined();
    // every start was measured against its scheduled time, and lag is never negative (no
    // iteration starts before its time)
    const lag = result.generator.sendLag;
    expect(lag).not.toBeNull();
    expect(lag!.p50).toBeGreaterThanOrEqual(0);
    expect(lag!.p50).toBeLessThanOrEqual(lag!.p90!);
    expect(lag!.p90!).toBeLessThanOrEqual(lag!.p99);
    expect(lag!.p99).toBeLessThanOrEqual(lag!.max);
    // the scheduler's spinning is a part of the CPU, never more than all of it
    const cpu = result.generator.cpu;
    if (cpu.waiting !== undefined) expect(cpu.waiting).toBeLessThanOrEqual(cpu.mean);
  });

  it('scenarios overlapping in time share the precise timer: each starts all its iterations', async () => {
    // b starts while a runs and ends after it: the timer thread a made is b's too, and outlives a
    const file = scratch.write(
      'two.ts',
      scenarioSource(
        {
          scenarios: {
            a: { executor: 'constant-arrival-rate', rate: 500, timeUnit: '1s', duration: '1s', preAllocatedVUs: 20, maxVUs: 100 },
            b: { executor: 'constant-arrival-rate', rate: 300, timeUnit: '1s', duration: '1s', startTime: '500ms', preAllocatedVUs: 20, maxVUs: 100 },
          },
        },
        `await Promise.resolve()`,
      ),
    );
    const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
    const perScenario = (name: string) => result.tagged.filter((t) => t.metric === 'iterations' && t.tags.scenario === name).reduce((a, t) => a + (t.values.count ?? 0), 0);
    expect(perScenario('a')).toBe(500);
    expect(perScenario('b')).toBe(300);
    expect(result.metrics.dropped_iterations).toBeUndefined();
  });
});
