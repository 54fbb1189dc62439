// The HPA simulation against cases worked out by hand (the arithmetic is in each comment).
import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { profileRequests } from './arrival-profile.ts';
import { HPA_DEFAULTS, metricRecommendation, simulateHpa, type HpaSample, type HpaSimulation } from './hpa.ts';

const at = (sim: HpaSimulation, t: number): HpaSample => {
  const s = sim.series[t];
  if (!s || s.t !== t) throw new Error(`no sample at t = ${t}`);
  return s;
};

/** 60 s at `from`, a step to `to`, held for `holdS` seconds. */
const step = (from: number, to: number, holdS: number) => ({
  startRate: from,
  stages: [
    { durationMs: 60_000, target: from },
    { durationMs: 0, target: to },
    { durationMs: holdS * 1000, target: to },
  ],
});

describe('arrival profile', () => {
  it('integrates ramps and steps exactly', () => {
    const p = { startRate: 0, stages: [{ durationMs: 10_000, target: 100 }, { durationMs: 0, target: 500 }, { durationMs: 5_000, target: 500 }] };
    expect(profileRequests(p, 0, 1)).toBeCloseTo(5, 9); // ramp 0→10 in the first second
    expect(profileRequests(p, 0, 10)).toBeCloseTo(500, 9);
    expect(profileRequests(p, 10, 11)).toBeCloseTo(500, 9); // after the step
    expect(profileRequests(p, 9.5, 10.5)).toBeCloseTo(0.5 * 97.5 + 0.5 * 500, 9);
  });
});

describe('metricRecommendation (replica_calculator.go)', () => {
  it('within tolerance keeps the count; outside it, ⌈ratio × ready⌉', () => {
    expect(metricRecommendation({ current: 10, metricReady: 10, utilisation: 0.75, target: 0.7, tolerance: 0.1 })).toBe(10); // ratio 1.07
    expect(metricRecommendation({ current: 10, metricReady: 10, utilisation: 0.8, target: 0.7, tolerance: 0.1 })).toBe(12); // ⌈11.43⌉
    expect(metricRecommendation({ current: 10, metricReady: 10, utilisation: 0.3, target: 0.7, tolerance: 0.1 })).toBe(5); // ⌈4.29⌉
  });
  it('starting pods count as idle on scale-up, and a flipped direction holds', () => {
    // 2 ready at 500 %, 4 starting: ratio 7.14 → new ratio 10/(6 × 0.7) = 2.38 → ⌈14.29⌉ = 15
    expect(metricRecommendation({ current: 6, metricReady: 2, utilisation: 5, target: 0.7, tolerance: 0.1 })).toBe(15);
    // 6 ready at 167 %, 9 starting: new ratio 10/10.5 = 0.95 < 1 → hold at 15
    expect(metricRecommendation({ current: 15, metricReady: 6, utilisation: 10 / 6, target: 0.7, tolerance: 0.1 })).toBe(15);
  });
});

describe('simulateHpa: a step from 100 to 1000 req/s (MST 100, target 0.7, start-up 30 s, sync 15 s)', () => {
  const sim = simulateHpa({ mstPerPod: 100, profile: step(100, 1000, 240), hpa: { targetUtilization: 0.7, podStartupMs: 30_000, syncPeriodMs: 15_000 } });

  it('starts at the steady state for 100 req/s: ⌈100 / 70⌉ = 2 pods at 50 %', () => {
    expect(at(sim, 0)).toMatchObject({ ready: 2, replicas: 2, utilisation: 0.5, backlog: 0 });
    expect(at(sim, 59).replicas).toBe(2);
  });

  it('replicas follow the hand-computed decisions', () => {
    // t=60: the sync sees second 59 (100 req/s) → no change, although the step has arrived.
    expect(at(sim, 60).replicas).toBe(2);
    // t=75: 500 % on 2 pods → wants ⌈2 × 5/0.7⌉ = 15; limited to max(2 + 4, 2 × 2) = 6.
    expect(at(sim, 74).replicas).toBe(2);
    expect(at(sim, 75)).toMatchObject({ replicas: 6, ready: 2, recommended: 15 });
    // t=90: the t=75 event is not inside (75, 90] → limit max(6 + 4, 12) = 12; wants 15.
    expect(at(sim, 90)).toMatchObject({ replicas: 12, ready: 2 });
    // t=105: the 4 from t=75 are ready; 2 with metrics, 10 idle → ⌈12 × 10/8.4⌉ = 15.
    expect(at(sim, 105)).toMatchObject({ replicas: 15, ready: 6 });
    expect(at(sim, 120)).toMatchObject({ replicas: 15, ready: 12 });
    expect(at(sim, 135)).toMatchObject({ replicas: 15, ready: 15 });
    // 15 pods at 66.7 %: ratio 0.95, inside the tolerance → stays.
    expect(at(sim, 299)).toMatchObject({ replicas: 15, ready: 15 });
    expect(Math.max(...sim.series.map((s) => s.replicas))).toBe(15);
  });

  it('the backlog grows at offered − capacity and drains at capacity − offered', () => {
    expect(at(sim, 104).backlog).toBeCloseTo(45 * 800, 6); // 36 000 after 45 s at 200 req/s
    expect(at(sim, 119).backlog).toBeCloseTo(36_000 + 15 * 400, 6); // 42 000 at 600 req/s
    expect(at(sim, 134).backlog).toBeCloseTo(42_000 - 15 * 200, 6); // 39 000 at 1200 req/s
    expect(at(sim, 211).backlog).toBeCloseTo(500, 6); // 39 000 − 77 × 500
    expect(at(sim, 212).backlog).toBe(0);
  });

  it('summary: worst queueing 36 000 / 200 = 180 s at t = 104; pre-scale ⌈1000 / 70⌉ = 15', () => {
    const s = sim.summary;
    expect(s.maxQueueingDelayMs).toBeCloseTo(180_000, 3);
    expect(s.maxQueueingDelayAt).toBe(104);
    expect(s.maxBacklog).toBeCloseTo(42_000, 6);
    expect(s.secondsQueueing).toBe(152); // t = 60 … 211
    expect(s.secondsOverSlo).toBe(152);
    expect(s.preScale).toEqual({ replicas: 15, headroom: 0.7, exceedsMaxReplicas: false });
    expect(s.autoscalingSuffices).toBe(false);
    expect(s.verdict).toMatch(/does not survive .* up to 180\.0 s .* Pre-scale to ⌈1000 \/ \(100 × 0\.7\)⌉ = 15 replicas/);
  });

  it('pre-scaled to 15 pods, the same step causes no queueing', () => {
    const pre = simulateHpa({ mstPerPod: 100, profile: step(100, 1000, 240), initialReplicas: 15, hpa: { targetUtilization: 0.7 } });
    expect(pre.summary.maxBacklog).toBe(0);
    expect(pre.summary.autoscalingSuffices).toBe(true);
    // the idle pods are not scaled away within the 300 s window
    expect(Math.min(...pre.series.map((s) => s.replicas))).toBe(15);
  });

  it('is deterministic', () => {
    const again = simulateHpa({ mstPerPod: 100, profile: step(100, 1000, 240), hpa: { targetUtilization: 0.7, podStartupMs: 30_000, syncPeriodMs: 15_000 } });
    expect(again).toEqual(sim);
  });
});

describe('simulateHpa: the pod start-up delay is the backlog', () => {
  // 100 → 300 req/s on 2 pods (MST 100): 150 % → ⌈2 × 1.5/0.7⌉ = 5 at the t=75 sync (within the
  // rate limit of 6). Capacity stays 200 until the 3 new pods are ready at 75 + start-up, so the
  // backlog is 100 req/s × (15 s detection + start-up), drained at 500 − 300 = 200 req/s.
  for (const startupS of [30, 60]) {
    it(`start-up ${startupS} s → backlog ${100 * (15 + startupS)}, worst delay ${(100 * (15 + startupS)) / 200} s`, () => {
      const sim = simulateHpa({ mstPerPod: 100, profile: step(100, 300, 300), hpa: { targetUtilization: 0.7, podStartupMs: startupS * 1000 } });
      const readyAt = 75 + startupS;
      expect(at(sim, 75).replicas).toBe(5);
      expect(at(sim, readyAt - 1).ready).toBe(2);
      expect(at(sim, readyAt).ready).toBe(5);
      const backlog = 100 * (15 + startupS);
      expect(sim.summary.maxBacklog).toBeCloseTo(backlog, 6);
      expect(sim.summary.maxQueueingDelayMs).toBeCloseTo((backlog / 200) * 1000, 3);
      expect(sim.summary.maxQueueingDelayAt).toBe(readyAt - 1);
      // drains at 200 req/s once the pods are ready: the second that empties it does not count
      expect(sim.summary.secondsQueueing).toBe(15 + startupS + Math.ceil(backlog / 200) - 1);
      // 5 pods at 60 %: ratio 0.86, outside the tolerance but ⌈4.29⌉ = 5 → stable
      expect(at(sim, 359).replicas).toBe(5);
      expect(sim.summary.preScale.replicas).toBe(5); // ⌈300 / 70⌉
    });
  }

  it('a queueing budget turns "seconds queueing" into "seconds over the SLO"', () => {
    const sim = simulateHpa({ mstPerPod: 100, profile: step(100, 300, 300), hpa: { targetUtilization: 0.7 }, queueingBudgetMs: 10_000 });
    // delay = backlog / 200 (while 2 pods) rises 0.5 s per second from t=60: > 10 s from t=80 to
    // t=104 (25 s); then backlog/500 at ≤ 9 s — within budget.
    expect(sim.summary.secondsOverSlo).toBe(25);
  });
});

describe('simulateHpa: scale-down stabilisation', () => {
  // 15 pods carry 1000 req/s; at t=60 the load drops to 100. From t=75 the HPA recommends
  // ⌈15 × (100/1500)/0.7⌉ = 2, but the highest recommendation of the last 300 s (15, last made
  // at t=60) wins until that one leaves the window: at t=360 (window (60, 360]).
  const profile = step(1000, 100, 600);

  it('default 300 s window: 15 replicas until t=359, then straight to 2 (100 % per 15 s)', () => {
    const sim = simulateHpa({ mstPerPod: 100, profile, hpa: { targetUtilization: 0.7 } });
    expect(at(sim, 0).replicas).toBe(15);
    expect(at(sim, 75)).toMatchObject({ replicas: 15, recommended: 2 });
    expect(at(sim, 359).replicas).toBe(15);
    expect(at(sim, 360).replicas).toBe(2);
    expect(at(sim, 659).replicas).toBe(2);
  });

  it('a 60 s window scales down at t=120; a Pods policy of 4 per 15 s steps down', () => {
    const fast = simulateHpa({ mstPerPod: 100, profile, hpa: { targetUtilization: 0.7, scaleDown: { ...HPA_DEFAULTS.scaleDown, stabilizationWindowSeconds: 60 } } });
    expect(at(fast, 119).replicas).toBe(15);
    expect(at(fast, 120).replicas).toBe(2);
    const stepped = simulateHpa({
      mstPerPod: 100,
      profile,
      hpa: { targetUtilization: 0.7, scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] } },
    });
    expect([120, 135, 150, 165].map((t) => at(stepped, t).replicas)).toEqual([11, 7, 3, 2]);
  });

  it('minReplicas is a floor', () => {
    const sim = simulateHpa({ mstPerPod: 100, profile, hpa: { targetUtilization: 0.7, minReplicas: 4 } });
    expect(at(sim, 360).replicas).toBe(4);
  });
});

describe('simulateHpa: limits and defaults', () => {
  it('maxReplicas caps the scale-up, and the verdict says pre-scaling past it is impossible', () => {
    const sim = simulateHpa({ mstPerPod: 100, profile: step(100, 1000, 240), hpa: { targetUtilization: 0.7, maxReplicas: 8 } });
    expect(Math.max(...sim.series.map((s) => s.replicas))).toBe(8);
    expect(sim.summary.hitMaxReplicas).toBe(true);
    expect(sim.summary.preScale.exceedsMaxReplicas).toBe(true);
    expect(sim.summary.backlogAtEnd).toBeGreaterThan(0); // 800 req/s capacity < 1000 offered
    expect(sim.summary.verdict).toMatch(/above maxReplicas/);
  });

  it('Kubernetes defaults: target 80 %, tolerance 0.1, sync 15 s, up 4 pods / 100 % per 15 s, down 300 s', () => {
    expect(HPA_DEFAULTS).toMatchObject({ targetUtilization: 0.8, tolerance: 0.1, syncPeriodMs: 15_000, minReplicas: 1 });
    expect(HPA_DEFAULTS.scaleUp.stabilizationWindowSeconds).toBe(0);
    expect(HPA_DEFAULTS.scaleDown.stabilizationWindowSeconds).toBe(300);
    // with the defaults, 100 req/s on MST 100 settles at ⌈100 / 80⌉ = 2 pods
    const sim = simulateHpa({ mstPerPod: 100, profile: { startRate: 100, stages: [{ durationMs: 60_000, target: 100 }] } });
    expect(at(sim, 59).replicas).toBe(2);
  });

  it('bad input is refused naming the field', () => {
    const run = (over: object) => () => simulateHpa({ mstPerPod: 100, profile: step(100, 200, 60), ...over });
    expect(run({ mstPerPod: 0 })).toThrow(StampedeError);
    expect(run({ mstPerPod: -5 })).toThrow(/mstPerPod/);
    expect(run({ hpa: { syncPeriodMs: 1500 } })).toThrow(/hpa\.syncPeriodMs/);
    expect(run({ hpa: { minReplicas: 5, maxReplicas: 2 } })).toThrow(/minReplicas \(5\) is above hpa\.maxReplicas \(2\)/);
    expect(run({ profile: { startRate: 1, stages: [] } })).toThrow(/profile\.stages/);
  });
});

describe('formatHpaTimeline', () => {
  it('one row per sync period with the hand-checked numbers, then the verdict', async () => {
    const { formatHpaTimeline } = await import('./hpa-format.ts');
    const sim = simulateHpa({ mstPerPod: 100, profile: step(100, 1000, 240), hpa: { targetUtilization: 0.7 } });
    const text = formatHpaTimeline(sim);
    expect(text).toMatch(/target 70 % of MST, tolerance 0\.1, sync 15 s, pod start-up 30 s, replicas 1–100, scale-down window 300 s/);
    // t=90: 2 ready of 12, 500 %, backlog 24 800, 124 s of queue
    expect(text).toMatch(/^ +90 +1000 +2 +12 +500 % +24800 +124\.0$/m);
    expect(text).toMatch(/^ +135 +1000 +15 +15 +67 % +38500 +25\.7$/m);
    expect(text.split('\n').filter((l) => /^ +\d+ /.test(l))).toHaveLength(21); // t = 0, 15, …, 285 and 299
    expect(text.trim().split('\n').at(-1)).toMatch(/^Autoscaling alone does not survive/);
  });
});
