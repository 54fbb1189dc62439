import { describe, expect, it } from 'vitest';
import { arrivalSchedule, hasWork, maxVUsOf, plannedDurationMs, rampingVusAt, scenarioEndMs, segmentScenario, shareOf } from './plan.ts';
import type {
  ConstantArrivalRateScenario,
  NormalisedScenario,
  RampingArrivalRateScenario,
  RampingVusScenario,
  Stage,
} from './types.ts';

const base = { exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, env: {}, tags: {} };

function car(rate: number, durationMs: number, maxVUs = 50, timeUnitMs = 1000): ConstantArrivalRateScenario {
  return { ...base, name: 'car', executor: 'constant-arrival-rate', rate, timeUnitMs, durationMs, preAllocatedVUs: maxVUs, maxVUs };
}

function rar(startRate: number, stages: Stage[], timeUnitMs = 1000, maxVUs = 50): RampingArrivalRateScenario {
  return { ...base, name: 'rar', executor: 'ramping-arrival-rate', startRate, timeUnitMs, stages, preAllocatedVUs: Math.min(10, maxVUs), maxVUs };
}

function rvus(startVUs: number, stages: Stage[]): RampingVusScenario {
  return { ...base, name: 'rv', executor: 'ramping-vus', startVUs, stages, gracefulRampDownMs: 30_000 };
}

const st = (seconds: number, target: number): Stage => ({ durationMs: seconds * 1000, target });

function offsets(s: { total: number; offsetMs(i: number): number }): number[] {
  return Array.from({ length: s.total }, (_, i) => s.offsetMs(i));
}

// k6 lib/executor/ramping_arrival_rate_test.go TestRampingArrivalRateCal: 0→1/s over 5 s, 1/s for 1 s, 1→0 over 5 s
const K6_CAL_STAGES = [st(5, 1), st(1, 1), st(5, 0)];

describe('arrivalSchedule: constant-arrival-rate', () => {
  const s = arrivalSchedule(car(400, 6000));

  it('400/s for 6 s is 2,400 iterations, 2.5 ms apart from 0', () => {
    expect(s.total).toBe(2400);
    const o = offsets(s);
    expect(o[0]).toBe(0);
    expect(o[2399]).toBe(5997.5);
    for (let i = 1; i < o.length; i++) expect((o[i] as number) - (o[i - 1] as number)).toBeCloseTo(2.5, 9);
    expect(s.offsetMs(2400)).toBe(Infinity);
  });

  it('countBefore counts the iterations due strictly before a moment', () => {
    expect(s.countBefore(0)).toBe(0);
    expect(s.countBefore(0.001)).toBe(1);
    expect(s.countBefore(1000)).toBe(400);
    expect(s.countBefore(1000.001)).toBe(401);
    expect(s.countBefore(6000)).toBe(2400);
    expect(s.countBefore(1e9)).toBe(2400);
    for (let t = 0; t < 6; t++) expect(s.countBefore((t + 1) * 1000) - s.countBefore(t * 1000)).toBe(400);
  });

  it('timeUnit and fractional rates: 3 per 2 s over 10 s = 15; 0.5/s over 10 s = 5', () => {
    const a = arrivalSchedule(car(3, 10_000, 5, 2000));
    expect(a.total).toBe(15);
    expect(a.offsetMs(1)).toBeCloseTo(2000 / 3, 9);
    expect(a.offsetMs(14)).toBeCloseTo(14 * (2000 / 3), 9);
    const b = arrivalSchedule(car(0.5, 10_000));
    expect(offsets(b)).toEqual([0, 2000, 4000, 6000, 8000]);
  });

  it('a rate that does not divide the duration: ⌈rate × duration⌉ iterations, all before the end', () => {
    const a = arrivalSchedule(car(3, 1500));
    expect(offsets(a).map((x) => Math.round(x * 1000) / 1000)).toEqual([0, 333.333, 666.667, 1000, 1333.333]);
  });
});

describe('arrivalSchedule: ramping-arrival-rate', () => {
  it('0 → 100/s over 10 s is the area under the ramp: 500 iterations, i-th at √(2(i+1)·D/b)', () => {
    const s = arrivalSchedule(rar(0, [st(10, 100)]));
    expect(s.total).toBe(500);
    const o = offsets(s);
    for (let i = 1; i < o.length; i++) expect(o[i] as number).toBeGreaterThan(o[i - 1] as number);
    // rate b = 0.1 per ms at D = 10,000 ms: area(t) = 0.1 t² / 20,000 = k → t = √(200,000 k)
    for (const i of [0, 1, 99, 250, 499]) expect(s.offsetMs(i)).toBeCloseTo(Math.sqrt(200_000 * (i + 1)), 6);
    expect(s.offsetMs(499)).toBeCloseTo(10_000, 6);
    // offered per second: the area of each 1 s slice, 5·(2t+1)
    for (let t = 0; t < 10; t++) {
      const n = s.countBefore((t + 1) * 1000) - s.countBefore(t * 1000);
      expect(Math.abs(n - 5 * (2 * t + 1))).toBeLessThanOrEqual(1);
    }
    expect(s.countBefore(10_000)).toBe(499); // the 500th is due at exactly 10 s (k6: i ≤ area)
    expect(s.countBefore(10_000.001)).toBe(500);
  });

  it("matches k6's own known answer (TestRampingArrivalRateCal)", () => {
    const s = arrivalSchedule(rar(0, K6_CAL_STAGES));
    const expected = [3162, 4472, 5500, 6527, 7837, 11000];
    expect(s.total).toBe(expected.length);
    offsets(s).forEach((x, i) => expect(Math.abs(x - (expected[i] as number)) / (expected[i] as number)).toBeLessThan(0.001));
  });

  it("matches k6's known answer at timeUnit 1/3 s (three times as fast)", () => {
    const s = arrivalSchedule(rar(0, K6_CAL_STAGES, 1000 / 3));
    const expected = [1825, 2581, 3162, 3651, 4082, 4472, 4830, 5166, 5499, 5833, 6169, 6527, 6917, 7348, 7837, 8418, 9174, 10999];
    expect(s.total).toBe(expected.length);
    offsets(s).forEach((x, i) => expect(Math.abs(x - (expected[i] as number)) / (expected[i] as number)).toBeLessThan(0.001));
  });

  it('a constant stage, a 0-duration jump and a ramp down: totals are the area, offsets stay monotonic', () => {
    const s = arrivalSchedule(rar(10, [st(2, 10), { durationMs: 0, target: 200 }, st(1, 200), st(4, 0)]));
    // 2·10 + 0 + 200 + ½·4·200 = 620
    expect(s.total).toBe(620);
    const o = offsets(s);
    for (let i = 1; i < o.length; i++) expect(o[i] as number).toBeGreaterThan(o[i - 1] as number);
    expect(s.offsetMs(0)).toBeCloseTo(100, 9); // 10/s: the first whole iteration has accumulated at 100 ms
    expect(s.offsetMs(19)).toBeCloseTo(2000, 9);
    expect(s.offsetMs(20)).toBeCloseTo(2005, 9); // then 200/s: 5 ms apart
    expect(s.offsetMs(619)).toBeCloseTo(7000, 6);
    expect(s.countBefore(3000)).toBe(219); // the 220th is due at exactly 3 s
    expect(s.countBefore(3000.001)).toBe(220);
  });

  it('stages at rate 0 contribute nothing and shift what follows', () => {
    const s = arrivalSchedule(rar(0, [st(3, 0), { durationMs: 0, target: 4 }, st(1, 4)]));
    expect(offsets(s)).toEqual([3250, 3500, 3750, 4000]);
  });
});

describe('arrivalSchedule with segments: the union is exactly the whole schedule', () => {
  const schedules: Array<[string, ConstantArrivalRateScenario | RampingArrivalRateScenario]> = [
    ['constant 400/s × 6 s', car(400, 6000)],
    ['constant 7 per 3 s × 10 s', car(7, 10_000, 50, 3000)],
    ['ramping 0→100/s', rar(0, [st(10, 100)])],
    ['ramping k6 cal', rar(0, K6_CAL_STAGES)],
    ['ramping up and down', rar(5, [st(2, 50), st(1, 50), st(3, 0)])],
  ];

  for (const [label, scenario] of schedules) {
    for (const count of [2, 3, 4, 7]) {
      it(`${label}, ${count} threads`, () => {
        const whole = offsets(arrivalSchedule(scenario));
        const parts = Array.from({ length: count }, (_, index) => arrivalSchedule(scenario, { index, count }));
        expect(parts.reduce((a, p) => a + p.total, 0)).toBe(whole.length);
        const union = parts.flatMap((p) => offsets(p)).sort((a, b) => a - b);
        expect(union).toEqual(whole);
        // stripes: thread `index` has global iterations index, index + count, ...
        parts.forEach((p, index) => offsets(p).forEach((x, i) => expect(x).toBe(whole[index + i * count])));
        // the threads' countBefore adds up to the whole's at any moment
        const all = arrivalSchedule(scenario);
        for (const ms of [0, 1, 999.5, 1000, 2500, 4321.7, 1e7]) {
          expect(parts.reduce((a, p) => a + p.countBefore(ms), 0)).toBe(all.countBefore(ms));
        }
      });
    }
  }

  it("k6's segmented known answer (sequence 0,1/3,2/3,1)", () => {
    const s = rar(0, K6_CAL_STAGES);
    const round = (i: number) => offsets(arrivalSchedule(s, { index: i, count: 3 })).map((x) => Math.round(x));
    expect(round(0)).toEqual([3162, 6528]);
    expect(round(1)).toEqual([4472, 7838]);
    expect(round(2)).toEqual([5500, 11000]);
  });

  it('a segmented scenario carries its stripe: arrivalSchedule(segmentScenario(...)) is that thread\'s share', () => {
    const s = car(400, 6000, 3);
    const parts = [0, 1, 2, 3].map((i) => segmentScenario(s, i, 4) as ConstantArrivalRateScenario);
    // 3 VUs over 4 threads: striped over 3, the 4th thread has nothing
    expect(parts.map((p) => p.maxVUs)).toEqual([1, 1, 1, 0]);
    expect(parts.map((p) => arrivalSchedule(p).total)).toEqual([800, 800, 800, 0]);
    expect(parts.map((p) => hasWork(p))).toEqual([true, true, true, false]);
    // the engine may also pass the whole scenario with the thread's segment: same stripes
    expect([0, 1, 2, 3].map((index) => arrivalSchedule(s, { index, count: 4 }).total)).toEqual([800, 800, 800, 0]);
    expect(offsets(arrivalSchedule(parts[1] as ConstantArrivalRateScenario, { index: 1, count: 4 }))).toEqual(offsets(arrivalSchedule(parts[1] as ConstantArrivalRateScenario)));
  });

  it('countBefore agrees with the offsets at any moment', () => {
    const s = arrivalSchedule(rar(3, [st(4, 77), st(2, 12)]), { index: 1, count: 3 });
    const o = offsets(s);
    for (let ms = -5; ms < 7000; ms += 37.3) expect(s.countBefore(ms)).toBe(o.filter((x) => x < ms).length);
  });
});

describe('rampingVusAt (k6 ramping_vus.go rounding)', () => {
  const s = rvus(0, [st(10, 10), st(10, 0)]);

  it('ramping up, a VU is added when the line reaches the next whole number', () => {
    expect([0, 999, 1000, 1001, 5500, 9999].map((t) => rampingVusAt(s, t))).toEqual([0, 0, 1, 1, 5, 9]);
  });

  it('at a stage boundary it is the stage target; ramping down, a VU goes when the line reaches the one below', () => {
    expect(rampingVusAt(s, 10_000)).toBe(10);
    expect([10_500, 10_999, 11_000, 15_000, 19_999].map((t) => rampingVusAt(s, t))).toEqual([10, 10, 9, 5, 1]);
  });

  it('0 before the start and from the planned end on', () => {
    expect(rampingVusAt(s, -1)).toBe(0);
    expect(rampingVusAt(s, 20_000)).toBe(0);
    expect(rampingVusAt(rvus(3, [st(5, 3)]), 0)).toBe(3);
    expect(rampingVusAt(rvus(3, [st(5, 3)]), 4999)).toBe(3);
  });

  it('startVUs, a 0-duration jump at its start, a hold', () => {
    const j = rvus(2, [st(2, 4), { durationMs: 0, target: 20 }, st(3, 20)]);
    expect([0, 999, 1000, 1999, 2000, 4999, 5000].map((t) => rampingVusAt(j, t))).toEqual([2, 2, 3, 3, 20, 20, 0]);
  });

  it('segments: the threads\' VUs add up to the whole at every moment', () => {
    const w = rvus(1, [st(3, 7), st(2, 7), st(4, 2)]);
    const parts = [0, 1, 2].map((i) => segmentScenario(w, i, 3) as RampingVusScenario);
    for (let t = 0; t <= 9000; t += 50) {
      expect(parts.reduce((a, p) => a + rampingVusAt(p, t), 0)).toBe(rampingVusAt(w, t));
    }
    expect(parts.map((p) => maxVUsOf(p))).toEqual([3, 2, 2]);
  });
});

describe('plannedDurationMs, maxVUsOf, scenarioEndMs', () => {
  const all: NormalisedScenario[] = [
    { ...base, name: 'a', executor: 'shared-iterations', vus: 3, iterations: 10, maxDurationMs: 600_000 },
    { ...base, name: 'b', executor: 'per-vu-iterations', vus: 4, iterations: 2, maxDurationMs: 60_000 },
    { ...base, name: 'c', executor: 'constant-vus', vus: 5, durationMs: 30_000 },
    rvus(1, [st(10, 20), st(5, 6)]),
    car(100, 6000, 40),
    rar(0, [st(10, 100), st(20, 100)], 1000, 70),
  ];

  it('is duration, maxDuration or the sum of the stages, without gracefulStop', () => {
    expect(all.map(plannedDurationMs)).toEqual([600_000, 60_000, 30_000, 15_000, 6000, 30_000]);
  });

  it('maxVUsOf is vus, the highest stage target or startVUs, or maxVUs', () => {
    expect(all.map(maxVUsOf)).toEqual([3, 4, 5, 20, 40, 70]);
  });

  it('scenarioEndMs adds startTime and gracefulStop', () => {
    expect(scenarioEndMs({ ...car(1, 6000), startTimeMs: 2000, gracefulStopMs: 1000 })).toBe(9000);
  });
});

describe('segmentScenario: totals are preserved', () => {
  it('shareOf gives the first N mod count threads one more', () => {
    expect([0, 1, 2, 3].map((i) => shareOf(10, i, 4))).toEqual([3, 3, 2, 2]);
    expect([0, 1, 2].map((i) => shareOf(2, i, 3))).toEqual([1, 1, 0]);
    expect(shareOf(5, 3, 3)).toBe(0);
  });

  it('splits vus, iterations, preAllocatedVUs and maxVUs so the threads add up to the whole', () => {
    const cases: NormalisedScenario[] = [
      { ...base, name: 'a', executor: 'shared-iterations', vus: 5, iterations: 101, maxDurationMs: 600_000 },
      { ...base, name: 'b', executor: 'per-vu-iterations', vus: 7, iterations: 3, maxDurationMs: 60_000 },
      { ...base, name: 'c', executor: 'constant-vus', vus: 9, durationMs: 30_000 },
      { ...car(100, 6000, 13), preAllocatedVUs: 8 },
      rar(0, [st(10, 100)], 1000, 11),
    ];
    const sum = (xs: NormalisedScenario[], f: (s: NormalisedScenario) => number) => xs.reduce((a, s) => a + f(s), 0);
    const field = (s: NormalisedScenario, k: string) => (s as unknown as Record<string, number>)[k] ?? 0;
    for (const s of cases) {
      for (const count of [1, 2, 3, 4]) {
        const parts = Array.from({ length: count }, (_, i) => segmentScenario(s, i, count));
        for (const k of ['vus', 'preAllocatedVUs', 'maxVUs']) expect(sum(parts, (p) => field(p, k))).toBe(field(s, k));
        if (s.executor === 'shared-iterations') expect(sum(parts, (p) => field(p, 'iterations'))).toBe(s.iterations);
        if (s.executor === 'per-vu-iterations') expect(sum(parts, (p) => field(p, 'vus') * field(p, 'iterations'))).toBe(s.vus * s.iterations);
        for (const p of parts) expect(field(p, 'preAllocatedVUs')).toBeLessThanOrEqual(field(p, 'maxVUs'));
      }
    }
  });

  it('shared-iterations with fewer VUs than threads gives the iterations only to threads with a VU', () => {
    const s: NormalisedScenario = { ...base, name: 'a', executor: 'shared-iterations', vus: 2, iterations: 9, maxDurationMs: 600_000 };
    const parts = [0, 1, 2, 3].map((i) => segmentScenario(s, i, 4));
    expect(parts.map((p) => [(p as { vus: number }).vus, (p as { iterations: number }).iterations])).toEqual([
      [1, 5],
      [1, 4],
      [0, 0],
      [0, 0],
    ]);
  });

  it('one thread is the whole scenario; bad arguments are refused', () => {
    const s = car(10, 6000);
    expect(segmentScenario(s, 0, 1)).toEqual(s);
    expect(() => segmentScenario(s, 2, 2)).toThrow(RangeError);
    expect(() => segmentScenario(segmentScenario(s, 0, 2), 0, 2)).toThrow('already a segment');
  });
});
