import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { instancesNeeded, uslInstancesVerdict } from './instances.ts';
import { fitUsl, uslThroughput, type UslParams } from './usl.ts';

const fitOf = (p: UslParams) => fitUsl([1, 2, 3, 4, 6, 8, 12, 16].map((n) => ({ n, x: uslThroughput(p, n) })));

describe('instancesNeeded', () => {
  it('⌈peak / (mst × headroom)⌉ with headroom 0.7 by default', () => {
    expect(instancesNeeded(1000, 100)).toBe(15); // 1000 / 70 = 14.29
    expect(instancesNeeded(700, 100)).toBe(10); // exactly 10, not 11 from rounding error
    expect(instancesNeeded(1000, 100, 0.8)).toBe(13); // 12.5
    expect(instancesNeeded(1000, 100, 1)).toBe(10);
    expect(instancesNeeded(0, 100)).toBe(0);
  });
  it('refuses nonsense', () => {
    expect(() => instancesNeeded(100, 0)).toThrow(StampedeError);
    expect(() => instancesNeeded(100, 50, 1.5)).toThrow(/headroom .* \(0, 1\]/);
    expect(() => instancesNeeded(Number.NaN, 50)).toThrow(/peak/);
  });
});

describe('uslInstancesVerdict', () => {
  // Instances sharing one database: γ = 400 req/s each, α = 0.05, β = 0.002 → N* ≈ 21.8, X(N*) ≈ 2 960 req/s.
  const p = { alpha: 0.05, beta: 0.002, gamma: 400 };
  const fit = fitOf(p);

  it('a peak under the ceiling: the smallest n with X(n) × headroom ≥ peak', () => {
    const v = uslInstancesVerdict(fit, 1500);
    expect(v.canCarry).toBe(true);
    // 1500 / 0.7 = 2143; X(7) ≈ 2083, X(8) ≈ 2247 (by hand from the USL formula)
    expect(uslThroughput(p, 7)).toBeLessThan(1500 / 0.7);
    expect(uslThroughput(p, 8)).toBeGreaterThan(1500 / 0.7);
    expect(v.instances).toBe(8);
    expect(v.message).toMatch(/^8 instances carry 1500 req\/s at 70 %/);
  });

  it('a peak above X(N*): the shared resource is the limit, said plainly', () => {
    const v = uslInstancesVerdict(fit, 5000);
    expect(v.canCarry).toBe(false);
    expect(v.instances).toBeNull();
    expect(v.ceiling).toBeCloseTo(uslThroughput(p, Math.sqrt(0.95 / 0.002)), 3);
    expect(v.atInstances).toBe(22);
    expect(v.message).toMatch(/shared resource is the limit; no number of instances carries 5000 req\/s/);
    expect(v.message).toMatch(/adding more makes throughput fall/);
  });

  it('a peak under the ceiling but not with headroom: no count reaches it', () => {
    const v = uslInstancesVerdict(fit, 2500); // 2500 / 0.7 = 3571 > 2960
    expect(v.canCarry).toBe(false);
    expect(v.message).toMatch(/below the fitted ceiling .* but not with 70 % headroom/);
  });

  it('Amdahl (β = 0): the ceiling is γ/α, the unit name is used', () => {
    const amdahl = fitOf({ alpha: 0.1, beta: 0, gamma: 100 });
    if (amdahl.beta === 0) {
      const over = uslInstancesVerdict(amdahl, 2000, 0.7, 'workers');
      expect(over.canCarry).toBe(false);
      expect(over.message).toMatch(/no number of workers carries 2000/);
      expect(over.message).toMatch(/contention α caps it/);
    }
    const under = uslInstancesVerdict(amdahl, 300, 0.7, 'workers');
    expect(under.canCarry).toBe(true);
    // 300 / 0.7 = 428.6; X(n) = 100n / (1 + 0.1(n − 1)): X(7) = 437.5, X(6) = 400
    expect(under.instances).toBe(7);
  });
});
