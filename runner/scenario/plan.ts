// Execution plans with k6's semantics, in closed form (no timers, no accumulated drift):
// when each arrival-rate iteration is due, how many VUs ramping-vus wants at a moment, how long
// a scenario is planned to run, and how a scenario is split across worker threads.
//
// Arrival times, as k6 computes them (k6 lib/executor/constant_arrival_rate.go and
// ramping_arrival_rate.go `cal`):
// - constant-arrival-rate: iteration g (0-based) is due at g × timeUnit/rate, so the first one
//   at 0; those due before `duration` run: total = ⌈rate × duration / timeUnit⌉.
//   (k6 truncates the period to whole nanoseconds, which at some rates lets one extra iteration
//   slip in a few ns before the end; Stampede does not copy that artefact.)
// - ramping-arrival-rate: iteration g is due when the area under the rate curve (iterations
//   per ms, piecewise linear through startRate and the stages' targets) reaches g + 1, so the
//   first one is due once one whole iteration has "accumulated"; total = ⌊area⌋ (k6 emits
//   iterations while i ≤ area). Within a linear stage from rate a to b over D ms, the local area
//   k is reached at x = 2k / (a + √(a² + 2k(b − a)/D)) — k6's formula rationalised, which stays
//   exact when a = b and when a = 0.
//
// Threads (k6 execution segments with an equal segment sequence): thread `index` of `count`
// owns the iterations g ≡ index (mod count) and the VUs numbered v ≡ index (mod count), so a
// count N splits as ⌊N/count⌋ plus one for the first N mod count threads: totals are exact, at
// every moment. A scenario with fewer VUs than threads is striped over only as many threads as
// it has VUs (k6's GetNewExecutionTupleFromValue): a thread without a VU gets no iterations,
// so none are lost.
import type {
  ArrivalRateScenario,
  NormalisedScenario,
  RampingVusScenario,
  ScenarioSegment,
  Stage,
} from './types.ts';

export interface ArrivalSchedule {
  /** iterations of this segment (of the whole schedule without one) */
  total: number;
  /** intended start of this segment's iteration i (0-based), ms from the scenario's start; Infinity for i ≥ total */
  offsetMs(i: number): number;
  /** how many of this segment's iterations are due strictly before `ms` (ms from the scenario's start) */
  countBefore(ms: number): number;
}

/** Relative tolerance for comparing areas (iteration counts) computed in floating point. */
const EPS = 1e-9;

/** The share of `n` things owned by thread `index` of `count` (v ≡ index mod count). */
export function shareOf(n: number, index: number, count: number): number {
  if (index >= count || n <= 0) return 0;
  return Math.floor(n / count) + (index < n % count ? 1 : 0);
}

/** How many threads a scenario is striped over: no more than it has VUs (at least 1). */
function stripeCount(maxVUs: number, count: number): number {
  return Math.max(1, Math.min(count, maxVUs));
}

/** The most VUs the whole scenario ever has, ignoring any segment. */
function wholeMaxVUs(s: NormalisedScenario): number {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
    case 'constant-vus':
      return s.vus;
    case 'ramping-vus':
      return Math.max(s.startVUs, ...s.stages.map((st) => st.target));
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return s.maxVUs;
  }
}

/**
 * This thread's share of scenario `s` when the run is split over `count` threads: VUs,
 * shared iterations, preAllocatedVUs and maxVUs are split (their totals over all threads equal
 * the original's); rates, stages and startVUs stay whole and `segment` tells plan.ts's other
 * functions which share to take. A thread whose share is empty has maxVUsOf() = 0.
 */
export function segmentScenario(s: NormalisedScenario, index: number, count: number): NormalisedScenario {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`segmentScenario: expected 0 ≤ index < count, got index ${index}, count ${count}`);
  }
  if (s.segment !== undefined) throw new Error(`segmentScenario: scenario ${s.name} is already a segment`);
  if (count === 1) return { ...s };
  const stripes = stripeCount(wholeMaxVUs(s), count);
  const segment: ScenarioSegment = { index, count: stripes };
  const share = (n: number) => shareOf(n, index, stripes);
  switch (s.executor) {
    case 'shared-iterations':
      return { ...s, segment, vus: share(s.vus), iterations: share(s.iterations) };
    case 'per-vu-iterations':
    case 'constant-vus':
      return { ...s, segment, vus: share(s.vus) };
    case 'ramping-vus':
      return { ...s, segment };
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return { ...s, segment, preAllocatedVUs: share(s.preAllocatedVUs), maxVUs: share(s.maxVUs) };
  }
}

/** The most VUs this scenario (or this thread's segment of it) runs at once. */
export function maxVUsOf(s: NormalisedScenario): number {
  if (s.executor === 'ramping-vus' && s.segment !== undefined) {
    return shareOf(wholeMaxVUs(s), s.segment.index, s.segment.count);
  }
  return wholeMaxVUs(s);
}

/** false for a thread whose segment got nothing to do. */
export function hasWork(s: NormalisedScenario): boolean {
  return maxVUsOf(s) > 0;
}

/** The scenario's planned length (duration, sum of stages, or maxDuration), without startTime and gracefulStop. */
export function plannedDurationMs(s: NormalisedScenario): number {
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations':
      return s.maxDurationMs;
    case 'constant-vus':
    case 'constant-arrival-rate':
      return s.durationMs;
    case 'ramping-vus':
    case 'ramping-arrival-rate':
      return sumDurations(s.stages);
  }
}

/** When the scenario is over at the latest, from the test's start: startTime + planned + gracefulStop. */
export function scenarioEndMs(s: NormalisedScenario): number {
  return s.startTimeMs + plannedDurationMs(s) + s.gracefulStopMs;
}

function sumDurations(stages: readonly Stage[]): number {
  let t = 0;
  for (const st of stages) t += st.durationMs;
  return t;
}

/**
 * VUs ramping-vus wants `tMs` after the scenario's start, with k6's rounding
 * (lib/executor/ramping_vus.go getRawExecutionSteps): ramping up, a VU is added when the line
 * from the previous target reaches the next whole number (⌊line⌋); ramping down, one is removed
 * when the line reaches the number below (⌈line⌉). A stage boundary has the stage's target; a
 * 0-duration stage jumps at its start. 0 before the start and from the planned end on.
 * A segmented scenario gets its thread's share of that number.
 */
export function rampingVusAt(s: RampingVusScenario, tMs: number): number {
  const whole = wholeRampingVusAt(s, tMs);
  return s.segment === undefined ? whole : shareOf(whole, s.segment.index, s.segment.count);
}

function wholeRampingVusAt(s: RampingVusScenario, tMs: number): number {
  if (tMs < 0) return 0;
  let from = s.startVUs;
  let stageStart = 0;
  for (const st of s.stages) {
    const stageEnd = stageStart + st.durationMs;
    if (tMs < stageEnd) {
      const line = from + ((tMs - stageStart) * (st.target - from)) / st.durationMs;
      return st.target >= from ? Math.floor(line + EPS) : Math.ceil(line - EPS);
    }
    from = st.target;
    stageStart = stageEnd;
  }
  return 0;
}

interface Segment {
  index: number;
  count: number;
}

/** The global schedule: total iterations, offset of global iteration g, count due before ms. */
interface GlobalSchedule {
  total: number;
  offset(g: number): number;
  /** an estimate of how many are due before ms; corrected against offset() by the caller */
  estimateBefore(ms: number): number;
}

/**
 * When each iteration of an arrival-rate scenario is due, in closed form. With a segment (or
 * on a scenario from segmentScenario()), only that thread's stripe: iterations g ≡ index
 * (mod count) of the whole schedule, so the segments' union is exactly the whole schedule.
 */
export function arrivalSchedule(s: ArrivalRateScenario, segment?: { index: number; count: number }): ArrivalSchedule {
  const stripe = effectiveSegment(s, segment);
  const g = s.executor === 'constant-arrival-rate' ? constantSchedule(s.rate, s.timeUnitMs, s.durationMs) : rampingSchedule(s.startRate, s.timeUnitMs, s.stages);

  /** global iterations due strictly before ms, exactly consistent with offset() */
  const globalBefore = (ms: number): number => {
    let n = Math.min(g.total, Math.max(0, g.estimateBefore(ms)));
    while (n > 0 && g.offset(n - 1) >= ms) n--;
    while (n < g.total && g.offset(n) < ms) n++;
    return n;
  };

  const { index, count } = stripe;
  if (index >= count) return { total: 0, offsetMs: () => Infinity, countBefore: () => 0 };
  const total = g.total > index ? Math.ceil((g.total - index) / count) : 0;
  return {
    total,
    offsetMs(i: number): number {
      if (!Number.isInteger(i) || i < 0) throw new RangeError(`arrivalSchedule.offsetMs: expected an integer ≥ 0, got ${i}`);
      return i >= total ? Infinity : g.offset(index + i * count);
    },
    countBefore(ms: number): number {
      const n = globalBefore(ms);
      return n > index ? Math.ceil((n - index) / count) : 0;
    },
  };
}

function effectiveSegment(s: ArrivalRateScenario, segment: Segment | undefined): Segment {
  if (s.segment !== undefined) {
    // already striped by segmentScenario(): an explicit segment must be the same split
    if (segment !== undefined && segment.count > 1 && segment.index !== s.segment.index) {
      throw new Error(`arrivalSchedule: scenario ${s.name} is segment ${s.segment.index}, asked for ${segment.index}`);
    }
    return s.segment;
  }
  if (segment === undefined || segment.count <= 1) return { index: 0, count: 1 };
  if (!Number.isInteger(segment.index) || segment.index < 0 || !Number.isInteger(segment.count)) {
    throw new RangeError(`arrivalSchedule: bad segment ${JSON.stringify(segment)}`);
  }
  // the same stripes as segmentScenario(): no more threads than VUs
  return { index: segment.index, count: stripeCount(s.maxVUs, segment.count) };
}

function constantSchedule(rate: number, timeUnitMs: number, durationMs: number): GlobalSchedule {
  // multiply before dividing: g × timeUnit / rate is exact for the usual round numbers
  const offset = (g: number) => (g * timeUnitMs) / rate;
  const exact = (durationMs * rate) / timeUnitMs;
  let total = Math.max(0, Math.ceil(exact - EPS * Math.max(1, exact)));
  while (total > 0 && offset(total - 1) >= durationMs) total--;
  while (offset(total) < durationMs) total++;
  return {
    total,
    offset,
    estimateBefore: (ms) => Math.ceil((ms * rate) / timeUnitMs),
  };
}

interface RateStage {
  start: number;
  duration: number;
  /** rates in iterations per ms */
  from: number;
  to: number;
  /** area (iterations) before this stage */
  areaBefore: number;
  area: number;
}

/**
 * When, within a linear stage, the local area reaches k. Both forms only add non-negative terms
 * under the root (no cancellation): ramping up it is solved from the stage's start, ramping
 * down from its end (the remaining area R = area − k is reached y before the end), so that the
 * last iteration of a ramp down to 0 lands on the stage's end exactly.
 */
function timeToArea(p: RateStage, k: number): number {
  const a = p.from;
  const b = p.to;
  if (b >= a) {
    const denom = a + Math.sqrt(a * a + (2 * k * (b - a)) / p.duration);
    return denom > 0 ? (2 * k) / denom : p.duration;
  }
  const rest = Math.max(0, p.area - k);
  const denom = b + Math.sqrt(b * b + (2 * rest * (a - b)) / p.duration);
  return p.duration - (denom > 0 ? (2 * rest) / denom : 0);
}

function rampingSchedule(startRate: number, timeUnitMs: number, stages: readonly Stage[]): GlobalSchedule {
  const parts: RateStage[] = [];
  let from = startRate / timeUnitMs;
  let start = 0;
  let areaBefore = 0;
  for (const st of stages) {
    const to = st.target / timeUnitMs;
    const area = (st.durationMs * (from + to)) / 2;
    parts.push({ start, duration: st.durationMs, from, to, areaBefore, area });
    areaBefore += area;
    start += st.durationMs;
    from = to;
  }
  const totalArea = areaBefore;
  const tol = (a: number) => EPS * Math.max(1, a);
  const total = Math.max(0, Math.floor(totalArea + tol(totalArea)));
  let cursor = 0; // the stage of the last lookup: offsets are mostly asked for in order

  const stageOfArea = (k: number): RateStage => {
    // the cached stage is the first to reach k when k is clearly past the stages before it
    const c = parts[cursor];
    if (c !== undefined && c.area > 0 && k > c.areaBefore + tol(k) && k <= c.areaBefore + c.area + tol(k)) return c;
    // first stage whose cumulative end reaches k (k6: `for ; i <= endCount`)
    let lo = 0;
    let hi = parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = parts[mid] as RateStage;
      if (p.areaBefore + p.area + tol(k) >= k) hi = mid;
      else lo = mid + 1;
    }
    // skip zero-area stages (a rate of 0, or 0 duration) that end exactly at k's boundary
    while (lo < parts.length - 1 && (parts[lo] as RateStage).area <= 0) lo++;
    cursor = lo;
    return parts[lo] as RateStage;
  };

  const offset = (g: number): number => {
    const k = g + 1;
    const p = stageOfArea(k);
    const local = Math.max(0, k - p.areaBefore);
    return p.start + Math.min(p.duration, Math.max(0, timeToArea(p, local)));
  };

  const areaAt = (ms: number): number => {
    if (ms <= 0) return 0;
    for (const p of parts) {
      if (ms < p.start + p.duration) {
        const x = ms - p.start;
        return p.areaBefore + p.from * x + ((p.to - p.from) * x * x) / (2 * p.duration);
      }
    }
    return totalArea;
  };

  return { total, offset, estimateBefore: (ms) => Math.floor(areaAt(ms)) };
}
