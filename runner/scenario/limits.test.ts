// The limits of one process: at the limit is accepted, beyond it refused naming the field.
import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { LIMITS } from './limits.ts';
import { normaliseOptions } from './normalise.ts';

function message(options: unknown): string {
  try {
    normaliseOptions(options, 's.ts');
  } catch (e) {
    if (e instanceof StampedeError) return e.message;
    throw e;
  }
  return 'accepted';
}

const car = (over: Record<string, unknown>) => ({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '10s', preAllocatedVUs: 10, ...over } } });

describe('limits', () => {
  it('a rate: per second, whatever the timeUnit', () => {
    expect(message(car({ rate: LIMITS.ratePerSecond }))).toBe('accepted');
    expect(message(car({ rate: LIMITS.ratePerSecond * 60, timeUnit: '1m' }))).toBe('accepted');
    expect(message(car({ rate: LIMITS.ratePerSecond + 1 }))).toBe('s.ts: scenarios.s.rate: 1,000,001 iterations/s is more than one Stampede process can schedule (at most 1,000,000/s per scenario; one engine thread drives ~20,000/s)');
    expect(message(car({ rate: 2, timeUnit: '1us' }))).toContain('scenarios.s.rate: 2,000,000 iterations/s');
    expect(message({ scenarios: { s: { executor: 'ramping-arrival-rate', preAllocatedVUs: 1, stages: [{ duration: '1s', target: 5 }, { duration: '1s', target: 1e12 }] } } })).toContain('scenarios.s.stages[1].target: 1,000,000,000,000 iterations/s');
  });

  it('VUs, also through the vus/duration shortcut; maxVUs defaulting to preAllocatedVUs is named once', () => {
    expect(message({ vus: LIMITS.vus, duration: '1s' })).toBe('accepted');
    expect(message({ vus: 1e9, duration: '1s' })).toBe('s.ts: vus: 1,000,000,000 VUs is more than one Stampede process can hold (at most 100,000 per scenario; split the load over machines with `stampede export k6`)');
    const m = message(car({ preAllocatedVUs: 200_000 }));
    expect(m).toContain('scenarios.s.preAllocatedVUs: 200,000 VUs');
    expect(m).not.toContain('maxVUs');
  });

  it('iterations: per-vu-iterations counts vus × iterations', () => {
    expect(message({ scenarios: { s: { executor: 'per-vu-iterations', vus: 10_000, iterations: 100_000 } } })).toBe('accepted');
    expect(message({ scenarios: { s: { executor: 'per-vu-iterations', vus: 10_000, iterations: 100_001 } } })).toContain('scenarios.s.iterations: 1,000,010,000 iterations (vus × iterations)');
  });

  it("a scenario's span and the setup timeout: at most 7 days", () => {
    expect(message({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '167h', gracefulStop: '1h' } } })).toBe('accepted');
    expect(message({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '167h', gracefulStop: '1h', startTime: '1s' } } })).toContain('scenarios.s: the scenario spans 7.000012 days (startTime + its schedule + gracefulStop); a run is at most 7 days');
    expect(message({ setupTimeout: '8d' })).toContain('setupTimeout: 8 days is longer than a run may last');
  });
});
