// The zod schema of the k6 `options` Stampede implements: k6's option names, k6's defaults,
// k6's validation rules (lib/executor/*.go Validate(), lib/executor/base_config.go), with
// messages of the form `expected <what>, got <JSON of the value>`. Cross-field rules
// (iterations ≥ vus, maxVUs ≥ preAllocatedVUs, ...) and the shortcuts live in normalise.ts.
import { z } from 'zod';
import { DURATION_EXPECTATION, showValue, tryParseDurationMs } from '../time/duration.ts';
import type { ExecutorName } from './types.ts';

/** The message for a value that is not what was expected. */
export function expectation(what: string, input: unknown): string {
  return input === undefined ? `expected ${what}, but it is missing` : `expected ${what}, got ${showValue(input)}`;
}

const expecting = (what: string) => (iss: { input?: unknown }) => expectation(what, iss.input);

/** An integer ≥ min. */
export function intAtLeast(min: number): z.ZodNumber {
  const e = expecting(min === 0 ? 'an integer ≥ 0' : `an integer ≥ ${min}`);
  return z.number({ error: e }).int({ error: e }).min(min, { error: e });
}

/** A finite number ≥ min (or > min when `exclusive`). */
export function numberAtLeast(min: number, exclusive = false): z.ZodNumber {
  const e = expecting(`a number ${exclusive ? '>' : '≥'} ${min}`);
  const n = z.number({ error: e });
  return exclusive ? n.gt(min, { error: e }) : n.min(min, { error: e });
}

/** k6 minimum for `duration` and `maxDuration` (lib/executor/constant_vus.go, minDuration). */
export const MIN_DURATION_MS = 1000;

/**
 * A k6 duration (string or ms) → ms. `fallback` is used when the field is absent; without one the
 * field is required. `min` is inclusive, `positive` requires > 0.
 */
export function duration(opts: { fallback?: number; min?: number; positive?: boolean } = {}) {
  const min = opts.min ?? 0;
  const what =
    min >= 1000
      ? `${DURATION_EXPECTATION}, at least ${min / 1000}s`
      : opts.positive
        ? `${DURATION_EXPECTATION}, more than 0`
        : `${DURATION_EXPECTATION}, not negative`;
  return z.unknown().optional().transform((value, ctx): number => {
    if (value === undefined && opts.fallback !== undefined) return opts.fallback;
    const ms = tryParseDurationMs(value);
    if (ms === undefined || ms < min || (opts.positive === true && ms <= 0)) {
      ctx.addIssue({ code: 'custom', message: expectation(what, value), input: value });
      return z.NEVER;
    }
    return ms;
  });
}

export const stringMap = z.record(
  z.string(),
  z.string({ error: expecting('a string (tag and env values are strings)') }),
  { error: expecting('an object of string values') },
);

const execName = z
  .string({ error: expecting('the name of an exported function') })
  .min(1, { error: expecting('the name of an exported function') });

/** Keys every scenario has (lib/executor/base_config.go). */
const common = {
  executor: z.string(),
  startTime: duration({ fallback: 0 }),
  gracefulStop: duration({ fallback: 30_000 }),
  exec: execName.optional(),
  env: stringMap.optional(),
  tags: stringMap.optional(),
};

function stages(target: z.ZodNumber) {
  const stage = z.strictObject(
    { duration: duration(), target },
    { error: expecting('a stage: { duration: "30s", target: N }') },
  );
  return z.array(stage, { error: expecting('an array of stages [{ duration, target }, ...]') }).min(1, {
    error: expecting('at least one stage'),
  });
}

// Rates and arrival-rate targets are integers in k6 (null.Int). Stampede also accepts fractional
// rates (its schedule is exact for any rate); `stampede export k6` has to scale them to integers.
export const SCENARIO_SCHEMAS = {
  'shared-iterations': z.strictObject({
    ...common,
    vus: intAtLeast(1).default(1),
    iterations: intAtLeast(1).default(1),
    maxDuration: duration({ fallback: 600_000, min: MIN_DURATION_MS }),
  }),
  'per-vu-iterations': z.strictObject({
    ...common,
    vus: intAtLeast(1).default(1),
    iterations: intAtLeast(1).default(1),
    maxDuration: duration({ fallback: 600_000, min: MIN_DURATION_MS }),
  }),
  'constant-vus': z.strictObject({
    ...common,
    vus: intAtLeast(1).default(1),
    duration: duration({ min: MIN_DURATION_MS }),
  }),
  'ramping-vus': z.strictObject({
    ...common,
    startVUs: intAtLeast(0).default(1),
    stages: stages(intAtLeast(0)),
    gracefulRampDown: duration({ fallback: 30_000 }),
  }),
  'constant-arrival-rate': z.strictObject({
    ...common,
    rate: numberAtLeast(0, true),
    timeUnit: duration({ fallback: 1000, positive: true }),
    duration: duration({ min: MIN_DURATION_MS }),
    preAllocatedVUs: intAtLeast(0),
    maxVUs: intAtLeast(0).optional(),
  }),
  'ramping-arrival-rate': z.strictObject({
    ...common,
    startRate: numberAtLeast(0).default(0),
    timeUnit: duration({ fallback: 1000, positive: true }),
    stages: stages(numberAtLeast(0)),
    preAllocatedVUs: intAtLeast(0),
    maxVUs: intAtLeast(0).optional(),
  }),
} as const satisfies Record<ExecutorName, z.ZodType>;

export const EXECUTORS = Object.keys(SCENARIO_SCHEMAS) as ExecutorName[];

export type RawScenario<E extends ExecutorName> = z.output<(typeof SCENARIO_SCHEMAS)[E]>;

/** Which executors have an option: for "did you mean" hints on unknown scenario keys. */
export function executorsWithOption(key: string): ExecutorName[] {
  return EXECUTORS.filter((e) => Object.hasOwn(SCENARIO_SCHEMAS[e].shape, key));
}

/** k6 summary trend stats: avg, min, med, max, count, p(N) with N in [0, 100]. */
const trendStat = z.string().refine(
  (s) => {
    if (['avg', 'min', 'med', 'max', 'count'].includes(s)) return true;
    const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(s);
    return m !== null && Number(m[1]) <= 100;
  },
  { error: expecting('a trend stat: "avg", "min", "med", "max", "count" or "p(N)" with N in 0–100') },
);

export const DEFAULT_SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
export const DEFAULT_USER_AGENT = 'stampede/0.1.0';
/** per-request timeout; k6's default (k6 has no global option for it, only the per-request `timeout`) */
export const DEFAULT_HTTP_TIMEOUT_MS = 60_000;

/** The top-level keys Stampede implements (thresholds are parsed by runner/thresholds/parse.ts). */
export const TOP_LEVEL_SCHEMA = z.object({
  vus: intAtLeast(0).optional(),
  duration: z.unknown().optional(),
  iterations: intAtLeast(0).optional(),
  stages: z.unknown().optional(),
  scenarios: z
    .record(z.string(), z.unknown(), { error: expecting('an object of named scenarios') })
    .optional(),
  thresholds: z.unknown().optional(),
  tags: stringMap.default({}),
  setupTimeout: duration({ fallback: 60_000 }),
  teardownTimeout: duration({ fallback: 60_000 }),
  noConnectionReuse: z.boolean({ error: expecting('true or false') }).default(false),
  discardResponseBodies: z.boolean({ error: expecting('true or false') }).default(false),
  insecureSkipTLSVerify: z.boolean({ error: expecting('true or false') }).default(false),
  // k6's default is 10; Stampede's is 0 so that a redirect is measured as what it is (see README)
  maxRedirects: intAtLeast(0).default(0),
  userAgent: z.string({ error: expecting('a string') }).default(DEFAULT_USER_AGENT),
  summaryTrendStats: z
    .array(trendStat, { error: expecting('an array of trend stats such as ["avg", "p(95)"]') })
    .default(DEFAULT_SUMMARY_TREND_STATS),
});

export const SUPPORTED_TOP_LEVEL = new Set(Object.keys(TOP_LEVEL_SCHEMA.shape));

/**
 * k6 options that only change how k6 looks or talks to Grafana Cloud, never what is sent or
 * measured: accepted and ignored, so a k6 script's options work unchanged.
 * - noUsageReport: Stampede sends no usage reports anyway
 * - summaryTimeUnit, noColor: presentation of k6's own terminal summary
 * - cloud, ext: Grafana Cloud / k6 Cloud project settings
 * - linger: keeps k6's REST API alive after the run; Stampede has none
 */
export const COSMETIC_K6_OPTIONS = new Set(['noUsageReport', 'summaryTimeUnit', 'noColor', 'cloud', 'ext', 'linger']);

/** k6 options Stampede does not implement: rejected by name rather than silently ignored. */
export const UNSUPPORTED_K6_OPTIONS: Record<string, string> = {
  rps: 'use an arrival-rate executor instead of a global request cap',
  executionSegment: 'use `stampede run --threads N` (or `stampede export k6` for distributed runs)',
  executionSegmentSequence: 'use `stampede run --threads N` (or `stampede export k6` for distributed runs)',
  noSetup: '',
  noTeardown: '',
  handleSummaryTimeout: '',
  dns: '',
  hosts: '',
  batch: 'Stampede has no http.batch()',
  batchPerHost: 'Stampede has no http.batch()',
  httpDebug: '',
  tlsAuth: '',
  tlsCipherSuites: '',
  tlsVersion: '',
  tlsAIAFetch: '',
  throw: '',
  blacklistIPs: '',
  blockHostnames: '',
  noVUConnectionReuse: '',
  minIterationDuration: '',
  systemTags: '',
  noCookiesReset: '',
  paused: '',
  vusMax: 'set maxVUs on an arrival-rate scenario',
  metricSamplesBufferSize: '',
  includeSystemEnvVars: '',
  localIPs: '',
  compatibilityMode: '',
};
