// comparison.json: what `stampede compare` writes — one scenario run against several target
// configurations, each --repeat times. Versioned and validated on write and read, like RunResult.
//
// Decision: the comparison holds, per run, the path of its result.json (relative to the
// comparison's folder) and a summary row extracted from it — not the whole RunResult. Full
// results with histograms are megabytes each; the summary has every number the ranking and the
// table use, and a reader that wants more (the dashboard's compare page, `stampede report`)
// opens the run's result.json beside it. Times are milliseconds; rates are per second.
import { z } from 'zod';

export const COMPARISON_SCHEMA_VERSION = 1;

/** The numbers of one run that a comparison ranks (from its result.json and the shop's invariants). */
export const runSummarySchema = z.object({
  /** achieved rate: requests that did not fail (http_req_failed) per second over the run */
  requestsPerSecond: z.number(),
  iterationsPerSecond: z.number(),
  /** started ÷ scheduled iterations in the open model; null for closed-model scenarios */
  achievedRatio: z.number().nullable(),
  droppedIterations: z.number(),
  /** http_req_latency (from the intended start, coordinated omission corrected), ms */
  latencyP50: z.number().nullable(),
  latencyP99: z.number().nullable(),
  /** p90 of both definitions (absent in comparisons written before it existed) */
  latencyP90: z.number().nullable().optional(),
  durationP90: z.number().nullable().optional(),
  /** http_req_duration (from the actual send, k6's meaning), ms */
  durationP50: z.number().nullable(),
  durationP99: z.number().nullable(),
  /** http_req_failed: share of requests with no answer or an unexpected status (the scenario's expectedStatuses; 409 sold out is expected in the shop's) */
  errorRate: z.number(),
  /** the shop's invariants after the run (null when unknown: not the shop, or it could not be read) */
  sold: z.number().nullable(),
  oversold: z.number().nullable(),
  acceptedButMissing: z.number().nullable(),
  drained: z.boolean().nullable(),
  checksPassed: z.number().int().nonnegative(),
  checksFailed: z.number().int().nonnegative(),
  /** every invariant check of the scenario (no oversell, no accepted order missing, ...) passed; null when it has none */
  invariantChecksOk: z.boolean().nullable(),
  thresholdsPassed: z.number().int().nonnegative(),
  thresholdsFailed: z.number().int().nonnegative(),
  /** the failed thresholds, as 'metric: expression' (absent in comparisons written before it existed) */
  failedThresholds: z.array(z.string()).optional(),
  /** t (s) at which the target stopped answering, when it died */
  diedAt: z.number().nullable(),
  /** a target started by Stampede, from /proc: its CPU-seconds per 1,000 requests, requests per core-second, peak RSS (MB) */
  targetCpuSecondsPer1000Requests: z.number().nullable().optional(),
  requestsPerTargetCoreSecond: z.number().nullable().optional(),
  targetPeakRssMb: z.number().nullable().optional(),
  partial: z.boolean(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const comparisonRunSchema = z.object({
  /** 1-based */
  repeat: z.number().int().positive(),
  status: z.enum(['ok', 'failed']),
  /** what `stampede run` would have exited with for this run (0, 99, ...) */
  exitCode: z.number().int(),
  /** relative to the folder of comparison.json */
  resultFile: z.string().nullable(),
  reportFile: z.string().nullable(),
  error: z.string().nullable(),
  summary: runSummarySchema.nullable(),
});
export type ComparisonRun = z.infer<typeof comparisonRunSchema>;

export const statSchema = z.object({ median: z.number(), min: z.number(), max: z.number(), n: z.number().int().positive() });
export type Stat = z.infer<typeof statSchema>;

export const columnKeySchema = z.enum(['requestsPerSecond', 'latencyP50', 'latencyP99', 'durationP50', 'durationP99', 'errorRate', 'sold', 'oversold', 'checksFailed', 'thresholdsFailed', 'targetCpuSecondsPer1000Requests', 'targetPeakRssMb']);
export type ColumnKey = z.infer<typeof columnKeySchema>;

export const comparisonConfigurationSchema = z.object({
  /** folder name of its runs, unique in the comparison */
  id: z.string().min(1),
  /** the knobs as given: 'variant=async,cache=redis' */
  label: z.string(),
  given: z.record(z.string(), z.string()),
  /** every knob as the target ran with it (defaults filled); null when skipped before validation */
  config: z.record(z.string(), z.string()).nullable(),
  status: z.enum(['ran', 'skipped']),
  skipReason: z.string().nullable(),
  runs: z.array(comparisonRunSchema),
  /** per column over the successful runs; null when none succeeded */
  stats: z.partialRecord(columnKeySchema, statSchema).nullable(),
  /** 1 = best; null when skipped */
  rank: z.number().int().positive().nullable(),
});
export type ComparisonConfiguration = z.infer<typeof comparisonConfigurationSchema>;

export const winnerSchema = z.object({
  column: columnKeySchema,
  /** configuration id with the best median; null when no configuration has the column or all tie */
  id: z.string().nullable(),
  /** true: the winner's range does not overlap the runner-up's; false: it does; null: not tested (single runs) */
  real: z.boolean().nullable(),
});
export type Winner = z.infer<typeof winnerSchema>;

export const comparisonSchema = z.object({
  schemaVersion: z.literal(COMPARISON_SCHEMA_VERSION),
  kind: z.literal('comparison'),
  meta: z.object({
    tool: z.object({ name: z.literal('stampede'), version: z.string() }),
    node: z.string(),
    /** absent in comparisons written before the meta block was shared with runs */
    platform: z.string().optional(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    scenarioFile: z.string(),
    scenarioName: z.string(),
    /** --matrix as given (inline text or the file's path) */
    matrix: z.string(),
    repeat: z.number().int().positive(),
    cooldownMs: z.number().nonnegative(),
    env: z.record(z.string(), z.string()),
    startTime: z.string(),
    endTime: z.string(),
    /** true when the comparison was interrupted before every run was done */
    partial: z.boolean(),
    /** --rank: 'cost' ranks the configurations that meet the scenario's thresholds by the target's CPU-s per request (default 'latency') */
    rankBy: z.enum(['latency', 'cost']).optional(),
  }),
  configurations: z.array(comparisonConfigurationSchema),
  winners: z.array(winnerSchema),
  /** configuration ids, best first (ran ones only) */
  ranking: z.array(z.string()),
  /** how the ranking and the "real difference" verdicts are decided, in words */
  method: z.string(),
});
export type Comparison = z.infer<typeof comparisonSchema>;
