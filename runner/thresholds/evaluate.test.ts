import { describe, expect, it } from 'vitest';
import { evaluateThresholds, type MetricSource, type MetricView } from './evaluate.ts';
import { parseThresholds } from './parse.ts';

type Type = MetricView['type'];
interface Sample {
  value: number;
  tags: Record<string, string>;
}

/** An in-memory metric store with exact aggregates (the engine's source is HDR-backed). */
class Samples implements MetricSource {
  private readonly metrics = new Map<string, { type: Type; samples: Sample[] }>();

  add(metric: string, type: Type, value: number, tags: Record<string, string> = {}): this {
    const m = this.metrics.get(metric) ?? { type, samples: [] };
    m.samples.push({ value, tags });
    this.metrics.set(metric, m);
    return this;
  }

  lookup(metric: string, tags: Record<string, string>): MetricView | undefined {
    const m = this.metrics.get(metric);
    if (!m) return undefined;
    const values = m.samples.filter((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v)).map((s) => s.value);
    return {
      type: m.type,
      aggregate(aggregation: string, percentile?: number): number | undefined {
        if (values.length === 0) return undefined;
        const sorted = [...values].sort((a, b) => a - b);
        const sum = values.reduce((a, b) => a + b, 0);
        switch (aggregation) {
          case 'count':
            return m.type === 'counter' ? sum : values.length;
          case 'rate':
            return m.type === 'rate' ? values.filter((v) => v !== 0).length / values.length : undefined;
          case 'value':
            return values[values.length - 1];
          case 'avg':
            return sum / values.length;
          case 'min':
            return sorted[0];
          case 'max':
            return sorted[sorted.length - 1];
          case 'med':
            return sorted[Math.floor((sorted.length - 1) / 2)];
          default:
            return sorted[Math.min(sorted.length - 1, Math.ceil(((percentile ?? 0) / 100) * sorted.length) - 1)];
        }
      },
    };
  }
}

const defs = (raw: Record<string, unknown[]>) => parseThresholds(raw, 'x.ts');

describe('evaluateThresholds', () => {
  it('passes and fails each aggregation, with the observed value', () => {
    const src = new Samples();
    for (let i = 1; i <= 100; i++) src.add('http_req_duration', 'trend', i, { scenario: i <= 50 ? 'browse' : 'sale' });
    src.add('http_reqs', 'counter', 100).add('vus', 'gauge', 7);
    for (let i = 0; i < 100; i++) src.add('http_req_failed', 'rate', i < 2 ? 1 : 0);
    const ev = evaluateThresholds(
      defs({
        http_req_duration: ['p(99)<200', 'p(99)<99', 'avg<=50.5', 'med<50', 'max>=100', 'min>1'],
        'http_req_duration{scenario:browse}': ['max<=50'],
        'http_req_duration{scenario:sale}': ['min>50'],
        http_reqs: ['count==100', 'rate>=10'],
        vus: ['value<5'],
        http_req_failed: ['rate<0.01', 'rate<=0.02'],
      }),
      src,
      10_000,
      true,
    );
    expect(ev.verdicts.map((v) => [v.key, v.source, v.ok, v.observed])).toEqual([
      ['http_req_duration', 'p(99)<200', true, 99],
      ['http_req_duration', 'p(99)<99', false, 99],
      ['http_req_duration', 'avg<=50.5', true, 50.5],
      ['http_req_duration', 'med<50', false, 50],
      ['http_req_duration', 'max>=100', true, 100],
      ['http_req_duration', 'min>1', false, 1],
      ['http_req_duration{scenario:browse}', 'max<=50', true, 50],
      ['http_req_duration{scenario:sale}', 'min>50', true, 51],
      // a counter's rate is per second of the run so far: 100 over 10 s
      ['http_reqs', 'count==100', true, 100],
      ['http_reqs', 'rate>=10', true, 10],
      ['vus', 'value<5', false, 7],
      ['http_req_failed', 'rate<0.01', false, 0.02],
      ['http_req_failed', 'rate<=0.02', true, 0.02],
    ]);
    expect(ev.abortBy).toBeNull();
    expect(ev.verdicts.every((v) => !v.aborted)).toBe(true);
  });

  it('during the run, a metric without samples is skipped (not failed)', () => {
    const src = new Samples().add('http_reqs', 'counter', 3);
    const ev = evaluateThresholds(
      defs({ http_req_duration: ['avg>5'], dropped_iterations: ['count>0'], checks: ['rate>0.99'], 'http_reqs{scenario:none}': ['count>1'] }),
      src,
      2000,
      false,
    );
    expect(ev.verdicts.map((v) => [v.source, v.ok, v.observed])).toEqual([
      ['avg>5', true, null],
      ['count>0', true, null],
      ['rate>0.99', true, null],
      ['count>1', true, null],
    ]);
  });

  it('at the end, k6 compares an empty counter, gauge or trend as 0 and passes an empty rate', () => {
    const ev = evaluateThresholds(
      defs({
        dropped_iterations: ['count<10', 'count>0'],
        http_req_duration: ['p(95)<200', 'avg>5'],
        vus_max: ['value>0'],
        checks: ['rate>0.99'],
        http_req_failed: ['rate<0.01'],
      }),
      new Samples(),
      10_000,
      true,
    );
    expect(ev.verdicts.map((v) => [v.source, v.ok, v.observed])).toEqual([
      ['count<10', true, 0],
      ['count>0', false, 0],
      ['p(95)<200', true, null],
      ['avg>5', false, null],
      ['value>0', false, null],
      ['rate>0.99', true, null],
      ['rate<0.01', true, null],
    ]);
  });

  it('abortOnFail asks to stop only after delayAbortEval, only during the run', () => {
    const src = new Samples();
    for (let i = 0; i < 10; i++) src.add('http_req_latency', 'trend', 900, { scenario: 'sale' });
    const d = defs({
      http_req_duration: ['p(99)<1'], // fails, but does not abort
      'http_req_latency{scenario:sale}': [{ threshold: 'p(99)<500', abortOnFail: true, delayAbortEval: '10s' }],
    });
    const early = evaluateThresholds(d, src, 9_999, false);
    expect(early.verdicts.map((v) => v.ok)).toEqual([true, false]); // no duration samples yet: skipped
    expect(early.abortBy).toBeNull();

    const late = evaluateThresholds(d, src, 10_001, false);
    expect(late.abortBy).toBe(d[1]);
    expect(late.verdicts.map((v) => [v.key, v.ok, v.abortOnFail, v.aborted])).toEqual([
      ['http_req_duration', true, false, false],
      ['http_req_latency{scenario:sale}', false, true, true],
    ]);

    const final = evaluateThresholds(d, src, 12_000, true);
    expect(final.abortBy).toBeNull();
    expect(final.verdicts[1]?.aborted).toBe(false);
    // the end of a run the threshold aborted marks it
    const marked = evaluateThresholds(d, src, 12_000, true, d[1] ?? null);
    expect(marked.verdicts.map((v) => v.aborted)).toEqual([false, true]);
  });

  it('abortOnFail without delayAbortEval aborts at the first failing evaluation; passing never aborts', () => {
    const src = new Samples().add('checks', 'rate', 0).add('checks', 'rate', 1);
    const failing = evaluateThresholds(defs({ checks: [{ threshold: 'rate>0.9', abortOnFail: true }] }), src, 2000, false);
    expect(failing.abortBy?.source).toBe('rate>0.9');
    const passing = evaluateThresholds(defs({ checks: [{ threshold: 'rate>0.4', abortOnFail: true }] }), src, 2000, false);
    expect(passing.abortBy).toBeNull();
  });

  it('the first of several aborting thresholds is the one named', () => {
    const src = new Samples().add('http_reqs', 'counter', 1).add('checks', 'rate', 0);
    const d = defs({ http_reqs: [{ threshold: 'count>100', abortOnFail: true }], checks: [{ threshold: 'rate>0.5', abortOnFail: true }] });
    const ev = evaluateThresholds(d, src, 5000, false);
    expect(ev.abortBy).toBe(d[0]);
    expect(ev.verdicts.map((v) => v.aborted)).toEqual([true, false]);
  });
});
