import { afterAll, describe, expect, it } from 'vitest';
import { scenarioSource, scratchDir } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { arrivalSchedule } from '../scenario/plan.ts';
import type { ArrivalRateScenario } from '../scenario/types.ts';
import { WARMUP_SCENARIO, WINDOW_SCENARIO } from '../analysis/window.ts';
import { withProbe, withSweepPoint } from './probe-options.ts';

const scratch = scratchDir('probe-options');
afterAll(() => scratch.remove());

const file = scratch.write(
  'journey.ts',
  scenarioSource({
    scenarios: { shop: { executor: 'ramping-arrival-rate', startRate: 1, timeUnit: '1s', stages: [{ duration: '5s', target: 40 }], preAllocatedVUs: 2, maxVUs: 50, exec: 'default', env: { AREA: 'eu' }, tags: { team: 'a' } } },
    thresholds: { http_req_duration: ['p(95)<500'] },
    userAgent: 'probe-test',
  }),
);
const base = await loadPlan(file, { env: { BASE: 'http://127.0.0.1:1', RATE: '3' }, recordedEnv: { RATE: '3' }, threads: 2, target: 'http://127.0.0.1:1' });
const SCHEDULE = new Set(['options', 'segments', 'plannedMs', 'endMs']);

describe('withProbe', () => {
  const probe = withProbe(base, { rate: 30, warmupMs: 2000, windowMs: 4000, latencyBoundMs: 100, vus: { preAllocatedVUs: 4, maxVUs: 10 } });

  it('differs from its base only in its schedule: the same loaded scenario, env, threads and target', () => {
    for (const key of Object.keys(base) as Array<keyof typeof base>) {
      if (!SCHEDULE.has(key)) expect(probe[key], key).toBe(base[key]);
    }
    const { scenarios: _a, thresholds: _b, ...rest } = probe.options;
    const { scenarios: _c, thresholds: _d, ...baseRest } = base.options;
    expect(rest).toEqual(baseRest);
    // the SLO judges a probe, not the scenario's thresholds
    expect(probe.options.thresholds).toEqual([]);
    expect(base.options.thresholds).toHaveLength(1);
  });

  it('is warm-up then window at the probe’s rate, with the journey’s exec, env and tags, split over the threads', () => {
    expect(probe.options.scenarios.map((s) => [s.name, s.executor, s.startTimeMs, s.exec, s.env, s.tags])).toEqual([
      [WARMUP_SCENARIO, 'constant-arrival-rate', 0, 'default', { AREA: 'eu' }, { team: 'a' }],
      [WINDOW_SCENARIO, 'constant-arrival-rate', 2000, 'default', { AREA: 'eu' }, { team: 'a' }],
    ]);
    // 30/s for 4 s in the window: 120 iterations, over both threads
    const window = probe.segments.map((seg) => seg.find((s) => s.name === WINDOW_SCENARIO) as ArrivalRateScenario);
    expect(window.map((s) => arrivalSchedule(s).total)).toEqual([60, 60]);
    expect(probe.plannedMs).toBe(6000);
    // the base keeps its own schedule
    expect(base.options.scenarios.map((s) => s.executor)).toEqual(['ramping-arrival-rate']);
    expect(base.plannedMs).toBe(5000);
  });
});

describe('withSweepPoint', () => {
  it('is a closed model of N VUs, warm-up then window; everything else is the base’s', () => {
    const point = withSweepPoint(base, 6, 1000, 3000);
    for (const key of Object.keys(base) as Array<keyof typeof base>) {
      if (!SCHEDULE.has(key)) expect(point[key], key).toBe(base[key]);
    }
    expect(point.options.scenarios.map((s) => [s.name, s.executor, s.executor === 'constant-vus' ? s.vus : null, s.startTimeMs])).toEqual([
      [WARMUP_SCENARIO, 'constant-vus', 6, 0],
      [WINDOW_SCENARIO, 'constant-vus', 6, 1000],
    ]);
    expect(point.segments.map((seg) => seg.map((s) => (s.executor === 'constant-vus' ? s.vus : -1)))).toEqual([[3, 3], [3, 3]]);
  });
});
