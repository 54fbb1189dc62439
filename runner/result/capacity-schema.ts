// CapacityDocument: what `stampede capacity` writes (capacity.json) and what the capacity view
// of the dashboard / report reads. Versioned; the writer validates before writing, every reader
// validates after reading. Rates are iterations per second of the scenario's journey (what k6's
// arrival-rate executors and Gatling's users/s count); the requests per second they cause are
// recorded beside them, measured (requests ÷ iterations); latencies are milliseconds. JSON has no
// Infinity: an unbounded value is null, with a field or note saying why.
import { z } from 'zod';

export const CAPACITY_SCHEMA_VERSION = 1;

const stringMap = z.record(z.string(), z.string());

/** A window's latency distribution, from the merged HDR histogram of the measured window. */
export const latencySummarySchema = z.object({
  count: z.number().int().nonnegative(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p99: z.number(),
  max: z.number(),
});
export type LatencySummary = z.infer<typeof latencySummarySchema>;

export const probeVerdictSchema = z.enum(['pass', 'fail', 'generator-limited']);
export type ProbeVerdict = z.infer<typeof probeVerdictSchema>;

export const littlesLawSchema = z.object({
  /** throughput × mean iteration duration */
  expected: z.number(),
  /** measured mean iterations in flight */
  observed: z.number(),
  /** |observed − expected| / expected; null when expected is 0 and observed is not */
  relativeError: z.number().nullable(),
  ok: z.boolean(),
  message: z.string(),
});
export type LittlesLawRecord = z.infer<typeof littlesLawSchema>;

export const capacityProbeSchema = z.object({
  /** 1-based, in the order run */
  index: z.number().int().positive(),
  /** offered arrival rate, iterations/s */
  rate: z.number().positive(),
  phase: z.enum(['explore', 'bisect', 'confirm']),
  verdict: probeVerdictSchema,
  /** why it failed or was generator-limited (empty for a pass) */
  reasons: z.array(z.string()),
  /** set when this run repeats a generator-limited probe at the same rate (1-based index of that probe) */
  retryOf: z.number().int().positive().nullable(),
  startTime: z.string(),
  /** wall time of the probe's run (warm-up + window + graceful stop), ms */
  durationMs: z.number().nonnegative(),
  warmupMs: z.number().nonnegative(),
  windowMs: z.number().positive(),
  /** iterations the schedule asked for in the window */
  offered: z.number().int().nonnegative(),
  /** window iterations completed (before the graceful stop ran out) */
  iterations: z.number().int().nonnegative(),
  /** window requests completed */
  requests: z.number().int().nonnegative(),
  /** completions per second during the window's seconds ÷ offered per second; null without data */
  achievedRatio: z.number().nullable(),
  /** completed iterations per second during the window's seconds */
  throughput: z.number().nonnegative(),
  dropped: z.number().int().nonnegative(),
  /** share of failed requests (http_req_failed) in the window; null with no requests */
  errorRate: z.number().nullable(),
  /** http_req_latency: from the intended start (coordinated omission corrected) */
  latency: latencySummarySchema.nullable(),
  /** http_req_duration: from the actual send (k6's meaning, service time) */
  duration: latencySummarySchema.nullable(),
  generator: z.object({
    saturated: z.boolean(),
    reasons: z.array(z.string()),
    /** worst per-second event-loop lag p99 in the window, ms */
    eventLoopLagP99: z.number(),
    /** mean generator CPU over the window's seconds, percent of one core */
    cpuMean: z.number(),
    /** whole-run send lag p99 (actual send − intended start), ms */
    sendLagP99: z.number().nullable(),
  }),
  littlesLaw: littlesLawSchema.nullable(),
  /** the VUs the probe ran with, and how they were sized (runner/capacity/vu-sizing.ts) */
  vus: z.object({ preAllocated: z.number().int().nonnegative(), max: z.number().int().positive(), formula: z.string() }).optional(),
  /** how the probe waited for the target to be idle before it started */
  idle: z.object({
    method: z.enum(['metrics', 'fixed']),
    waitedMs: z.number().nonnegative(),
    /** the gauges watched (metrics method), or why metrics were not used */
    detail: z.string(),
  }),
});
export type CapacityProbe = z.infer<typeof capacityProbeSchema>;

export const capacityAnswerSchema = z.object({
  status: z.enum(['converged', 'generator-limited', 'max-rate', 'below-min-rate', 'max-probes']),
  /** maximum sustainable throughput: the highest confirmed passing rate; null when nothing passed */
  mst: z.number().nullable(),
  lowerBound: z.number().nullable(),
  upperBound: z.number().nullable(),
  generatorLimit: z.number().nullable(),
  /** (lowest failure − highest pass) / highest pass */
  precision: z.number().nullable(),
  /** the precision asked for */
  precisionTarget: z.number(),
  probes: z.number().int().nonnegative(),
  searchMs: z.number().nonnegative(),
  message: z.string(),
  /** requests one iteration made in the passing probe(s) at the MST, measured; null without one */
  requestsPerIteration: z.number().nullable().optional(),
  /** MST × requestsPerIteration: the requests per second the MST causes */
  mstRequestsPerSecond: z.number().nullable().optional(),
});
export type CapacityAnswer = z.infer<typeof capacityAnswerSchema>;

const hpaSampleSchema = z.object({
  t: z.number(),
  offered: z.number(),
  ready: z.number(),
  replicas: z.number(),
  recommended: z.number(),
  /** null when no pod was ready while requests arrived (unbounded) */
  utilisation: z.number().nullable(),
  capacity: z.number(),
  backlog: z.number(),
  /** null when unbounded (no capacity) */
  queueingDelayMs: z.number().nullable(),
});

export const capacityPeakSchema = z.object({
  /** the peak in iterations/s (the MST's unit) */
  peak: z.number().positive(),
  /** the peak as the user gave it: its number and unit (--peak 3000 or --peak 3000rps) */
  given: z.object({ value: z.number().positive(), unit: z.enum(['iterations/s', 'requests/s']) }).optional(),
  /** requests per iteration used to convert a peak given in requests/s; null when none was needed or none measured */
  requestsPerIteration: z.number().nullable().optional(),
  headroom: z.number().positive().max(1),
  /** ⌈peak / (MST × headroom)⌉; null when there is no MST */
  instances: z.number().int().nonnegative().nullable(),
  instancesFormula: z.string(),
  hpa: z
    .object({
      /** where the arrival profile came from */
      profileSource: z.enum(['scenario', 'step']),
      profile: z.object({ startRate: z.number(), stages: z.array(z.object({ durationMs: z.number(), target: z.number() })) }),
      params: z.object({
        targetUtilization: z.number(),
        tolerance: z.number(),
        syncPeriodMs: z.number(),
        minReplicas: z.number().int(),
        maxReplicas: z.number().int(),
        podStartupMs: z.number(),
      }),
      summary: z.object({
        durationSeconds: z.number(),
        peakOffered: z.number(),
        initialReplicas: z.number(),
        maxReplicasUsed: z.number(),
        hitMaxReplicas: z.boolean(),
        maxBacklog: z.number(),
        maxQueueingDelayMs: z.number().nullable(),
        maxQueueingDelayAt: z.number(),
        secondsOverSlo: z.number(),
        secondsQueueing: z.number(),
        backlogAtEnd: z.number(),
        preScale: z.object({ replicas: z.number().int(), headroom: z.number(), exceedsMaxReplicas: z.boolean() }),
        autoscalingSuffices: z.boolean(),
        verdict: z.string(),
      }),
      series: z.array(hpaSampleSchema),
    })
    .nullable(),
});
export type CapacityPeak = z.infer<typeof capacityPeakSchema>;

export const sweepPointSchema = z.object({
  /** the swept quantity's value (VUs, or the target's worker processes) */
  n: z.number().positive(),
  /** completed iterations per second over the measured window */
  throughput: z.number().nonnegative(),
  latency: latencySummarySchema.nullable(),
  errorRate: z.number().nullable(),
  generatorSaturated: z.boolean(),
  durationMs: z.number().nonnegative(),
  /** the closed model's VUs (= n for a VU sweep); absent in documents written before workers sweeps */
  vus: z.number().int().positive().optional(),
  /** 1-based window at this n when each n is measured more than once */
  run: z.number().int().positive().optional(),
  /** mean load-generator CPU over the window, % of one core (it shares the machine with the target) */
  generatorCpuPercent: z.number().nonnegative().optional(),
  /** workers sweep: warm-up before this count's first window until throughput settled, ms */
  settleMs: z.number().nonnegative().optional(),
  /** …and the throughput of each warm-up chunk, iterations/s */
  settleChunks: z.array(z.number()).optional(),
});
export type SweepPoint = z.infer<typeof sweepPointSchema>;

export const capacitySweepSchema = z.object({
  kind: z.enum(['vus', 'workers']),
  points: z.array(sweepPointSchema),
  /** how each point's throughput was measured (closed model, VUs, window) */
  method: z.string().optional(),
  /** workers sweep: the target configuration started for each count (workers left out) */
  targetConfig: stringMap.nullable().optional(),
  /** what made points suspect (a target whose throughput never settled) */
  warnings: z.array(z.string()).optional(),
  /** the USL fit (runner/capacity/usl-format.ts UslJson); null when it could not be fitted */
  usl: z
    .object({
      alpha: z.number(),
      beta: z.number(),
      gamma: z.number(),
      peakConcurrency: z.number().nullable(),
      peakThroughput: z.number().nullable(),
      amdahlCeiling: z.number().nullable(),
      peakUnbounded: z.boolean(),
      r2: z.number(),
      iterations: z.number(),
      standardErrors: z.object({ alpha: z.number(), beta: z.number(), gamma: z.number() }).nullable(),
      residuals: z.array(z.object({ n: z.number(), measured: z.number(), fitted: z.number(), residual: z.number() })),
      notes: z.array(z.string()),
    })
    .nullable(),
  /** why there is no fit */
  uslError: z.string().nullable(),
});
export type CapacitySweep = z.infer<typeof capacitySweepSchema>;

export const capacityDocumentSchema = z.object({
  schemaVersion: z.literal(CAPACITY_SCHEMA_VERSION),
  kind: z.literal('capacity'),
  meta: z.object({
    tool: z.object({ name: z.literal('stampede'), version: z.string() }),
    node: z.string(),
    platform: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    scenarioFile: z.string(),
    scenarioName: z.string(),
    /** the journey every probe runs (the first scenario's exec) */
    exec: z.string(),
    env: stringMap,
    target: z.string().nullable(),
    /** the target configuration started for the search (--target-config), secrets left out */
    targetConfig: stringMap.nullable().optional(),
    startTime: z.string(),
    endTime: z.string(),
  }),
  /** the service-level objective every probe is judged against */
  slo: z.object({
    /** threshold expressions on http_req_latency (coordinated omission corrected), e.g. ['p(99)<200'] */
    latency: z.array(z.string()).min(1),
    latencyMetric: z.literal('http_req_latency'),
    /** expression on http_req_failed, e.g. 'rate<0.01' */
    errors: z.string(),
    /** a probe needs achieved ≥ this share of the offered rate */
    minAchievedRatio: z.number(),
    maxDropped: z.number().int(),
  }),
  settings: z.object({
    startRate: z.number().positive(),
    precision: z.number().positive(),
    warmupMs: z.number().nonnegative(),
    windowMs: z.number().positive(),
    maxProbes: z.number().int().positive(),
    growthFactor: z.number(),
    confirmations: z.number().int().nonnegative(),
    cooldownMs: z.number().nonnegative(),
    maxVUs: z.number().int().positive().nullable(),
    metricsUrl: z.string().nullable(),
  }),
  /** how the probes' VUs were sized: the journey as measured by a pilot before the search */
  sizing: z
    .object({
      pilot: z.object({ rate: z.number(), windowMs: z.number(), iterations: z.number().int(), requests: z.number().int(), meanIterationMs: z.number().nullable() }).nullable(),
      journey: z.object({ meanMs: z.number(), requestsPerIteration: z.number(), source: z.string() }).nullable(),
      margin: z.number(),
      ceiling: z.number().int(),
      rule: z.string(),
    })
    .nullable()
    .optional(),
  /** null when only a sweep was asked for */
  answer: capacityAnswerSchema.nullable(),
  probes: z.array(capacityProbeSchema),
  peak: capacityPeakSchema.nullable(),
  sweep: capacitySweepSchema.nullable(),
  warnings: z.array(z.string()),
});
export type CapacityDocument = z.infer<typeof capacityDocumentSchema>;
