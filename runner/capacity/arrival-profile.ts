// An arrival-rate profile like k6's ramping-arrival-rate: starts at startRate, then each stage
// moves linearly to its target over its duration (a 0-ms stage is a step).

export interface RateStage {
  durationMs: number;
  /** req/s at the end of the stage */
  target: number;
}

export interface ArrivalProfile {
  /** req/s at t = 0 */
  startRate: number;
  stages: RateStage[];
}

interface Segment {
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

function segments(profile: ArrivalProfile): Segment[] {
  const out: Segment[] = [];
  let t = 0;
  let r = profile.startRate;
  for (const s of profile.stages) {
    const t1 = t + s.durationMs / 1000;
    if (t1 > t) out.push({ t0: t, t1, r0: r, r1: s.target });
    t = t1;
    r = s.target;
  }
  return out;
}

export function profileDurationSeconds(profile: ArrivalProfile): number {
  return profile.stages.reduce((s, st) => s + st.durationMs, 0) / 1000;
}

/** The highest rate the profile reaches (steps included). */
export function profilePeak(profile: ArrivalProfile): number {
  return Math.max(profile.startRate, ...profile.stages.map((s) => s.target));
}

/** Requests offered in [a, b) seconds: the exact integral of the piecewise-linear rate. */
export function profileRequests(profile: ArrivalProfile, a: number, b: number): number {
  let total = 0;
  for (const seg of segments(profile)) {
    const lo = Math.max(a, seg.t0);
    const hi = Math.min(b, seg.t1);
    if (hi <= lo) continue;
    const rate = (t: number) => seg.r0 + ((seg.r1 - seg.r0) * (t - seg.t0)) / (seg.t1 - seg.t0);
    total += ((rate(lo) + rate(hi)) / 2) * (hi - lo);
  }
  return total;
}
