// Runaway guard, in the engine's own thread: journeys that never settle, that throw, and
// schedules far beyond what the VUs can start. Every executor ends at its planned end plus
// gracefulStop, counts what it had to interrupt (interrupted_iterations, as k6's "interrupted
// iterations": not in `iterations`) and the run writes its result. Journeys that loop without
// ever yielding are in runner/cli/runaway.test.ts (only a worker thread can be ended then).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from './run-test.ts';
import type { RunResult } from '../result/schema.ts';
import { scratchDir, scenarioSource, startServer, type TestServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { withOptions } from '../plan/run-plan.ts';
import type { NormalisedOptions } from '../scenario/types.ts';

let server: TestServer;
const scratch = scratchDir('runaway');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

const NEVER = `await new Promise(() => {})`;
/** VU 1 never settles; the others do a request and a short sleep */
const ONE_STUCK = `if (vu.idInTest === 1) await new Promise(() => {}); await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.05)`;

const count = (r: RunResult, metric: string) => r.metrics[metric]?.values.count ?? 0;

async function run(name: string, scenario: object, journey: string, transform?: (o: NormalisedOptions) => NormalisedOptions) {
  const file = scratch.write(`${name}.ts`, scenarioSource({ scenarios: { s: scenario } }, journey));
  const plan = await loadPlan(file, { env: { BASE: server.url }, threads: 1 });
  const { result } = await runTest(transform ? withOptions(plan, transform(plan.options)) : plan, { log: () => undefined });
  return result;
}

/** a safety cap, not a timing assertion: the run ended near its planned end plus gracefulStop, not never */
function endedNear(r: RunResult, plannedWithGraceMs: number): void {
  expect(r.meta.durationMs).toBeLessThan(plannedWithGraceMs + 3000);
}

describe('journeys that never settle', () => {
  it('shared-iterations with maxDuration: every VU interrupted once, nothing counted as completed', async () => {
    const r = await run('si', { executor: 'shared-iterations', vus: 2, iterations: 10, maxDuration: '1s', gracefulStop: '500ms' }, NEVER);
    expect(count(r, 'interrupted_iterations')).toBe(2);
    expect(count(r, 'iterations')).toBe(0);
    expect(r.partial).toBe(false);
    expect(r.warnings.some((w) => w.startsWith('2 iteration(s) were still running'))).toBe(true);
    endedNear(r, 1500);
  });

  it('per-vu-iterations: each stuck VU interrupted once', async () => {
    const r = await run('pvi', { executor: 'per-vu-iterations', vus: 3, iterations: 5, maxDuration: '1s', gracefulStop: '300ms' }, NEVER);
    expect(count(r, 'interrupted_iterations')).toBe(3);
    expect(count(r, 'iterations')).toBe(0);
    endedNear(r, 1300);
  });

  it('constant-vus: the stuck VU is interrupted, the others complete theirs within gracefulStop', async () => {
    const r = await run('cv', { executor: 'constant-vus', vus: 3, duration: '1s', gracefulStop: '1s' }, ONE_STUCK);
    expect(count(r, 'interrupted_iterations')).toBe(1);
    // two VUs, ~50 ms per iteration, for 1 s
    expect(count(r, 'iterations')).toBeGreaterThan(10);
    expect(count(r, 'iterations')).toBe(count(r, 'http_reqs'));
    // the gauge counts the interrupted VU out: nothing is left "active" at the end
    expect(r.timeline[r.timeline.length - 1]?.vus).toBe(0);
    endedNear(r, 2000);
  });

  it('ramping-vus: a VU interrupted on ramp-down frees its slot for the next ramp-up', async () => {
    const stages = [
      { duration: '0s', target: 2 },
      { duration: '600ms', target: 2 },
      { duration: '0s', target: 0 },
      { duration: '600ms', target: 0 },
      { duration: '0s', target: 2 },
      { duration: '600ms', target: 2 },
    ];
    const r = await run('rv', { executor: 'ramping-vus', startVUs: 0, stages, gracefulRampDown: '100ms', gracefulStop: '200ms' }, NEVER);
    // two at the ramp-down, two new ones (same slots) at the end
    expect(count(r, 'interrupted_iterations')).toBe(4);
    expect(count(r, 'iterations')).toBe(0);
    expect(r.metrics.vus_max?.values.max).toBe(2);
    endedNear(r, 2000);
  });

  it('constant-arrival-rate: stuck VUs are interrupted; the schedule is started or dropped exactly', async () => {
    const r = await run('car', { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 3, gracefulStop: '300ms' }, NEVER);
    expect(count(r, 'interrupted_iterations')).toBe(3);
    expect(count(r, 'dropped_iterations')).toBe(17);
    expect(count(r, 'iterations')).toBe(0);
    endedNear(r, 1300);
  });
});

describe('journeys that never settle, in worker threads', () => {
  it('--threads 2: each thread interrupts its stuck VUs at gracefulStop; the counts merge', async () => {
    const file = scratch.write('threads.ts', scenarioSource({ scenarios: { a: { executor: 'shared-iterations', vus: 4, iterations: 40, maxDuration: '1s', gracefulStop: '300ms' }, b: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 2, maxVUs: 2, gracefulStop: '300ms' } } }, NEVER));
    const { result: r } = await runTest(await loadPlan(file, { env: {}, threads: 2 }), { log: () => undefined });
    // 4 VUs of a, 2 of b (one per thread), each stuck in its first iteration; b drops the other 8
    expect(count(r, 'interrupted_iterations')).toBe(6);
    expect(count(r, 'dropped_iterations')).toBe(8);
    expect(count(r, 'iterations')).toBe(0);
    expect(r.partial).toBe(false);
    endedNear(r, 1300);
  });
});

describe('schedules the VUs cannot hold', () => {
  it('1e12 iterations/s for 1 s with one VU: the drops are counted at once, the run ends on time', async () => {
    // the schema may refuse such a rate from a scenario file: set it past validation, as a
    // probe's transform does, to exercise the engine itself
    const r = await run('huge', { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1, gracefulStop: '200ms' }, `await vu.sleep(0.01)`, (o) => ({
      ...o,
      scenarios: o.scenarios.map((s) => (s.executor === 'constant-arrival-rate' ? { ...s, rate: 1e12 } : s)),
    }));
    const completed = count(r, 'iterations');
    const interrupted = count(r, 'interrupted_iterations');
    expect(completed).toBeGreaterThan(10);
    // started + dropped is the schedule, to the iteration
    expect(completed + interrupted + count(r, 'dropped_iterations')).toBe(1e12);
    expect(r.generator.saturated).toBe(true);
    endedNear(r, 1200);
  });
});

describe('VU counts the machine cannot create', () => {
  // a VU costs ~20 µs and ~4 KB: 1e9 of them would take hours and far more memory than there is.
  // They are created in slices between the executor's timers, so the run still ends at its
  // planned end plus gracefulStop with the VUs made so far (each stuck in its first iteration)
  const billion = (o: NormalisedOptions): NormalisedOptions => ({
    ...o,
    // (and 300 ms long, below the schema's 1 s minimum: fewer VUs made, less memory)
    scenarios: o.scenarios.map((s) => {
      const short = 'maxDurationMs' in s ? { ...s, maxDurationMs: 300 } : 'durationMs' in s ? { ...s, durationMs: 300 } : s;
      return 'vus' in short ? { ...short, vus: 1e9 } : 'preAllocatedVUs' in short ? { ...short, preAllocatedVUs: 1e9, maxVUs: 1e9 } : short;
    }),
  });
  for (const scenario of [
    { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '200ms' },
    { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '1s', gracefulStop: '200ms' },
    { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, maxVUs: 1, gracefulStop: '200ms' },
  ]) {
    it(`${scenario.executor} with 1e9 VUs ends on time`, async () => {
      const r = await run(`billion-${scenario.executor}`, scenario, NEVER, billion);
      const made = r.metrics.vus_max?.values.max ?? 0;
      expect(made).toBeGreaterThan(10);
      expect(made).toBeLessThan(1e9);
      // every VU that started an iteration was interrupted in it (per-vu-iterations: the last VU
      // made may see maxDuration pass before its first iteration)
      const interrupted = count(r, 'interrupted_iterations');
      if (scenario.executor === 'constant-arrival-rate') expect(interrupted).toBe(6);
      else if (scenario.executor === 'constant-vus') expect(interrupted).toBe(made);
      else expect(made - interrupted).toBeGreaterThanOrEqual(0), expect(made - interrupted).toBeLessThanOrEqual(1);
      endedNear(r, 500);
    });
  }
});

describe('a stop while setup() or teardown() never settles', () => {
  const lifecycle = (which: 'setup' | 'teardown') =>
    `export const options = ${JSON.stringify({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '30s' } } })};\n` +
    `export async function ${which}() { await new Promise(() => {}); }\n` +
    `export default async (vu: any) => { await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.02); };\n`;

  it('setup(): the stop skips the load; the result is partial, with nothing run', async () => {
    const file = scratch.write('stuck-setup.ts', lifecycle('setup'));
    const stopRequested = new Promise<string>((r) => setTimeout(() => r('interrupted (Ctrl-C)'), 300));
    const { result: r } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }), { log: () => undefined, stopRequested });
    expect(r.partial).toBe(true);
    expect(r.stopReason).toBe('interrupted (Ctrl-C)');
    expect(count(r, 'iterations')).toBe(0);
    expect(count(r, 'http_reqs')).toBe(0);
  });

  it('teardown(): cut short after the stop; the load before it is in the result', async () => {
    const file = scratch.write('stuck-teardown.ts', lifecycle('teardown'));
    const lines: string[] = [];
    const stopRequested = new Promise<string>((r) => setTimeout(() => r('interrupted (Ctrl-C)'), 1500));
    const startedAt = Date.now();
    const { result: r } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }), { log: (l) => lines.push(l), stopRequested });
    expect(r.stopReason).toBe('interrupted (Ctrl-C)');
    expect(count(r, 'iterations')).toBeGreaterThan(5);
    expect(lines.some((l) => l.startsWith('teardown() cut short'))).toBe(true);
    // 30 s planned, teardown's own timeout 60 s: a cap
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});

describe('a stop before a scenario has started', () => {
  it('scenarios due at startTime 60s end with the stop, not at their start', async () => {
    const later = { startTime: '60s', gracefulStop: '30s' };
    const file = scratch.write(
      'later.ts',
      scenarioSource(
        {
          scenarios: {
            now: { executor: 'constant-vus', vus: 1, duration: '30s' },
            car: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '10s', preAllocatedVUs: 2, maxVUs: 2, ...later },
            rv: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '10s', target: 2 }], ...later },
            si: { executor: 'shared-iterations', vus: 1, iterations: 5, maxDuration: '10s', ...later },
          },
        },
        `await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.02)`,
      ),
    );
    const startedAt = Date.now();
    const stopRequested = new Promise<string>((r) => setTimeout(() => r('interrupted (Ctrl-C)'), 800));
    const { result: r } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }), { log: () => undefined, stopRequested });
    expect(r.stopReason).toBe('interrupted (Ctrl-C)');
    // only the scenario that had started ran; nothing had to be abandoned
    expect(r.tagged.filter((t) => t.metric === 'iterations').map((t) => t.tags.scenario)).toEqual(['now']);
    expect(r.warnings.some((w) => w.includes('left behind'))).toBe(false);
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });
});

describe('journeys that throw', () => {
  it('every throw counted by message; the iterations still count', async () => {
    const r = await run('throws', { executor: 'per-vu-iterations', vus: 2, iterations: 15, maxDuration: '5s' }, `await vu.http.get(vu.env.BASE + '/'); if (vu.iteration % 3 === 0) throw new Error('boom'); if (vu.iteration % 3 === 1) throw 'a string'`);
    expect(count(r, 'iterations')).toBe(30);
    const times = (what: string) => Number(r.warnings.find((w) => w.startsWith('journey error') && w.includes(what))?.match(/×(\d+)/)?.[1] ?? 0);
    expect(times('boom') + times('a string')).toBe(20);
    expect(times('boom')).toBe(10);
    expect(count(r, 'interrupted_iterations')).toBe(0);
  });
});
