// The diff's statistics on synthetic runs whose truth is known: per-second histograms drawn from
// one latency distribution (log-normal, autocorrelated seconds), or from it plus 20 ms.
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUN_NOISE, diffSeconds, NO_RUN_NOISE, runNoiseOf } from './diff.ts';
import { evaluateGate, parseFailOn } from './gate.ts';
import { syntheticSeconds } from './synthetic.ts';
import { tQuantile } from './quantiles.ts';
import { automaticBlockLength } from './bootstrap.ts';
import { seededRng } from './rng.ts';

const base = { seconds: 30, ratePerSecond: 100, medianMs: 2, sigma: 0.5, failureRate: 0.01, levelSd: 0.03, phi: 0.3 };

describe('stampede diff statistics', () => {
  it('two runs from the same distribution: "no evidence of change" on every row in ≥ 19 of 20 repeats', () => {
    let clean = 0;
    for (let i = 0; i < 20; i++) {
      const d = diffSeconds(syntheticSeconds({ ...base, seed: 100 + i }), syntheticSeconds({ ...base, seed: 200 + i }), { seed: i, reps: 1000 });
      expect(d.rows).toHaveLength(8);
      if (d.rows.every((r) => r.verdict === 'no evidence of change')) clean++;
    }
    expect(clean).toBeGreaterThanOrEqual(19);
  });

  it('20 ms added to every response: every latency row "slower", in 20 of 20 repeats', () => {
    let slower = 0;
    for (let i = 0; i < 20; i++) {
      const d = diffSeconds(syntheticSeconds({ ...base, seed: 300 + i }), syntheticSeconds({ ...base, addMs: 20, seed: 400 + i }), { seed: i, reps: 1000 });
      const latency = d.rows.filter((r) => r.metric === 'http_req_latency' || r.metric === 'http_req_duration');
      expect(latency).toHaveLength(6);
      if (latency.every((r) => r.verdict === 'slower' && (r.ci?.lo ?? 0) > 0)) slower++;
      // the rate did not change: the same number of requests each second
      expect(d.rows.find((r) => r.metric === 'http_reqs')?.verdict).toBe('no evidence of change');
    }
    expect(slower).toBe(20);
  });

  it('the interval holds the true change: median 2 ms → 3 ms is +50 %', () => {
    const d = diffSeconds(syntheticSeconds({ ...base, seed: 1 }), syntheticSeconds({ ...base, medianMs: 3, seed: 2 }), { reps: 1000 });
    const p50 = d.rows.find((r) => r.metric === 'http_req_duration' && r.stat === 'p(50)');
    expect(p50?.ci?.lo).toBeLessThan(0.5);
    expect(p50?.ci?.hi).toBeGreaterThan(0.5);
    expect(p50?.verdict).toBe('slower');
  });

  it('is reproducible with a seed, and per request name', () => {
    const a = [...syntheticSeconds({ ...base, seed: 5 }, 'GET /a'), ...syntheticSeconds({ ...base, seed: 6 }, 'GET /b')];
    const b = [...syntheticSeconds({ ...base, seed: 7 }, 'GET /a'), ...syntheticSeconds({ ...base, addMs: 20, seed: 8 }, 'GET /b')];
    const one = diffSeconds(a, b, { seed: 42, reps: 500 });
    expect(diffSeconds(a, b, { seed: 42, reps: 500 })).toEqual(one);
    expect(new Set(one.rows.map((r) => r.name))).toEqual(new Set(['(all requests)', 'GET /a', 'GET /b']));
    expect(one.rows.find((r) => r.name === 'GET /a' && r.stat === 'p(99)' && r.metric === 'http_req_latency')?.verdict).toBe('no evidence of change');
    expect(one.rows.find((r) => r.name === 'GET /b' && r.stat === 'p(99)' && r.metric === 'http_req_latency')?.verdict).toBe('slower');
  });

  it('run noise: a whole-run shift smaller than runs of one build differ by is no evidence of change; without it, a precise pair calls it', () => {
    // precise runs (1,000 req/s, narrow latency, no second-to-second drift): their sampling error
    // is tiny, so a 3 % shift of the whole second run is "slower" every time on sampling alone —
    // the verdict real runs of one build would get from their run-level differences
    const precise = { seconds: 30, ratePerSecond: 1000, medianMs: 2, sigma: 0.2, failureRate: 0.01, levelSd: 0.002, phi: 0 };
    let calledWithout = 0;
    let calledWith = 0;
    for (let i = 0; i < 10; i++) {
      const a = syntheticSeconds({ ...precise, seed: 500 + i });
      const b = syntheticSeconds({ ...precise, medianMs: 2 * 1.03, seed: 600 + i });
      const p50 = (noise: typeof NO_RUN_NOISE) => diffSeconds(a, b, { seed: i, reps: 500, runNoise: noise }).rows.find((r) => r.metric === 'http_req_duration' && r.stat === 'p(50)');
      if (p50(NO_RUN_NOISE)?.verdict === 'slower') calledWithout++;
      if (p50(DEFAULT_RUN_NOISE)?.verdict === 'slower') calledWith++;
    }
    expect(calledWithout).toBe(10);
    expect(calledWith).toBe(0);
    // and a real regression still stands out: +50 % at the median
    const a = syntheticSeconds({ ...precise, seed: 1 });
    const b = syntheticSeconds({ ...precise, medianMs: 3, seed: 2 });
    expect(diffSeconds(a, b, { reps: 500 }).rows.find((r) => r.metric === 'http_req_duration' && r.stat === 'p(50)')?.verdict).toBe('slower');
  });

  it('run noise per statistic: percentiles between the given ones interpolated, the failed share none', () => {
    const n = { latency: { p50: 0.01, p90: 0.05, p99: 0.14 }, rate: 0.02 };
    expect(runNoiseOf(n, { metric: 'http_req_latency', stat: 'p(50)' })).toBe(0.01);
    expect(runNoiseOf(n, { metric: 'http_req_duration', stat: 'p(70)' })).toBeCloseTo(0.03, 10);
    expect(runNoiseOf(n, { metric: 'http_req_latency', stat: 'p(95)' })).toBeCloseTo(0.1, 10);
    expect(runNoiseOf(n, { metric: 'http_req_latency', stat: 'p(99.9)' })).toBe(0.14);
    expect(runNoiseOf(n, { metric: 'http_req_latency', stat: 'p(10)' })).toBe(0.01);
    expect(runNoiseOf(n, { metric: 'http_reqs', stat: 'rate' })).toBe(0.02);
    expect(runNoiseOf(n, { metric: 'http_req_failed', stat: 'rate' })).toBe(0);
  });

  it('too few seconds: no interval, "insufficient data"', () => {
    const d = diffSeconds(syntheticSeconds({ ...base, seconds: 3, seed: 1 }), syntheticSeconds({ ...base, seconds: 3, seed: 2 }));
    expect(d.rows.every((r) => r.verdict === 'insufficient data' && r.ci === null)).toBe(true);
  });

  it('--fail-on: a regression beyond the tolerance fails only when significant', () => {
    const rules = parseFailOn('p(99)+10%,rate-5%,http_req_duration.p(50)+5ms,errors+1%');
    expect(rules.map((r) => [r.metric, r.stat, r.direction, r.tolerance, r.unit])).toEqual([
      ['http_req_latency', 'p(99)', '+', 10, '%'],
      ['http_reqs', 'rate', '-', 5, '%'],
      ['http_req_duration', 'p(50)', '+', 5, 'ms'],
      ['http_req_failed', 'rate', '+', 1, 'pp'],
    ]);
    const same = diffSeconds(syntheticSeconds({ ...base, seed: 11 }), syntheticSeconds({ ...base, seed: 12 }), { reps: 1000, percentiles: [50, 99] });
    expect(evaluateGate(same, rules).map((g) => g.failed)).toEqual([false, false, false, false]);
    const slow = diffSeconds(syntheticSeconds({ ...base, seed: 13 }), syntheticSeconds({ ...base, addMs: 20, seed: 14 }), { reps: 1000, percentiles: [50, 99] });
    expect(evaluateGate(slow, rules).map((g) => g.failed)).toEqual([true, false, true, false]);
    // +20 ms on a ~2 ms median is far beyond +5 ms, but not beyond +500 ms
    expect(evaluateGate(slow, parseFailOn('http_req_duration.p(50)+500ms'))[0]?.failed).toBe(false);
    for (const bad of ['p(99)', 'p(99)+10', 'rate+5ms', 'p(150)+1%', 'http_req_duration.rate-5%', '']) expect(() => parseFailOn(bad)).toThrow(/--fail-on/);
  });

  it('t quantiles and the automatic block length behave', () => {
    expect(tQuantile(0.975, 1)).toBeCloseTo(12.706, 2);
    expect(tQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(tQuantile(0.025, 30)).toBeCloseTo(-2.042, 3);
    const rng = seededRng(3);
    const white = Float64Array.from({ length: 200 }, () => rng());
    let x = 0;
    const ar = Float64Array.from({ length: 200 }, () => (x = 0.9 * x + rng() - 0.5));
    expect(automaticBlockLength(white)).toBe(Math.ceil(Math.cbrt(200)));
    expect(automaticBlockLength(ar)).toBeGreaterThan(automaticBlockLength(white));
  });
});
