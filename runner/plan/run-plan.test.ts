import { afterAll, describe, expect, it } from 'vitest';
import { scenarioSource, scratchDir } from '../testing/fixtures.ts';
import { loadScenario } from '../scenario/load.ts';
import { arrivalSchedule, maxVUsOf } from '../scenario/plan.ts';
import type { ArrivalRateScenario } from '../scenario/types.ts';
import { planRun, withEnv, withOptions, withTarget } from './run-plan.ts';

const scratch = scratchDir('run-plan');
afterAll(() => scratch.remove());

const scenarios = {
  open: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '2s', preAllocatedVUs: 2, maxVUs: 5 },
  closed: { executor: 'shared-iterations', vus: 4, iterations: 10, maxDuration: '3s', startTime: '1s' },
};
const loaded = await loadScenario(scratch.write('two.ts', scenarioSource({ scenarios })));

describe('planRun', () => {
  it('splits every scenario over the threads so that the segments add up to the whole', () => {
    const plan = planRun(loaded, { env: { A: '1' }, threads: 3 });
    expect(plan.segments).toHaveLength(3);
    const open = plan.segments.map((seg) => seg.find((s) => s.name === 'open') as ArrivalRateScenario);
    // 10/s for 2 s: 20 iterations, striped over the threads
    expect(open.map((s) => arrivalSchedule(s).total).reduce((a, b) => a + b, 0)).toBe(20);
    expect(open.map((s) => maxVUsOf(s)).reduce((a, b) => a + b, 0)).toBe(5);
    const closed = plan.segments.map((seg) => seg.find((s) => s.name === 'closed'));
    expect(closed.map((s) => (s?.executor === 'shared-iterations' ? s.iterations : 0))).toEqual([4, 3, 3]);
    expect(closed.map((s) => (s?.executor === 'shared-iterations' ? s.vus : 0))).toEqual([2, 1, 1]);
    // closed ends last: startTime 1 s + maxDuration 3 s, then its gracefulStop (30 s default)
    expect(plan.plannedMs).toBe(4000);
    expect(plan.endMs).toBe(34_000);
  });

  it('is immutable: the plan, its options, segments and env refuse changes', () => {
    const plan = planRun(loaded, { env: { A: '1' }, threads: 2 });
    expect(Object.isFrozen(plan)).toBe(true);
    expect(() => ((plan.env as Record<string, string>).A = '2')).toThrow(TypeError);
    expect(() => ((plan.options.scenarios[0] as { name: string }).name = 'x')).toThrow(TypeError);
    expect(() => (plan.segments[1] as unknown[]).push(null)).toThrow(TypeError);
    expect(plan.env.A).toBe('1');
  });

  it('records the env it is told to record, and runs with all of it', () => {
    const plan = planRun(loaded, { env: { HOME: '/root', RATE: '5' }, recordedEnv: { RATE: '5' }, threads: 1 });
    expect(plan.env).toEqual({ HOME: '/root', RATE: '5' });
    expect(plan.recordedEnv).toEqual({ RATE: '5' });
  });
});

describe('plans derived from a plan', () => {
  const base = planRun(loaded, { env: { RATE: '5' }, threads: 2, target: null });

  it('withEnv: the env (and the recorded env) gain the values; the base is unchanged', () => {
    const derived = withEnv(base, { RATE: '9', EXTRA: 'x' });
    expect(derived.env).toEqual({ RATE: '9', EXTRA: 'x' });
    expect(derived.recordedEnv).toEqual({ RATE: '9', EXTRA: 'x' });
    expect(base.env).toEqual({ RATE: '5' });
    expect(derived.scenario).toBe(base.scenario);
    expect(derived.segments).toBe(base.segments);
  });

  it('withTarget: the scenario talks to the started target, whatever BASE it had, and the result says so', () => {
    const derived = withTarget(withEnv(base, { BASE: 'http://old' }), { url: 'http://127.0.0.1:9', config: { variant: 'async' }, env: { ADMIN_TOKEN: 't' } });
    expect(derived.env).toMatchObject({ BASE: 'http://127.0.0.1:9', BASE_URL: 'http://127.0.0.1:9', ADMIN_TOKEN: 't', RATE: '5' });
    expect(derived.recordedEnv.BASE).toBe('http://127.0.0.1:9');
    expect(derived.target).toBe('http://127.0.0.1:9');
    expect(derived.targetConfig).toEqual({ variant: 'async' });
    expect(base.target).toBeNull();
  });

  it('withOptions: other executors are segmented again; the scenario and env stay the base’s', () => {
    const derived = withOptions(base, { ...base.options, scenarios: [{ name: 'only', executor: 'constant-vus', vus: 3, durationMs: 1000, exec: 'default', startTimeMs: 0, gracefulStopMs: 0, env: {}, tags: {} }] });
    expect(derived.segments.map((seg) => seg.map((s) => (s.executor === 'constant-vus' ? s.vus : -1)))).toEqual([[2], [1]]);
    expect(derived.plannedMs).toBe(1000);
    expect(derived.endMs).toBe(1000);
    expect(derived.scenario).toBe(base.scenario);
    expect(derived.env).toBe(base.env);
    expect(base.options.scenarios.map((s) => s.name)).toEqual(['open', 'closed']);
  });
});
