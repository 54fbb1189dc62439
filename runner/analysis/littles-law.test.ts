import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { littlesLawCheck, vusNeeded } from './littles-law.ts';

describe("Little's law check", () => {
  it('L = λW: 2000 req/s × 25 ms = 50 in flight', () => {
    const c = littlesLawCheck({ meanInFlight: 50, throughput: 2000, meanLatencyMs: 25 });
    expect(c.expected).toBeCloseTo(50, 9);
    expect(c.relativeError).toBeCloseTo(0, 9);
    expect(c.ok).toBe(true);
    expect(c.message).toMatch(/^Little's law holds/);
  });

  it('within 10 % is ok; beyond is a warning that the measurement is suspect', () => {
    expect(littlesLawCheck({ meanInFlight: 54, throughput: 2000, meanLatencyMs: 25 }).ok).toBe(true); // 8 %
    const off = littlesLawCheck({ meanInFlight: 40, throughput: 2000, meanLatencyMs: 25 }); // 20 %
    expect(off.ok).toBe(false);
    expect(off.relativeError).toBeCloseTo(0.2, 9);
    expect(off.message).toMatch(/does not hold: .*\(20\.0 % apart, more than 10 %\)\. The measurement is suspect/);
    expect(littlesLawCheck({ meanInFlight: 40, throughput: 2000, meanLatencyMs: 25 }, 0.25).ok).toBe(true);
  });

  it('an idle system agrees with itself; in-flight work with no throughput does not', () => {
    expect(littlesLawCheck({ meanInFlight: 0, throughput: 0, meanLatencyMs: 0 }).ok).toBe(true);
    const stuck = littlesLawCheck({ meanInFlight: 3, throughput: 0, meanLatencyMs: 0 });
    expect(stuck.ok).toBe(false);
    expect(stuck.relativeError).toBe(Infinity);
  });

  it('refuses negative or non-finite inputs, naming them', () => {
    expect(() => littlesLawCheck({ meanInFlight: -1, throughput: 1, meanLatencyMs: 1 })).toThrow(StampedeError);
    expect(() => littlesLawCheck({ meanInFlight: 1, throughput: Number.NaN, meanLatencyMs: 1 })).toThrow(/throughput/);
  });
});

describe('vusNeeded', () => {
  it('⌈rate × mean iteration duration⌉', () => {
    expect(vusNeeded(2000, 250)).toBe(500);
    expect(vusNeeded(100, 55)).toBe(6); // 5.5
    expect(vusNeeded(0, 100)).toBe(0);
    expect(() => vusNeeded(10, -1)).toThrow(/meanIterationDurationMs/);
  });
});
