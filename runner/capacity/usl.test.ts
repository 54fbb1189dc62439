import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { fitUsl, uslPeak, uslThroughput, type UslParams, type UslPoint } from './usl.ts';

/** Deterministic PRNG (mulberry32) so the noisy cases are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const relErr = (got: number, want: number) => Math.abs(got - want) / Math.abs(want);

function synthetic(p: UslParams, ns: number[], noise = 0, seed = 1): UslPoint[] {
  const rnd = mulberry32(seed);
  return ns.map((n) => ({ n, x: uslThroughput(p, n) * (1 + noise * (2 * rnd() - 1)) }));
}

function ssr(p: UslParams, points: UslPoint[]): number {
  return points.reduce((s, pt) => s + (pt.x - uslThroughput(p, pt.n)) ** 2, 0);
}

const DOUBLING = [1, 2, 4, 8, 16, 32, 64];

describe('fitUsl on noise-free points', () => {
  const cases: UslParams[] = [
    { alpha: 0.05, beta: 0.001, gamma: 100 }, // the acceptance check's curve
    { alpha: 0.02, beta: 0.0001, gamma: 1000 }, // peak (N* ≈ 99) beyond the data
    { alpha: 0.3, beta: 0.01, gamma: 5 }, // strongly retrograde
    { alpha: 0, beta: 0.0005, gamma: 2000 }, // α on its lower bound
    { alpha: 0.001, beta: 0.00002, gamma: 955 }, // nearly linear
  ];
  for (const p of cases) {
    it(`recovers α=${p.alpha}, β=${p.beta}, γ=${p.gamma} within 1e-3 relative`, () => {
      const fit = fitUsl(synthetic(p, DOUBLING));
      expect(relErr(fit.gamma, p.gamma)).toBeLessThan(1e-3);
      // α = 0 has no relative scale: absolute instead.
      if (p.alpha === 0) expect(fit.alpha).toBeLessThan(1e-6);
      else expect(relErr(fit.alpha, p.alpha)).toBeLessThan(1e-3);
      expect(relErr(fit.beta, p.beta)).toBeLessThan(1e-3);
      expect(fit.r2).toBeGreaterThan(0.999999);
      const truePeak = Math.sqrt((1 - p.alpha) / p.beta);
      expect(relErr(fit.peakConcurrency, truePeak)).toBeLessThan(1e-3);
      expect(relErr(fit.peakThroughput, uslThroughput(p, truePeak))).toBeLessThan(1e-3);
      for (const r of fit.residuals) expect(Math.abs(r.residual)).toBeLessThan(1e-6 * r.measured);
    });
  }

  it('gives the numbers the acceptance check expects: N* ≈ 30.822, X(N*) ≈ 903.80, γ/α = 2000', () => {
    const fit = fitUsl(synthetic({ alpha: 0.05, beta: 0.001, gamma: 100 }, DOUBLING));
    expect(fit.peakConcurrency).toBeCloseTo(30.8221, 3);
    expect(fit.peakThroughput).toBeCloseTo(903.798, 2);
    expect(fit.amdahlCeiling).toBeCloseTo(2000, 3);
    expect(fit.notes).toEqual([]);
  });

  it('β = 0 (Amdahl): N* is Infinity, the peak throughput is the ceiling γ/α, and a note says so', () => {
    const fit = fitUsl(synthetic({ alpha: 0.1, beta: 0, gamma: 50 }, DOUBLING));
    expect(fit.beta).toBeLessThan(1e-9);
    expect(relErr(fit.alpha, 0.1)).toBeLessThan(1e-3);
    if (fit.beta === 0) {
      expect(fit.peakConcurrency).toBe(Infinity);
      expect(fit.peakThroughput).toBeCloseTo(500, 3);
      expect(fit.notes.join(' ')).toMatch(/N\* = ∞/);
    }
  });

  it('uslPeak: β = 0 → Infinity; α = 1 → one unit is the peak', () => {
    expect(uslPeak({ alpha: 0.2, beta: 0, gamma: 10 })).toEqual({ peakConcurrency: Infinity, peakThroughput: 50 });
    expect(uslPeak({ alpha: 0, beta: 0, gamma: 10 })).toEqual({ peakConcurrency: Infinity, peakThroughput: Infinity });
    expect(uslPeak({ alpha: 1, beta: 0.01, gamma: 10 }).peakConcurrency).toBe(1);
  });

  it('accepts repeated measurements at the same n', () => {
    const p = { alpha: 0.05, beta: 0.001, gamma: 100 };
    const fit = fitUsl([...synthetic(p, [1, 4, 16, 64]), ...synthetic(p, [1, 4, 16, 64])]);
    expect(relErr(fit.beta, p.beta)).toBeLessThan(1e-3);
  });
});

describe('fitUsl on a published data set', () => {
  // The Cisco benchmark from Baron Schwartz, "Practical Scalability Analysis with the USL",
  // as used by codahale/usl4j's ModelTest, which checks its fit against the book's
  // coefficients (σ = α, κ = β, λ = γ) to within 0.02 %.
  const CISCO = [
    955.16, 1878.91, 2688.01, 3548.68, 4315.54, 5130.43, 5931.37, 6531.08, 7219.8, 7867.61, 8278.71, 8646.7, 9047.84, 9426.55, 9645.37, 9897.24,
    10097.6, 10240.5, 10532.39, 10798.52, 11151.43, 11518.63, 11806, 12089.37, 12075.41, 12177.29, 12211.41, 12158.93, 12155.27, 12118.04, 12140.4, 12074.39,
  ];

  it('matches the book: α = 0.02671591, β = 7.690945e-4, γ = 995.6486 within 0.02 %', () => {
    const fit = fitUsl(CISCO.map((x, i) => ({ n: i + 1, x })));
    expect(relErr(fit.alpha, 0.02671591)).toBeLessThan(2e-4);
    expect(relErr(fit.beta, 7.690945e-4)).toBeLessThan(2e-4);
    expect(relErr(fit.gamma, 995.6486)).toBeLessThan(2e-4);
    // the book's N_max = 35 is ⌊N*⌋ and X_max = X(35) ≈ 12341; unfloored N* ≈ 35.57
    expect(Math.floor(fit.peakConcurrency)).toBe(35);
    expect(relErr(uslThroughput(fit, 35), 12341)).toBeLessThan(2e-4);
  });
});

describe('fitUsl on noisy points (±2 % multiplicative, fixed seeds)', () => {
  const NS = [1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128];
  const p = { alpha: 0.05, beta: 0.001, gamma: 100 };
  const truePeak = Math.sqrt((1 - p.alpha) / p.beta);

  for (const seed of [1, 2, 3, 5, 42]) {
    it(`seed ${seed}: α, β, γ, N* and X(N*) within 5 %`, () => {
      const points = synthetic(p, NS, 0.02, seed);
      const fit = fitUsl(points);
      expect(relErr(fit.alpha, p.alpha)).toBeLessThan(0.05);
      expect(relErr(fit.beta, p.beta)).toBeLessThan(0.05);
      expect(relErr(fit.gamma, p.gamma)).toBeLessThan(0.05);
      expect(relErr(fit.peakConcurrency, truePeak)).toBeLessThan(0.05);
      expect(relErr(fit.peakThroughput, uslThroughput(p, truePeak))).toBeLessThan(0.05);
      // It is the least-squares optimum: no worse than the true parameters on the same data.
      expect(ssr(fit, points)).toBeLessThanOrEqual(ssr(p, points) * (1 + 1e-9));
      expect(fit.r2).toBeGreaterThan(0.99);
    });
  }

  it('standard errors are honest: every estimate within 3 standard errors of the truth', () => {
    for (const seed of [1, 2, 3, 4, 5, 42]) {
      const fit = fitUsl(synthetic(p, NS, 0.02, seed));
      const se = fit.standardErrors;
      expect(se).not.toBeNull();
      expect(Math.abs(fit.alpha - p.alpha)).toBeLessThan(3 * se!.alpha);
      expect(Math.abs(fit.beta - p.beta)).toBeLessThan(3 * se!.beta);
      expect(Math.abs(fit.gamma - p.gamma)).toBeLessThan(3 * se!.gamma);
    }
  });

  it('a small α is harder to pin down than γ or the peak (documented, not hidden)', () => {
    // α = 0.02 with seed 42: α is ~10 % off while γ, N* and X(N*) stay within 5 %.
    const q = { alpha: 0.02, beta: 0.0001, gamma: 1000 };
    const fit = fitUsl(synthetic(q, NS, 0.02, 42));
    const peak = Math.sqrt((1 - q.alpha) / q.beta);
    expect(relErr(fit.gamma, q.gamma)).toBeLessThan(0.05);
    expect(relErr(fit.peakConcurrency, peak)).toBeLessThan(0.05);
    expect(relErr(fit.peakThroughput, uslThroughput(q, peak))).toBeLessThan(0.05);
  });
});

describe('fitUsl refuses what it cannot fit', () => {
  const good = synthetic({ alpha: 0.05, beta: 0.001, gamma: 100 }, DOUBLING);

  function refusal(points: UslPoint[]): StampedeError {
    try {
      fitUsl(points);
    } catch (e) {
      expect(e).toBeInstanceOf(StampedeError);
      return e as StampedeError;
    }
    throw new Error('expected a StampedeError');
  }

  it('fewer than 6 points: exit 2, the message says 6', () => {
    const e = refusal(good.slice(0, 4));
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/at least 6 points/);
    expect(e.message).toMatch(/got 4/);
  });

  it('non-positive or non-finite n or throughput name the point', () => {
    expect(refusal([...good.slice(0, 6), { n: 0, x: 5 }]).message).toMatch(/point 7: n must be a finite number > 0, got 0/);
    expect(refusal([...good.slice(0, 6), { n: 3, x: -1 }]).message).toMatch(/point 7 \(n = 3\): throughput must be .* > 0, got -1/);
    expect(refusal([...good.slice(0, 6), { n: Number.NaN, x: 1 }]).message).toMatch(/n must be a finite number/);
    expect(refusal([...good.slice(0, 6), { n: 2, x: Infinity }]).message).toMatch(/throughput must be a finite number/);
  });

  it('only one or two distinct n: says 3 distinct values are needed', () => {
    const same = Array.from({ length: 8 }, (_, i) => ({ n: 4, x: 100 + i }));
    expect(refusal(same).message).toMatch(/at least 3 distinct values of n .*; got 1 \(4\)/);
    const two = [...same, { n: 8, x: 300 }];
    expect(refusal(two).message).toMatch(/got 2/);
  });
});
