// The search strategy against synthetic oracles: a target with a known capacity C (passes iff
// rate ≤ C), a generator that cannot offer more than G, and a flaky confirmation.
import { describe, expect, it } from 'vitest';
import { MstSearch, type MstSearchOptions, type MstSearchResult, type ProbeOutcome } from './search.ts';

function runSearch(opts: MstSearchOptions, oracle: (rate: number, probeIndex: number) => ProbeOutcome): MstSearchResult {
  const search = new MstSearch(opts);
  for (let guard = 0; guard < 100; guard++) {
    const probe = search.next();
    if (!probe) return search.result();
    search.record(oracle(probe.rate, search.probes.length));
  }
  throw new Error('the search did not stop');
}

const capacity = (c: number) => (rate: number): ProbeOutcome => (rate <= c ? 'pass' : 'fail');

describe('MstSearch with a target of known capacity', () => {
  for (const c of [150, 420, 999, 1234, 2500, 3199]) {
    it(`C = ${c}: within 5 % in ≤ 12 probes (start 100), confirmed`, () => {
      const r = runSearch({ startRate: 100 }, capacity(c));
      expect(r.status).toBe('converged');
      expect(r.mst).not.toBeNull();
      expect(r.mst!).toBeLessThanOrEqual(c); // never above the truth: it is a rate that passed
      expect((c - r.mst!) / c).toBeLessThan(0.05);
      expect(r.upperBound!).toBeGreaterThan(c);
      expect(r.precision!).toBeLessThanOrEqual(0.05);
      expect(r.probes.length).toBeLessThanOrEqual(12);
      expect(r.probes.at(-1)).toMatchObject({ phase: 'confirm', rate: r.mst, outcome: 'pass' });
      expect(r.message).toMatch(/^MST ≈ /);
    });
  }

  it('follows exponential → bisection → confirmation (C = 1234)', () => {
    const r = runSearch({ startRate: 100 }, capacity(1234));
    expect(r.probes.map((p) => [p.rate, p.phase])).toEqual([
      [100, 'explore'],
      [200, 'explore'],
      [400, 'explore'],
      [800, 'explore'],
      [1600, 'explore'],
      [1200, 'bisect'],
      [1400, 'bisect'],
      [1300, 'bisect'],
      [1250, 'bisect'], // 1250 − 1200 = 50 ≤ 5 % of 1200 → stop
      [1200, 'confirm'],
    ]);
    expect(r.mst).toBe(1200);
  });

  it('explores downwards when the start rate already fails', () => {
    const r = runSearch({ startRate: 1000 }, capacity(90));
    expect(r.status).toBe('converged');
    expect(r.probes.slice(0, 5).map((p) => p.rate)).toEqual([1000, 500, 250, 125, 62.5]);
    expect((90 - r.mst!) / 90).toBeLessThan(0.05);
  });

  it('a failed confirmation resumes bisection below the answer', () => {
    let confirmations = 0;
    const r = runSearch({ startRate: 100, maxProbes: 20 }, (rate) => {
      const last = rate === 1200 && ++confirmations === 2; // 1200 passes once, then fails its confirmation
      return last ? 'fail' : capacity(1234)(rate);
    });
    expect(r.status).toBe('converged');
    expect(r.mst!).toBeLessThan(1200);
    expect(r.upperBound).toBe(1200);
    expect(r.probes.filter((p) => p.phase === 'confirm').map((p) => p.outcome)).toEqual(['fail', 'pass']);
  });

  it('stops at maxProbes and says how far it got', () => {
    const r = runSearch({ startRate: 1, maxProbes: 6 }, capacity(5000));
    expect(r.status).toBe('max-probes');
    expect(r.probes).toHaveLength(6);
    expect(r.mst).toBe(32);
    expect(r.message).toMatch(/without converging/);
  });

  it('maxRate and minRate end the search plainly', () => {
    const high = runSearch({ startRate: 100, maxRate: 500 }, capacity(10_000));
    expect(high.status).toBe('max-rate');
    expect(high.mst).toBe(500);
    const low = runSearch({ startRate: 8, minRate: 1 }, capacity(0.5));
    expect(low.status).toBe('below-min-rate');
    expect(low.mst).toBeNull();
  });
});

let r1200 = 0;
describe('MstSearch with a starved generator', () => {
  it('reports generator-limited, never the target limit, and never probes lower after it', () => {
    const G = 700;
    const r = runSearch({ startRate: 100 }, (rate) => (rate > G ? 'generator-limited' : capacity(5000)(rate)));
    expect(r.status).toBe('generator-limited');
    expect(r.upperBound).toBeNull(); // no target failure was seen
    expect(r.generatorLimit).toBe(800);
    // the generator-limited probe is the last one: the search did not go down from it
    expect(r.probes.map((p) => [p.rate, p.outcome])).toEqual([
      [100, 'pass'],
      [200, 'pass'],
      [400, 'pass'],
      [800, 'generator-limited'],
    ]);
    expect(r.mst).toBe(400);
    expect(r.message).toMatch(/could not drive 800 iterations\/s.*MST ≥ 400 iterations\/s — not the target's limit/);
  });

  it('a generator-limited run at a rate that passed keeps the pass', () => {
    // C = 1234 from 100: …, 1200 passes in bisection, then its confirmation is generator-limited
    const r = runSearch({ startRate: 100 }, (rate) => (rate === 1200 && r1200++ > 0 ? 'generator-limited' : capacity(1234)(rate)));
    expect(r.probes.at(-1)).toMatchObject({ rate: 1200, phase: 'confirm', outcome: 'generator-limited' });
    expect(r).toMatchObject({ status: 'generator-limited', mst: 1200, lowerBound: 1200, upperBound: 1250, generatorLimit: 1200 });
    expect(r.message).toMatch(/could not drive 1200 iterations\/s; the target passed at 1200 iterations\/s and failed at 1250 iterations\/s: MST ≥ 1200 iterations\/s/);
  });

  it('a generator-limited first probe ends the search without a number and without a placeholder', () => {
    const r = runSearch({ startRate: 300 }, () => 'generator-limited');
    expect(r.probes).toHaveLength(1);
    expect(r.status).toBe('generator-limited');
    expect(r.mst).toBeNull();
    expect(r.message).toMatch(/could not drive 300 iterations\/s; no rate passed before it/);
    expect(r.message).not.toMatch(/\?/);
  });

  it('no message carries a placeholder', () => {
    const cases: Array<[MstSearchOptions, (rate: number) => ProbeOutcome]> = [
      [{ startRate: 100, maxProbes: 2 }, () => 'fail'],
      [{ startRate: 100, maxProbes: 2 }, capacity(10_000)],
      [{ startRate: 8, minRate: 1 }, () => 'fail'],
      [{ startRate: 100, maxProbes: 1 }, () => 'generator-limited'],
      [{ startRate: 100 }, capacity(420)],
    ];
    for (const [o, oracle] of cases) {
      const m = runSearch(o, oracle).message;
      expect(m).not.toMatch(/\?|undefined|null|NaN/);
      expect(m).toMatch(/iterations\/s|No rate passed/);
    }
  });

  it('a real failure below the generator limit is still the target limit', () => {
    const r = runSearch({ startRate: 100 }, (rate) => (rate > 3000 ? 'generator-limited' : capacity(1234)(rate)));
    expect(r.status).toBe('converged');
    expect((1234 - r.mst!) / 1234).toBeLessThan(0.05);
  });
});
