// Little's law on a run's timeline: in flight counted at second ends vs throughput × mean
// iteration time, with a noise allowance so short light runs do not cry wolf.
import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from '../result/schema.ts';
import { littlesLawOverSeconds } from './run-littles-law.ts';

function point(t: number, started: number, completed: number): TimelinePoint {
  return {
    t, offered: started, started, completed, dropped: 0, requests: completed, failed: 0, errorsByKind: {}, vus: 0, vusMax: 0,
    dataSent: 0, dataReceived: 0, checksPassed: 0, checksFailed: 0, latency: null, duration: null, eventLoopLagP99: 0, generatorCpuPercent: 0,
  };
}

/** rate/s arrivals, each lasting `ms`; `extraInFlight` iterations started in second 0 and never completed. */
function steady(seconds: number, rate: number, ms: number, extraInFlight = 0): TimelinePoint[] {
  const inFlight = (rate * ms) / 1000;
  return Array.from({ length: seconds }, (_, t) => point(t, rate + (t === 0 ? extraInFlight : 0), t === 0 ? rate - inFlight : rate));
}

describe("Little's law over a timeline", () => {
  it('holds for a steady run: 100/s × 200 ms = 20 in flight', () => {
    const tl = steady(20, 100, 200);
    const r = littlesLawOverSeconds(tl, tl.slice(1), 200)!;
    expect(r.check.expected).toBeCloseTo(20, 6);
    expect(r.check.observed).toBeCloseTo(20, 6);
    expect(r.suspect).toBe(false);
  });

  it('flags iterations missing from the completions (40 stuck in flight: 60 vs 20)', () => {
    const tl = steady(20, 100, 200, 40);
    const r = littlesLawOverSeconds(tl, tl.slice(1), 200)!;
    expect(r.check.observed).toBeCloseTo(60, 6);
    expect(r.suspect).toBe(true);
    expect(r.check.message).toMatch(/does not hold/);
  });

  it('a 15 % gap within sampling noise (5 in flight, 5 samples) is not a warning; over 60 samples it is', () => {
    const short = steady(6, 50, 100, 1); // 6 in flight instead of 5
    const a = littlesLawOverSeconds(short, short.slice(1), 100)!;
    expect(a.check.ok).toBe(false); // 20 % apart…
    expect(a.suspect).toBe(false); // …but 3·√(6/5) + 0.5 ≈ 3.8 iterations of noise
    const long = steady(400, 50, 100, 3); // 8 vs 5 over 399 samples
    const b = littlesLawOverSeconds(long, long.slice(1), 100)!;
    expect(b.suspect).toBe(true);
  });

  it('a late snapshot of an already closed second (same t twice) is merged, not counted as a second', () => {
    const tl = steady(20, 100, 200);
    const withLate = [...tl, { ...point(19, 0, 0), offered: 100 }];
    const r = littlesLawOverSeconds(withLate, withLate.slice(1), 200)!;
    expect(r.seconds).toBe(19);
    expect(r.check.expected).toBeCloseTo(20, 6);
    expect(r.suspect).toBe(false);
  });

  it('no verdict with too little data', () => {
    expect(littlesLawOverSeconds(steady(2, 100, 10), steady(2, 100, 10), 10)).toBeNull();
    const few = steady(10, 2, 10);
    expect(littlesLawOverSeconds(few, few, 10)).toBeNull(); // 20 iterations
  });
});
