// RunResult: the contract between the runner and everything downstream (reports, dashboard,
// compare, capacity, import). Versioned; writer and every reader validate with this schema.
// Time values of trends are milliseconds (as k6's summary); HDR histograms are microseconds.
import { z } from 'zod';

export const RUN_RESULT_SCHEMA_VERSION = 1;

const stringMap = z.record(z.string(), z.string());

export const metricTypeSchema = z.enum(['trend', 'counter', 'rate', 'gauge']);
export type MetricType = z.infer<typeof metricTypeSchema>;

/**
 * k6 summary-export shaped values. Trend: count avg min med max p(50) p(90) p(95) p(99) p(99.9)
 * p(99.99); counter: count rate; rate: rate passes fails; gauge: value min max.
 */
export const metricValuesSchema = z.record(z.string(), z.number());
export type MetricValues = z.infer<typeof metricValuesSchema>;

export const thresholdVerdictSchema = z.object({
  /** metric key as written, possibly with a tag filter: 'http_req_latency{scenario:sale}' */
  key: z.string(),
  /** the expression as written: 'p(99)<200' */
  source: z.string(),
  ok: z.boolean(),
  /** the observed value of the aggregation; null when the metric had no samples */
  observed: z.number().nullable(),
  abortOnFail: z.boolean(),
  /** true when this threshold stopped the run */
  aborted: z.boolean(),
  /** why the verdict is not the plain comparison (e.g. a latency threshold when no request succeeded) */
  note: z.string().optional(),
});
export type ThresholdVerdict = z.infer<typeof thresholdVerdictSchema>;

export const metricResultSchema = z.object({
  type: metricTypeSchema,
  /** 'time' for durations (ms), 'data' for bytes, 'default' otherwise (k6's `contains`) */
  contains: z.enum(['time', 'data', 'default']),
  values: metricValuesSchema,
  /** k6 summary shape: expression → { ok } */
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() })).optional(),
  /** HDR histogram of a time trend, µs, V2 compressed base64 (hdr-histogram-js encoding) */
  histogram: z.string().optional(),
});
export type MetricResult = z.infer<typeof metricResultSchema>;

/** One metric restricted to one tag set (scenario, group, name, method, status, ...). */
export const taggedMetricSchema = metricResultSchema.extend({
  metric: z.string(),
  tags: stringMap,
});
export type TaggedMetric = z.infer<typeof taggedMetricSchema>;

export const checkResultSchema = z.object({
  name: z.string(),
  /** k6 path: '::group::check name' */
  path: z.string(),
  scenario: z.string().optional(),
  passes: z.number().int().nonnegative(),
  fails: z.number().int().nonnegative(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

const percentilesSchema = z.object({
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type Percentiles = z.infer<typeof percentilesSchema>;

/** One second of the run (t = whole seconds since the run's start). Latencies in ms. */
export const timelinePointSchema = z.object({
  t: z.number().int().nonnegative(),
  /** iterations the schedule asked for in this second (open model); null for closed-model-only seconds */
  offered: z.number().nullable(),
  /** iterations started */
  started: z.number(),
  /** iterations completed */
  completed: z.number(),
  dropped: z.number(),
  requests: z.number(),
  /** failed requests (http_req_failed) */
  failed: z.number(),
  /** failed requests by error kind: 'status_5xx', 'connect_refused', 'timeout', ... */
  errorsByKind: z.record(z.string(), z.number()),
  vus: z.number(),
  vusMax: z.number(),
  dataSent: z.number(),
  dataReceived: z.number(),
  checksPassed: z.number(),
  checksFailed: z.number(),
  /** http_req_latency (from the intended start; coordinated omission corrected); null when no request ended */
  latency: percentilesSchema.nullable(),
  /** http_req_duration (from the actual send, k6's meaning) */
  duration: percentilesSchema.nullable(),
  /** generator health in this second */
  eventLoopLagP99: z.number(),
  generatorCpuPercent: z.number(),
});
export type TimelinePoint = z.infer<typeof timelinePointSchema>;

export const generatorHealthSchema = z.object({
  /** event-loop lag of the generator, ms */
  eventLoopLag: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  /**
   * generator CPU, percent of one core (all threads of the process), mean and max over seconds;
   * `waiting`: the part of the mean an arrival-rate scheduler spent spinning for its next arrival
   * (CPU that is not work; absent when none, and in older results)
   */
  cpu: z.object({ mean: z.number(), max: z.number(), waiting: z.number().optional() }),
  /** send lag: actual start − intended start of arrival-rate iterations, ms; null in closed models (p90 absent in older results) */
  sendLag: z.object({ p50: z.number(), p90: z.number().optional(), p99: z.number(), max: z.number() }).nullable(),
  /** started iterations ÷ scheduled iterations over arrival-rate scenarios; null in closed models */
  achievedRatio: z.number().nullable(),
  /** true when the generator fell behind: lag p99 > 10 ms, CPU (besides waiting) > 90 %, or achieved < 99 % */
  saturated: z.boolean(),
  reasons: z.array(z.string()),
  threads: z.number().int().positive(),
});
export type GeneratorHealth = z.infer<typeof generatorHealthSchema>;

/**
 * A target started by Stampede, measured from /proc over the run (its whole process tree):
 * CPU-seconds (user+sys), peaks, each process, and the machine's CPU split between the
 * generator, the target and everything else. The per-second series are in server.series
 * (target_cpu_percent, target_rss_mb, target_threads, target_fds, target_processes); each
 * process's own CPU per second is in processes[].cpuPercent (kept out of server.series, where
 * every series is a chart: a shop has a dozen processes).
 */
export const targetResourcesSchema = z.object({
  source: z.literal('proc'),
  rootPids: z.array(z.number().int()),
  /** seconds over which it was measured */
  seconds: z.number(),
  cpuSeconds: z.number(),
  peakRssMb: z.number(),
  peakThreads: z.number().int(),
  peakFds: z.number().int().nullable(),
  peakProcesses: z.number().int(),
  processes: z.array(z.object({ pid: z.number().int(), comm: z.string(), cpuSeconds: z.number(), peakRssMb: z.number(), cpuPercent: z.array(z.tuple([z.number(), z.number()])) })),
  machine: z
    .object({
      cpus: z.number().int(),
      /** core-seconds the whole machine was busy */
      busyCoreSeconds: z.number(),
      generatorCpuSeconds: z.number(),
      /** shares of the machine's capacity (cores × seconds), 0..1 */
      generatorShare: z.number(),
      targetShare: z.number(),
      otherShare: z.number(),
      generatorCpus: z.string().nullable(),
      targetCpus: z.string().nullable(),
      /** the generator and the target may run on the same cores (their affinities overlap) */
      sharedCores: z.boolean(),
    })
    .nullable(),
});
export type TargetResources = z.infer<typeof targetResourcesSchema>;

/** The target's Prometheus metrics scraped during the run: one series per name, [t seconds, value]. */
export const serverMetricsSchema = z.object({
  url: z.string(),
  series: z.record(z.string(), z.array(z.tuple([z.number(), z.number()]))),
  /** set when the target stopped answering mid-run */
  diedAt: z.number().nullable().optional(),
  /**
   * How each series was derived and its unit: `shown` 'value' (a gauge as scraped), 'rate' (per
   * second from a counter), 'ratio' or 'mean'; `declared` is the source family's TYPE in the
   * scrape. Readers draw a series as it says, never by its name (absent in older results: as is).
   */
  kinds: z.record(z.string(), z.object({ shown: z.enum(['value', 'rate', 'ratio', 'mean']), declared: z.string(), unit: z.string() })).optional(),
  /** set when Stampede started the target and could read /proc */
  resources: targetResourcesSchema.optional(),
});
export type ServerMetrics = z.infer<typeof serverMetricsSchema>;

const stageSchema = z.object({ durationMs: z.number(), target: z.number() });
export const normalisedScenarioSchema = z
  .object({
    name: z.string(),
    executor: z.enum(['shared-iterations', 'per-vu-iterations', 'constant-vus', 'ramping-vus', 'constant-arrival-rate', 'ramping-arrival-rate']),
    exec: z.string(),
    startTimeMs: z.number(),
    gracefulStopMs: z.number(),
    env: stringMap,
    tags: stringMap,
    vus: z.number().optional(),
    iterations: z.number().optional(),
    maxDurationMs: z.number().optional(),
    durationMs: z.number().optional(),
    startVUs: z.number().optional(),
    stages: z.array(stageSchema).optional(),
    gracefulRampDownMs: z.number().optional(),
    rate: z.number().optional(),
    startRate: z.number().optional(),
    timeUnitMs: z.number().optional(),
    preAllocatedVUs: z.number().optional(),
    maxVUs: z.number().optional(),
  });

/** Failed requests with one message: what went wrong, in words, with its count. */
export const errorMessageSchema = z.object({
  /** the request's name tag */
  name: z.string(),
  method: z.string(),
  /** the error kind, as in errorsByKind: 'connect_refused', 'timeout', 'status_5xx', ... */
  kind: z.string(),
  /** the network error's text ('connect ECONNREFUSED 127.0.0.1:9') or 'unexpected status 503' */
  message: z.string(),
  count: z.number().int().nonnegative(),
  /** the second (t) it was first and last seen */
  firstT: z.number().int().nonnegative(),
  lastT: z.number().int().nonnegative(),
});
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

export const runMetaSchema = z.object({
  tool: z.object({ name: z.literal('stampede'), version: z.string() }),
  node: z.string(),
  platform: z.string(),
  cpus: z.number().int(),
  cpuModel: z.string(),
  /** path of the scenario file as given, and its basename without extension */
  scenarioFile: z.string(),
  scenarioName: z.string(),
  /** sha256 of the scenario file's bytes */
  scenarioHash: z.string(),
  /** ISO 8601 UTC (Date.toISOString()); a reader refuses anything else ("yesterday") */
  startTime: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as "2026-01-31T10:00:00.000Z"' }),
  endTime: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 time such as "2026-01-31T10:00:00.000Z"' }),
  durationMs: z.number().nonnegative(),
  /** --env values (k6 __ENV) */
  env: stringMap,
  target: z.string().nullable(),
  targetConfig: stringMap.nullable(),
  /** where the result came from when it was not measured by Stampede (k6 import) */
  imported: z
    .object({
      from: z.enum(['k6-summary', 'k6-json']),
      files: z.array(z.string()),
      /** false when percentiles are only those the source had (no histograms) */
      histograms: z.boolean(),
    })
    .optional(),
});
export type RunMeta = z.infer<typeof runMetaSchema>;

/**
 * One request name's seconds, as columns: requests, failed requests and the HDR histograms (µs,
 * V2 compressed base64) of http_req_latency and http_req_duration in each second. What
 * `stampede diff` resamples to put confidence intervals on percentiles and rates.
 */
export const requestSecondsSchema = z.object({
  name: z.string(),
  t: z.array(z.number().int().nonnegative()),
  requests: z.array(z.number()),
  failed: z.array(z.number()),
  latency: z.array(z.string()),
  duration: z.array(z.string()),
});
export type RequestSeconds = z.infer<typeof requestSecondsSchema>;

export const runResultSchema = z.object({
  schemaVersion: z.literal(RUN_RESULT_SCHEMA_VERSION),
  kind: z.literal('run'),
  meta: runMetaSchema,
  options: z.object({
    scenarios: z.array(normalisedScenarioSchema),
    thresholds: z.array(z.object({ key: z.string(), source: z.string(), abortOnFail: z.boolean() }).loose()),
    tags: stringMap,
  }).loose(),
  /** true when the run did not finish its schedule (Ctrl-C, abortOnFail, error) */
  partial: z.boolean(),
  /** why the run ended early, when it did */
  stopReason: z.string().nullable(),
  /** k6 summary-export shaped; also threshold sub-metrics under their key ('name{tag:value}') */
  metrics: z.record(z.string(), metricResultSchema),
  /** every metric per tag set */
  tagged: z.array(taggedMetricSchema),
  thresholds: z.array(thresholdVerdictSchema),
  checks: z.array(checkResultSchema),
  timeline: z.array(timelinePointSchema),
  generator: generatorHealthSchema,
  server: serverMetricsSchema.nullable(),
  /** human-readable warnings shown in the summary and the report (e.g. Little's law mismatch) */
  warnings: z.array(z.string()),
  /** failed requests by message, most frequent first (absent in results written before it existed) */
  errors: z.array(errorMessageSchema).optional(),
  /** per-second histograms per request name; absent in results written before they were kept, and in imports */
  seconds: z.array(requestSecondsSchema).optional(),
});
export type RunResult = z.infer<typeof runResultSchema>;
