// The change-point detector on synthetic histories whose truth is known: shifts inserted at known
// runs with known sizes in Gaussian noise must be found; histories without a shift must raise
// no alarm.
import { describe, expect, it } from 'vitest';
import { eDivisive } from './e-divisive.ts';
import { seededRng } from './rng.ts';

function gaussian(rng: () => number): number {
  return Math.sqrt(-2 * Math.log(Math.max(rng(), 1e-12))) * Math.cos(2 * Math.PI * rng());
}

function history(length: number, shifts: Array<{ at: number; size: number }>, seed: number, sd = 1, level = 50): number[] {
  const rng = seededRng(seed);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const shift = shifts.filter((s) => i >= s.at).reduce((a, s) => a + s.size, 0);
    out.push(level + shift * sd + sd * gaussian(rng));
  }
  return out;
}

describe('E-Divisive with means', () => {
  it('finds each shift of ≥ 3 noise SDs within 3 runs of where it was inserted', () => {
    let shiftsFound = 0;
    let shiftsInserted = 0;
    let spurious = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const shifts = [
        { at: 12, size: 3 },
        { at: 26, size: -4 },
      ];
      const found = eDivisive(history(40, shifts, seed), { seed });
      shiftsInserted += shifts.length;
      for (const s of shifts) if (found.some((c) => Math.abs(c.index - s.at) <= 3)) shiftsFound++;
      spurious += found.filter((c) => !shifts.some((s) => Math.abs(c.index - s.at) <= 3)).length;
      for (const c of found) expect(c.pValue).toBeLessThanOrEqual(0.005);
    }
    expect(shiftsFound).toBe(shiftsInserted);
    expect(spurious).toBe(0);
  });

  it('reports the levels on either side of a change', () => {
    const [c] = eDivisive(history(30, [{ at: 15, size: 5 }], 7, 2, 100), { seed: 3 });
    expect(c?.index).toBe(15);
    expect(c?.before).toBeGreaterThan(97);
    expect(c?.before).toBeLessThan(103);
    expect(c?.after).toBeGreaterThan(107);
    expect(c?.after).toBeLessThan(113);
  });

  it('raises no alarm on 20 shift-free histories', () => {
    let alarms = 0;
    for (let seed = 100; seed < 120; seed++) alarms += eDivisive(history(40, [], seed), { seed }).length;
    expect(alarms).toBe(0);
  });

  it('is reproducible: the same history and seed give the same answer', () => {
    const h = history(40, [{ at: 20, size: 3 }], 5);
    expect(eDivisive(h, { seed: 9 })).toEqual(eDivisive(h, { seed: 9 }));
  });
});
