import { describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { normaliseOptions, normaliseOptionsWithWarnings } from './normalise.ts';

const FILE = 'scenarios/x.ts';

/** The error normaliseOptions throws for `raw`, as the CLI shows it: message + details. */
function errorOf(raw: unknown): { message: string; details: readonly string[]; code: string; exitCode: number } {
  try {
    normaliseOptions(raw, FILE);
  } catch (e) {
    if (!(e instanceof StampedeError)) throw e;
    return { message: e.message, details: e.details, code: e.code, exitCode: e.exitCode };
  }
  throw new Error('expected normaliseOptions to throw');
}

const common = { exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, env: {}, tags: {} };

describe('executors: k6 option names and defaults', () => {
  it('shared-iterations: vus 1, iterations 1, maxDuration 10m', () => {
    const [s] = normaliseOptions({ scenarios: { a: { executor: 'shared-iterations' } } }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'a', executor: 'shared-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 });
  });

  it('per-vu-iterations: vus 1, iterations 1, maxDuration 10m', () => {
    const [s] = normaliseOptions({ scenarios: { a: { executor: 'per-vu-iterations', vus: 5, iterations: 20 } } }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'a', executor: 'per-vu-iterations', vus: 5, iterations: 20, maxDurationMs: 600_000 });
  });

  it('constant-vus: vus 1, duration required', () => {
    const [s] = normaliseOptions({ scenarios: { a: { executor: 'constant-vus', duration: '1m' } } }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'a', executor: 'constant-vus', vus: 1, durationMs: 60_000 });
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus' } } }).message).toBe(
      `${FILE}: scenarios.a.duration: expected a duration such as "30s", "1m30s", "500ms" or a number of milliseconds, at least 1s, but it is missing`,
    );
  });

  it('ramping-vus: startVUs 1, gracefulRampDown 30s', () => {
    const [s] = normaliseOptions({ scenarios: { a: { executor: 'ramping-vus', stages: [{ duration: '10s', target: 10 }] } } }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'a', executor: 'ramping-vus', startVUs: 1, stages: [{ durationMs: 10_000, target: 10 }], gracefulRampDownMs: 30_000 });
  });

  it('constant-arrival-rate: timeUnit 1s, maxVUs = preAllocatedVUs', () => {
    const [s] = normaliseOptions({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 400, duration: '6s', preAllocatedVUs: 50 } } }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'a', executor: 'constant-arrival-rate', rate: 400, timeUnitMs: 1000, durationMs: 6000, preAllocatedVUs: 50, maxVUs: 50 });
  });

  it('ramping-arrival-rate: startRate 0, timeUnit 1s, maxVUs = preAllocatedVUs', () => {
    const [s] = normaliseOptions(
      { scenarios: { a: { executor: 'ramping-arrival-rate', preAllocatedVUs: 10, maxVUs: 100, timeUnit: '1m', stages: [{ duration: '30s', target: 600 }] } } },
      FILE,
    ).scenarios;
    expect(s).toEqual({
      ...common,
      name: 'a',
      executor: 'ramping-arrival-rate',
      startRate: 0,
      timeUnitMs: 60_000,
      stages: [{ durationMs: 30_000, target: 600 }],
      preAllocatedVUs: 10,
      maxVUs: 100,
    });
  });

  it('common keys: startTime, gracefulStop, exec, env, tags; several scenarios keep their order', () => {
    const o = normaliseOptions(
      {
        scenarios: {
          browse: { executor: 'constant-vus', vus: 2, duration: '30s', exec: 'browse', tags: { kind: 'read' }, env: { MODE: 'b' } },
          sale: { executor: 'constant-arrival-rate', rate: 100, duration: '10s', preAllocatedVUs: 10, startTime: '20s', gracefulStop: '5s', exec: 'buy' },
        },
      },
      FILE,
    );
    expect(o.scenarios.map((s) => s.name)).toEqual(['browse', 'sale']);
    expect(o.scenarios[0]).toMatchObject({ exec: 'browse', tags: { kind: 'read' }, env: { MODE: 'b' }, startTimeMs: 0 });
    expect(o.scenarios[1]).toMatchObject({ exec: 'buy', startTimeMs: 20_000, gracefulStopMs: 5000 });
  });
});

describe("k6's shortcuts (execution_config_shortcuts.go)", () => {
  it('no execution options → per-vu-iterations, 1 VU × 1 iteration, named default', () => {
    const [s] = normaliseOptions(undefined, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'default', executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000 });
    expect(normaliseOptions({}, FILE).scenarios).toHaveLength(1);
  });

  it('vus + duration → constant-vus', () => {
    const [s] = normaliseOptions({ vus: 10, duration: '30s' }, FILE).scenarios;
    expect(s).toEqual({ ...common, name: 'default', executor: 'constant-vus', vus: 10, durationMs: 30_000 });
  });

  it('duration alone → constant-vus with 1 VU', () => {
    expect(normaliseOptions({ duration: '5s' }, FILE).scenarios[0]).toMatchObject({ executor: 'constant-vus', vus: 1 });
  });

  it('iterations → shared-iterations; duration becomes maxDuration', () => {
    expect(normaliseOptions({ iterations: 100, vus: 4 }, FILE).scenarios[0]).toEqual({
      ...common,
      name: 'default',
      executor: 'shared-iterations',
      vus: 4,
      iterations: 100,
      maxDurationMs: 600_000,
    });
    expect(normaliseOptions({ iterations: 100, duration: '20s' }, FILE).scenarios[0]).toMatchObject({ vus: 1, maxDurationMs: 20_000 });
  });

  it('stages → ramping-vus; vus becomes startVUs (default 1)', () => {
    const stages = [
      { duration: '10s', target: 20 },
      { duration: '5s', target: 0 },
    ];
    expect(normaliseOptions({ stages }, FILE).scenarios[0]).toMatchObject({ executor: 'ramping-vus', startVUs: 1 });
    expect(normaliseOptions({ stages, vus: 3 }, FILE).scenarios[0]).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 3,
      stages: [
        { durationMs: 10_000, target: 20 },
        { durationMs: 5000, target: 0 },
      ],
    });
  });

  it('vus alone is ignored with a warning, as k6 does', () => {
    const r = normaliseOptionsWithWarnings({ vus: 10 }, FILE);
    expect(r.options.scenarios[0]).toMatchObject({ executor: 'per-vu-iterations', vus: 1, iterations: 1 });
    expect(r.warnings).toEqual(['vus=10 is ignored: it only works with iterations, duration or stages (as in k6)']);
  });

  it.each([
    [{ iterations: 5, scenarios: { a: { executor: 'shared-iterations' } } }, 'iterations'],
    [{ duration: '5s', scenarios: {} }, 'duration'],
    [{ stages: [{ duration: '5s', target: 1 }], scenarios: { a: { executor: 'shared-iterations' } } }, 'stages'],
  ])('a shortcut with scenarios is a conflict (%j)', (raw, key) => {
    expect(errorOf(raw).message).toMatch(new RegExp(`^${FILE}: ${key}: the shortcut \`${key}\` cannot be combined with \`scenarios\``));
  });

  it('two shortcuts are a conflict', () => {
    expect(errorOf({ iterations: 5, stages: [{ duration: '5s', target: 1 }] }).message).toBe(
      `${FILE}: stages: cannot be combined with the shortcut \`iterations\` (k6 allows one execution shortcut)`,
    );
    expect(errorOf({ duration: '5s', stages: [{ duration: '5s', target: 1 }] }).message).toContain('stages: cannot be combined with the shortcut `duration`');
  });

  it("names a shortcut's problem by the top-level key", () => {
    expect(errorOf({ duration: '500ms' }).message).toBe(
      `${FILE}: duration: expected a duration such as "30s", "1m30s", "500ms" or a number of milliseconds, at least 1s, got "500ms"`,
    );
    expect(errorOf({ vus: 10, iterations: 5 }).message).toBe(`${FILE}: iterations: expected at least as many iterations as vus (10), got 5 (k6 rule)`);
    expect(errorOf({ stages: [{ duration: '5s', target: -1 }] }).message).toBe(`${FILE}: stages[0].target: expected an integer ≥ 0, got -1`);
  });
});

describe('error messages: file, field path, expectation, the value as JSON', () => {
  it('a stage with target "x"', () => {
    const e = errorOf({
      scenarios: {
        sale: {
          executor: 'ramping-arrival-rate',
          preAllocatedVUs: 10,
          stages: [
            { duration: '10s', target: 100 },
            { duration: '10s', target: 'x' },
          ],
        },
      },
    });
    expect(e.message).toBe('scenarios/x.ts: scenarios.sale.stages[1].target: expected a number ≥ 0, got "x"');
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toMatch(/\n|\bat\b.*\.ts:\d+/);
  });

  it('a negative rate', () => {
    expect(errorOf({ scenarios: { sale: { executor: 'constant-arrival-rate', rate: -5, duration: '10s', preAllocatedVUs: 1 } } }).message).toBe(
      `${FILE}: scenarios.sale.rate: expected a number > 0, got -5`,
    );
  });

  it('an unknown executor lists the six', () => {
    expect(errorOf({ scenarios: { a: { executor: 'constant-rps' } } }).message).toBe(
      `${FILE}: scenarios.a.executor: expected one of "shared-iterations", "per-vu-iterations", "constant-vus", "ramping-vus", "constant-arrival-rate", "ramping-arrival-rate", got "constant-rps"`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'externally-controlled' } } }).message).toContain('externally-controlled was removed in k6 v2');
    expect(errorOf({ scenarios: { a: {} } }).message).toContain('scenarios.a.executor: expected one of');
  });

  it('an option of another executor is named with its owners', () => {
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus', duration: '10s', rate: 5 } } }).message).toBe(
      `${FILE}: scenarios.a.rate: not an option of a constant-vus scenario (it is one of constant-arrival-rate)`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus', duration: '10s', vu: 5 } } }).message).toBe(
      `${FILE}: scenarios.a.vu: unknown option for a constant-vus scenario`,
    );
  });

  it('every issue is listed: the first as the message, the rest as details', () => {
    const e = errorOf({
      scenarios: {
        a: { executor: 'constant-arrival-rate', rate: 0, duration: 'soon', preAllocatedVUs: -1 },
        'bad name': { executor: 'constant-vus', duration: '10s' },
      },
      maxRedirects: 1.5,
    });
    expect(e.message).toBe(`${FILE}: scenarios.a.rate: expected a number > 0, got 0`);
    expect(e.details).toEqual([
      'scenarios.a.duration: expected a duration such as "30s", "1m30s", "500ms" or a number of milliseconds, at least 1s, got "soon"',
      'scenarios.a.preAllocatedVUs: expected an integer ≥ 0, got -1',
      'scenarios["bad name"]: a scenario name may contain only latin letters, digits, "_" and "-" (k6 rule)',
      'maxRedirects: expected an integer ≥ 0, got 1.5',
    ]);
  });

  it('cross-field rules of k6', () => {
    expect(errorOf({ scenarios: { a: { executor: 'shared-iterations', vus: 10, iterations: 5 } } }).message).toBe(
      `${FILE}: scenarios.a.iterations: expected at least as many iterations as vus (10), got 5 (k6 rule)`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'constant-arrival-rate', rate: 1, duration: '5s', preAllocatedVUs: 10, maxVUs: 5 } } }).message).toBe(
      `${FILE}: scenarios.a.maxVUs: expected at least preAllocatedVUs (10), got 5 (k6 rule)`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '5s', target: 0 }] } } }).message).toBe(
      `${FILE}: scenarios.a.stages: expected startVUs or one stage target to be more than 0 (k6 rule)`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'ramping-arrival-rate', preAllocatedVUs: 0, stages: [{ duration: '5s', target: 1 }] } } }).message).toBe(
      `${FILE}: scenarios.a.preAllocatedVUs: expected at least 1 VU: with none, no iteration can start`,
    );
  });

  it('required and typed fields', () => {
    expect(errorOf({ scenarios: { a: { executor: 'constant-arrival-rate', duration: '5s', preAllocatedVUs: 1 } } }).message).toBe(
      `${FILE}: scenarios.a.rate: expected a number > 0, but it is missing`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'ramping-vus', stages: [] } } }).message).toBe(`${FILE}: scenarios.a.stages: expected at least one stage, got []`);
    expect(errorOf({ scenarios: { a: { executor: 'ramping-vus', stages: [{ duration: '5s', target: 2.5 }] } } }).message).toBe(
      `${FILE}: scenarios.a.stages[0].target: expected an integer ≥ 0, got 2.5`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus', duration: '5s', exec: '' } } }).message).toBe(
      `${FILE}: scenarios.a.exec: expected the name of an exported function, got ""`,
    );
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus', duration: '5s', startTime: '-1s' } } }).message).toContain('scenarios.a.startTime: expected a duration');
    expect(errorOf({ scenarios: { a: { executor: 'constant-vus', duration: '5s', tags: { n: 1 } } } }).message).toBe(
      `${FILE}: scenarios.a.tags.n: expected a string (tag and env values are strings), got 1`,
    );
    expect(errorOf({ scenarios: 'many' }).message).toBe(`${FILE}: scenarios: expected an object of named scenarios, got "many"`);
    expect(errorOf('x').message).toBe(`${FILE}: options: expected an object, got "x"`);
  });

  it('k6 options Stampede does not implement are rejected by name; unknown keys too', () => {
    expect(errorOf({ rps: 100 }).message).toBe(`${FILE}: rps: a k6 option Stampede does not implement: use an arrival-rate executor instead of a global request cap`);
    expect(errorOf({ tlsVersion: '1.2' }).message).toBe(`${FILE}: tlsVersion: a k6 option Stampede does not implement`);
    expect(errorOf({ insecureSkipTLSVerify: 'yes' }).message).toBe(`${FILE}: insecureSkipTLSVerify: expected true or false, got "yes"`);
    expect(errorOf({ rate: 5 }).message).toBe(`${FILE}: rate: unknown option, not a k6 option (it belongs inside a scenario: constant-arrival-rate)`);
    expect(errorOf({ duraton: '5s' }).message).toBe(`${FILE}: duraton: unknown option, not a k6 option`);
  });

  it('cosmetic k6 options are accepted and ignored', () => {
    expect(() => normaliseOptions({ noUsageReport: true, summaryTimeUnit: 'ms', noColor: true, cloud: { projectID: 1 }, ext: {}, linger: false }, FILE)).not.toThrow();
  });
});

describe('top-level options', () => {
  it('defaults: maxRedirects 0, 60 s setup/teardown/http timeouts, k6 summary stats', () => {
    const o = normaliseOptions({}, FILE);
    expect(o).toMatchObject({
      thresholds: [],
      tags: {},
      setupTimeoutMs: 60_000,
      teardownTimeoutMs: 60_000,
      noConnectionReuse: false,
      discardResponseBodies: false,
      maxRedirects: 0,
      userAgent: 'stampede/0.1.0',
      httpTimeoutMs: 60_000,
      summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'],
    });
  });

  it('given values', () => {
    const o = normaliseOptions(
      {
        tags: { team: 'shop' },
        setupTimeout: '2m',
        teardownTimeout: 5000,
        noConnectionReuse: true,
        discardResponseBodies: true,
        maxRedirects: 3,
        userAgent: 'me',
        summaryTrendStats: ['avg', 'p(99)', 'p(99.9)', 'count'],
      },
      FILE,
    );
    expect(o).toMatchObject({
      tags: { team: 'shop' },
      setupTimeoutMs: 120_000,
      teardownTimeoutMs: 5000,
      noConnectionReuse: true,
      discardResponseBodies: true,
      maxRedirects: 3,
      userAgent: 'me',
      summaryTrendStats: ['avg', 'p(99)', 'p(99.9)', 'count'],
    });
  });

  it('rejects bad summaryTrendStats and booleans', () => {
    expect(errorOf({ summaryTrendStats: ['avg', 'p(101)'] }).message).toBe(
      `${FILE}: summaryTrendStats[1]: expected a trend stat: "avg", "min", "med", "max", "count" or "p(N)" with N in 0–100, got "p(101)"`,
    );
    expect(errorOf({ discardResponseBodies: 'yes' }).message).toBe(`${FILE}: discardResponseBodies: expected true or false, got "yes"`);
  });

  it('parses thresholds, and reports their problems with the rest', () => {
    const o = normaliseOptions({ thresholds: { 'http_req_duration{scenario:sale}': ['p(99)<200'] } }, FILE);
    expect(o.thresholds).toEqual([
      {
        key: 'http_req_duration{scenario:sale}',
        metric: 'http_req_duration',
        tags: { scenario: 'sale' },
        source: 'p(99)<200',
        aggregation: 'p(99)',
        percentile: 99,
        operator: '<',
        value: 200,
        abortOnFail: false,
        delayAbortEvalMs: 0,
      },
    ]);
    const e = errorOf({ vus: 'x', thresholds: { http_reqs: ['avg<5'] } });
    expect(e.message).toBe(`${FILE}: vus: expected an integer ≥ 0, got "x"`);
    expect(e.details).toEqual(['thresholds["http_reqs"][0]: "avg" does not apply to http_reqs, a counter metric: expected one of count, rate, got "avg<5"']);
  });
});
