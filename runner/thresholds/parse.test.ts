import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { collectThresholds, parseMetricKey, parseThresholdExpression, parseThresholds } from './parse.ts';

describe('parseThresholdExpression (k6 thresholds_parser.go)', () => {
  it.each([
    ['p(99)<200', { aggregation: 'p(99)', percentile: 99, operator: '<', value: 200 }],
    ['p(99.9) < 1000', { aggregation: 'p(99.9)', percentile: 99.9, operator: '<', value: 1000 }],
    ['p(0)>=0', { aggregation: 'p(0)', percentile: 0, operator: '>=', value: 0 }],
    ['p(100)<=5', { aggregation: 'p(100)', percentile: 100, operator: '<=', value: 5 }],
    ['avg<100', { aggregation: 'avg', operator: '<', value: 100 }],
    ['rate<0.01', { aggregation: 'rate', operator: '<', value: 0.01 }],
    ['count>10', { aggregation: 'count', operator: '>', value: 10 }],
    ['med<=5', { aggregation: 'med', operator: '<=', value: 5 }],
    ['max<1000', { aggregation: 'max', operator: '<', value: 1000 }],
    ['min>=1', { aggregation: 'min', operator: '>=', value: 1 }],
    ['value<5', { aggregation: 'value', operator: '<', value: 5 }],
    ['  count  ==  3  ', { aggregation: 'count', operator: '==', value: 3 }],
    ['count===3', { aggregation: 'count', operator: '===', value: 3 }],
    ['count!=0', { aggregation: 'count', operator: '!=', value: 0 }],
    ['rate>-1', { aggregation: 'rate', operator: '>', value: -1 }],
    ['max<1e3', { aggregation: 'max', operator: '<', value: 1000 }],
  ])('%j', (source, expected) => {
    expect(parseThresholdExpression(source)).toEqual(expected);
  });

  it.each([
    ['p99<200', 'expected an aggregation (avg, min, med, max, p(N), count, rate or value) before "<", got "p99" in "p99<200"'],
    ['p(101)<200', 'expected a percentile p(N) with N between 0 and 100, got "p(101)" in "p(101)<200"'],
    ['p(-1)<200', 'expected a percentile p(N) with N between 0 and 100'],
    ['p()<200', 'expected a percentile p(N)'],
    ['avg 100', 'expected an expression "<aggregation> <operator> <number>" such as "p(95)<200" or "rate<0.01", got "avg 100" (no operator)'],
    ['avg<', 'expected a number after "<", got "" in "avg<"'],
    ['avg<fast', 'expected a number after "<", got "fast" in "avg<fast"'],
    ['mean<5', 'got "mean"'],
    ['<5', 'got ""'],
    ['avg=>5', 'got "avg="'],
  ])('rejects %j', (source, message) => {
    expect(() => parseThresholdExpression(source)).toThrow(message);
  });
});

describe('parseMetricKey: tag filters', () => {
  it('plain metric', () => {
    expect(parseMetricKey('http_req_duration')).toEqual({ metric: 'http_req_duration', tags: {} });
  });

  it('one tag', () => {
    expect(parseMetricKey('http_req_latency{scenario:sale}')).toEqual({ metric: 'http_req_latency', tags: { scenario: 'sale' } });
  });

  it('values may contain ":" and spaces; several tags; quotes and spaces trimmed (as k6)', () => {
    expect(parseMetricKey('http_req_duration{name:GET /products/:id,method:GET}')).toEqual({
      metric: 'http_req_duration',
      tags: { name: 'GET /products/:id', method: 'GET' },
    });
    expect(parseMetricKey('checks{ "group" : \'::buy\' }')).toEqual({ metric: 'checks', tags: { group: '::buy' } });
  });

  it.each([
    ['http_req_duration{scenario:sale', 'expected "metric" or "metric{tag:value,...}"'],
    ['http_req_duration}', 'expected "metric" or "metric{tag:value,...}"'],
    ['http_req_duration{a:b}x', 'expected "metric" or "metric{tag:value,...}"'],
    ['http_req_duration{}', 'expected at least one tag:value inside {}'],
    ['http_req_duration{scenario}', 'expected tag filters as {tag:value,...}, got "scenario"'],
    ['http_req_duration{scenario:}', 'expected tag filters as {tag:value,...}, got "scenario:"'],
    ['{a:b}', 'expected a metric name'],
    ['bad*name', 'expected a metric name'],
  ])('rejects %j', (key, message) => {
    expect(() => parseMetricKey(key)).toThrow(message);
  });
});

describe('parseThresholds', () => {
  it('every form: strings, objects with abortOnFail and delayAbortEval, several per metric', () => {
    const defs = parseThresholds(
      {
        http_req_failed: ['rate<0.01'],
        'http_req_latency{scenario:sale}': ['p(99)<200', { threshold: 'p(95) < 100', abortOnFail: true, delayAbortEval: '10s' }],
        dropped_iterations: [{ threshold: 'count<10' }],
        vus: ['value<=100'],
      },
      'scenarios/x.ts',
    );
    expect(defs.map((d) => [d.key, d.metric, d.tags, d.source, d.aggregation, d.percentile, d.operator, d.value, d.abortOnFail, d.delayAbortEvalMs])).toEqual([
      ['http_req_failed', 'http_req_failed', {}, 'rate<0.01', 'rate', undefined, '<', 0.01, false, 0],
      ['http_req_latency{scenario:sale}', 'http_req_latency', { scenario: 'sale' }, 'p(99)<200', 'p(99)', 99, '<', 200, false, 0],
      ['http_req_latency{scenario:sale}', 'http_req_latency', { scenario: 'sale' }, 'p(95) < 100', 'p(95)', 95, '<', 100, true, 10_000],
      ['dropped_iterations', 'dropped_iterations', {}, 'count<10', 'count', undefined, '<', 10, false, 0],
      ['vus', 'vus', {}, 'value<=100', 'value', undefined, '<=', 100, false, 0],
    ]);
  });

  it('checks the aggregation against the type of built-in metrics', () => {
    const { issues } = collectThresholds({
      http_reqs: ['count>10', 'rate>5', 'avg<5'],
      http_req_duration: ['p(95)<200', 'rate<0.1'],
      http_req_failed: ['rate<0.01', 'count<3'],
      vus_max: ['value<100', 'max<100'],
      checks: ['rate>0.99'],
      iteration_duration: ['med<100'],
      data_received: ['count>0'],
    });
    expect(issues).toEqual([
      { path: 'thresholds["http_reqs"][2]', message: '"avg" does not apply to http_reqs, a counter metric: expected one of count, rate, got "avg<5"' },
      { path: 'thresholds["http_req_duration"][1]', message: '"rate" does not apply to http_req_duration, a trend metric: expected one of avg, min, med, max, p(N), got "rate<0.1"' },
      { path: 'thresholds["http_req_failed"][1]', message: '"count" does not apply to http_req_failed, a rate metric: expected one of rate, got "count<3"' },
      { path: 'thresholds["vus_max"][1]', message: '"max" does not apply to vus_max, a gauge metric: expected one of value, got "max<100"' },
    ]);
  });

  it('accepts a metric Stampede does not record, with a note', () => {
    const notes: string[] = [];
    const defs = parseThresholds({ my_metric: ['avg<5'] }, 'scenarios/x.ts', notes);
    expect(defs).toHaveLength(1);
    expect(notes).toEqual(['thresholds["my_metric"]: "my_metric" is not a metric Stampede records; the threshold passes unless the scenario records samples under that name']);
  });

  it('names the file, thresholds["key"][i] and what was expected; all problems are listed', () => {
    let error: StampedeError | undefined;
    try {
      parseThresholds(
        {
          http_req_duration: ['p(95)<200', 'p95<200'],
          http_reqs: 'count>1',
          'http_req_duration{scenario}': ['p(95)<1'],
          checks: [{ threshold: 'rate>0.9', abortOnFail: 'yes' }, { abortOnFail: true }, { threshold: 'rate>0.9', delayAbortEval: 'later' }, { threshold: 'rate>0.9', abort: true }, 7],
        },
        'scenarios/x.ts',
      );
    } catch (e) {
      error = e as StampedeError;
    }
    expect(error).toBeInstanceOf(StampedeError);
    expect(error?.code).toBe('STAMPEDE_E_THRESHOLD_INVALID');
    expect(error?.exitCode).toBe(2);
    expect(error?.message).toBe(
      'scenarios/x.ts: thresholds["http_req_duration"][1]: expected an aggregation (avg, min, med, max, p(N), count, rate or value) before "<", got "p95" in "p95<200"',
    );
    expect(error?.details).toEqual([
      'thresholds["http_reqs"]: expected an array of threshold expressions such as ["p(95)<200"], got "count>1"',
      'thresholds["http_req_duration{scenario}"]: expected tag filters as {tag:value,...}, got "scenario" in "http_req_duration{scenario}"',
      'thresholds["checks"][0].abortOnFail: expected true or false, got "yes"',
      'thresholds["checks"][1].threshold: expected an expression "<aggregation> <operator> <number>" such as "p(95)<200" or "rate<0.01", but it is missing',
      'thresholds["checks"][2].delayAbortEval: expected a duration such as "10s" or a number of ms, not negative, got "later"',
      'thresholds["checks"][3].abort: unknown key: a threshold object has threshold, abortOnFail and delayAbortEval',
      'thresholds["checks"][4]: expected an expression "<aggregation> <operator> <number>" such as "p(95)<200" or "rate<0.01" or { threshold, abortOnFail, delayAbortEval }, got 7',
    ]);
  });

  it('rejects a thresholds option that is not an object', () => {
    expect(() => parseThresholds(['p(95)<200'], '--slo')).toThrow('--slo: thresholds: expected an object { "<metric>": ["<expression>", ...] }, got ["p(95)<200"]');
  });

  it('no thresholds is an empty list', () => {
    expect(parseThresholds(undefined, 'x.ts')).toEqual([]);
    expect(parseThresholds({}, 'x.ts')).toEqual([]);
  });
});
