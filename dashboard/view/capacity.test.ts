// The capacity view model on real capacity documents (the shop's async and sync variants
// searched on this machine with --peak 3000; a VU sweep against a 4-slot test server).
import { describe, expect, it } from 'vitest';
import { capacityAsync, capacityFull, capacitySweep, capacitySync } from '../testing/capacity-fixture.ts';
import { answerView, buildCapacityView, capacityCurve, peakView, probeRows, sloLines, sweepView } from './capacity.ts';
import { formatRate } from './format.ts';

describe('latency against throughput', () => {
  const doc = capacityAsync();
  const curve = capacityCurve(doc)!;

  it('keeps, at each rate, the last probe that measured the target; generator-limited probes are markers only', () => {
    expect(curve.points.map((p) => p.rate)).toEqual([400, 800, 1000, 1100, 1150, 1200, 1600]);
    // 800/s: probes 2 and 3 were generator-limited, probe 4 passed with p99 186.879 ms
    expect(curve.points[1]).toMatchObject({ probe: 4, verdict: 'pass', latencyP99: 186.879, durationP99: 169.343, latencyP50: 1.975 });
    // 1100/s passed in probe 8 (45.3 ms) and failed its confirmation, probe 12 (779.8 ms): the line shows the later run
    expect(curve.points[3]).toMatchObject({ probe: 12, verdict: 'fail', latencyP99: 779.775 });
    expect(curve.points[4]).toMatchObject({ probe: 11, verdict: 'fail', latencyP99: 814.591, latencyP90: 347.903 });
    expect(curve.markers).toHaveLength(12);
    expect(curve.markers.filter((m) => m.verdict === 'generator-limited').map((m) => m.probe)).toEqual([2, 3, 10]);
    expect(curve.markers.find((m) => m.probe === 8)).toEqual({ rate: 1100, probe: 8, verdict: 'pass', latencyP99: 45.343 });
  });

  it('marks the SLO and the answer with the bracket the search ended with', () => {
    expect(curve.slo).toEqual([{ source: 'p(99)<200', stat: 'p99', boundMs: 200 }]);
    expect(curve.knee).toEqual({ mst: 1000, label: 'MST 1,000 it/s', lower: 1000, upper: 1100 });
    // log axis from below the smallest value drawn (a p50 under 1 ms at 400/s) to above the largest (p99 3299 ms at 1600/s)
    const drawn = curve.points.flatMap((p) => [p.latencyP50, p.durationP50, p.latencyP99]).filter((v): v is number => v !== null);
    expect(Math.min(...drawn)).toBeGreaterThan(0.5);
    expect(Math.min(...drawn)).toBeLessThan(1);
    expect(curve.y.domain).toEqual([0.5, 5000]);
    expect(curve.x.domain).toEqual([0, 2000]);
  });

  it('parses latency bounds and lists what it cannot draw', () => {
    expect(sloLines(['p(99)<200', 'p(99.9)<=500', 'avg<100', 'med<50', 'count>10'])).toEqual({
      lines: [
        { source: 'p(99)<200', stat: 'p99', boundMs: 200 },
        { source: 'p(99.9)<=500', stat: 'p99.9', boundMs: 500 },
        { source: 'avg<100', stat: 'avg', boundMs: 100 },
        { source: 'med<50', stat: 'med', boundMs: 50 },
      ],
      notDrawn: ['count>10'],
    });
  });

  it('has no curve for a sweep-only study', () => {
    expect(capacityCurve(capacitySweep())).toBeNull();
  });
});

describe('the probes in order', () => {
  it('shows every probe with both latency definitions, errors, achieved rate, wall time and the reasons', () => {
    const rows = probeRows(capacityAsync());
    expect(rows).toHaveLength(12);
    expect(rows[0]).toMatchObject({ index: 1, phase: 'explore', rate: '400/s', verdictText: 'pass', latencyP50: '0.776 ms', latencyP90: '1.83 ms', latencyP99: '14.5 ms', durationP99: '10.1 ms', errors: '0 %', achieved: '100.0 %', throughput: '400/s', dropped: '0', duration: '11.1 s', reasons: [] });
    expect(rows[2]).toMatchObject({ index: 3, verdict: 'generator-limited', verdictText: 'generator-limited', retryOf: 2, latencyP99: '210 ms' });
    expect(rows[5]).toMatchObject({ index: 6, rate: '1,200/s', verdictText: 'FAIL', latencyP99: '2,943 ms', durationP99: '2,939 ms', achieved: '98.6 %', throughput: '1,183/s', dropped: '194', duration: '11.4 s' });
    expect(rows[5]!.reasons).toContain('194 iteration(s) dropped (no free VU)');
    expect(rows.map((r) => r.verdict).join(' ')).toBe('pass generator-limited generator-limited pass fail fail pass pass pass generator-limited fail fail');
  });
});

describe('the answer', () => {
  it('states a search stopped at the probe budget as a lower bound with its precision not met', () => {
    const a = answerView(capacityAsync())!;
    expect(a).toMatchObject({
      status: 'max-probes',
      ok: false,
      headline: 'MST ≥ 1,000 iterations/s',
      mst: '1,000 iterations/s',
      requests: null, // a document from before requests per iteration were recorded says nothing rather than guess
      bracket: 'passes at 1,000 iterations/s, fails at 1,100 iterations/s',
      precision: '±10.0 % (asked ±5.0 %)',
      precisionMet: false,
      searchTime: '2:36 (156 s)',
    });
  });

  it('states a converged search as the MST with its precision met', () => {
    const a = answerView(capacitySync())!;
    expect(a).toMatchObject({ status: 'converged', ok: true, headline: 'MST ≈ 500 iterations/s', bracket: 'passes at 500 iterations/s, fails at 525 iterations/s', precision: '±5.0 % (asked ±5.0 %)', precisionMet: true, searchTime: '1:58 (118 s)' });
    expect(answerView(capacitySweep())).toBeNull();
  });
});

describe('the peak', () => {
  it('shows instances with the formula and the HPA simulation with the pre-scale recommendation', () => {
    const p = peakView(capacityAsync())!;
    expect(p.instances).toBe('5');
    expect(p.formula).toBe('⌈3000 / (1000 × 0.7)⌉ = 5');
    const h = p.hpa!;
    expect(h.autoscalingSuffices).toBe(false);
    expect(h.preScaleReplicas).toBe(5);
    expect(h.points).toHaveLength(360);
    // t = 100 s: the step to 3000/s came at 60 s, one pod is ready (1000/s), four are asked for, 82 000 requests queue
    expect(h.points[100]).toEqual({ t: 100, offered: 3000, capacity: 1000, ready: 1, replicas: 4, queueingDelayS: 82 });
    expect(Math.max(...h.points.map((x) => x.queueingDelayS ?? 0))).toBe(90);
    expect(h.delayAxis.domain[1]).toBeGreaterThanOrEqual(90);
    expect(h.podAxis.domain[1]).toBeGreaterThanOrEqual(5);
    expect(h.rateAxis.domain[1]).toBeGreaterThanOrEqual(4000);
    expect(h.facts.find((f) => f.label === 'worst queueing delay')!.value).toBe('1:30 (90 s) at t = 104 s');
    // the sync variant's MST is half: nine instances
    expect(peakView(capacitySync())!.instances).toBe('9');
  });
});

describe('the sweep', () => {
  const doc = capacitySweep();
  const s = sweepView(doc)!;
  const u = doc.sweep!.usl!;

  it('draws the fitted USL through the measured points with the runner’s own formula', () => {
    expect(s.measured).toEqual([
      { n: 1, throughput: 46.5 }, { n: 2, throughput: 94 }, { n: 3, throughput: 135 }, { n: 4, throughput: 182.5 }, { n: 6, throughput: 198 }, { n: 8, throughput: 197.5 },
    ]);
    // the curve at N* equals the fit's X(N*) (201.72/s), and nothing on the curve is higher
    const top = Math.max(...s.curve.map((c) => c.fitted));
    expect(top).toBeLessThanOrEqual(u.peakThroughput! + 1e-9);
    expect(top).toBeGreaterThan(u.peakThroughput! - 0.05);
    // N* = 7.21 lies within the measured range: plotted to 8 × 1.1
    expect(s.curve[0]!.n).toBe(1);
    expect(s.curve.at(-1)!.n).toBeCloseTo(8.8, 9);
    expect(s.peakN).toBeCloseTo(7.2138, 3);
  });

  it('tabulates measured, fitted and residual equal to the fit stored in the document', () => {
    expect(s.rows.map((r) => [r.n, r.throughput, r.fitted, r.residual])).toEqual([
      [1, '46.5/s', '52.1/s', '-5.6/s'],
      [2, '94.0/s', '100/s', '-6.2/s'],
      [3, '135/s', '140/s', '-5.0/s'],
      [4, '183/s', '169/s', '13.3/s'],
      [6, '198/s', '198/s', '-0.1/s'],
      [8, '198/s', '201/s', '-3.1/s'],
    ]);
    expect(s.params.map((p) => `${p.id}=${p.value}`)).toEqual(['alpha=0', 'beta=0.01922', 'gamma=52.05/s', 'peak-n=7.214', 'peak-x=201.7/s', 'r2=0.9854']);
  });

  it('says why there is no fit', () => {
    const noFit = { ...doc, sweep: { ...doc.sweep!, points: doc.sweep!.points.slice(0, 4), usl: null, uslError: 'the USL fit needs at least 6 points (n, throughput); got 4.' } };
    const v = sweepView(noFit)!;
    expect(v.error).toMatch(/at least 6 points/);
    expect(v.params).toEqual([]);
    expect(v.curve).toEqual([]);
    expect(v.rows[0]!.fitted).toBe('—');
  });
});

describe('units', () => {
  it('states the MST in iterations/s and the requests/s it causes; a peak given in requests/s says so', () => {
    const doc = capacityFull();
    doc.answer = { ...doc.answer!, requestsPerIteration: 6, mstRequestsPerSecond: 6000 };
    doc.peak = { ...doc.peak!, given: { value: 18_000, unit: 'requests/s' }, requestsPerIteration: 6, peak: 3000 };
    const v = buildCapacityView(doc);
    expect(v.answer!.requests).toBe('6,000 requests/s at 6 requests per iteration');
    expect(v.stats.find((s) => s.id === 'mst-requests')).toMatchObject({ label: 'requests/s at the MST (6 requests per iteration)', value: '6,000 requests/s', raw: 6000 });
    expect(v.peak!.peak).toBe('3,000 iterations/s (given as 18,000 requests/s)');
    expect(v.stats.find((s) => s.id === 'instances')!.label).toBe('instances for 3,000 iterations/s (given as 18,000 requests/s)');
    // every probe row has the requests/s it completed: throughput × requests ÷ iterations
    const p = doc.probes[0]!;
    expect(v.probes[0]!.requests).toBe(p.iterations > 0 ? formatRate((p.throughput * p.requests) / p.iterations) : '—');
  });
});

describe('the whole page', () => {
  it('headlines MST, precision, probes, time, instances, pre-scale and N*', () => {
    const v = buildCapacityView(capacityFull());
    expect(v.stats.map((s) => `${s.id}=${s.value}`)).toEqual(['mst=1,000 iterations/s', 'precision=±10.0 %', 'probes=12', 'search-time=2:36 (156 s)', 'instances=5', 'pre-scale=5', 'usl-peak=7.21']);
    expect(v.stats.find((s) => s.id === 'precision')!.tone).toBe('bad');
    expect(v.facts.find((f) => f.label === 'env PRODUCTS')!.value).toBe('1000');
    expect(v.facts.some((f) => f.label === 'env BASE')).toBe(false);
  });
});

describe('a flat sweep (the shop over 1–4 workers on this machine)', () => {
  it('shows no peak and an R² of 0 as such', () => {
    const doc = capacitySweep();
    const flat = {
      ...doc,
      sweep: {
        ...doc.sweep!,
        kind: 'workers' as const,
        usl: { ...doc.sweep!.usl!, alpha: 1, beta: 0, gamma: 2966.04, peakConcurrency: null, peakThroughput: 2966.04, amdahlCeiling: 2966.04, peakUnbounded: true, r2: 2.220446049250313e-16 },
      },
    };
    const v = sweepView(flat)!;
    expect(v.unit).toBe('worker processes');
    expect(v.params.map((p) => `${p.label}=${p.value}`)).toEqual([
      'α (contention)=1',
      'β (coherency)=0',
      'γ (throughput at n = 1)=2966/s',
      'N* = √((1−α)/β): none, β = 0=∞',
      'ceiling γ/α=2966/s',
      'R²=0.000',
    ]);
    // α = 1, β = 0: X(N) = γ at every N
    for (const c of v.curve) expect(c.fitted).toBeCloseTo(2966.04, 6);
  });
});
