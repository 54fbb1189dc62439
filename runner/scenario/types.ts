// The normalised form of a scenario's k6-style `options`: what the engine executes.
// Produced by runner/scenario/normalise.ts from the user's `options` (k6 names, k6 defaults,
// k6's shortcuts mapped as k6 maps them). All durations are milliseconds here.
import type { ThresholdDef } from '../thresholds/types.ts';

export type ExecutorName =
  | 'shared-iterations'
  | 'per-vu-iterations'
  | 'constant-vus'
  | 'ramping-vus'
  | 'constant-arrival-rate'
  | 'ramping-arrival-rate';

export interface Stage {
  durationMs: number;
  /** VUs for ramping-vus; iterations per timeUnit for ramping-arrival-rate */
  target: number;
}

/** One thread's share of a scenario split across `count` worker threads (k6 execution-segment style). */
export interface ScenarioSegment {
  /** 0-based; a thread with index ≥ count has no share (more threads than the scenario has VUs) */
  index: number;
  count: number;
}

interface ScenarioCommon {
  name: string;
  /** the exported journey function's name ('default' unless `exec` says otherwise) */
  exec: string;
  startTimeMs: number;
  gracefulStopMs: number;
  env: Record<string, string>;
  tags: Record<string, string>;
  /**
   * Set by segmentScenario() (runner/scenario/plan.ts) on a thread's share of the scenario. Then
   * the counts (vus, the iterations of shared-iterations, preAllocatedVUs, maxVUs) are this
   * thread's share, while rates, stages and startVUs stay the whole scenario's: plan.ts's
   * arrivalSchedule(), rampingVusAt() and maxVUsOf() apply the segment.
   */
  segment?: ScenarioSegment;
}

export interface SharedIterationsScenario extends ScenarioCommon {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

export interface PerVuIterationsScenario extends ScenarioCommon {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

export interface ConstantVusScenario extends ScenarioCommon {
  executor: 'constant-vus';
  vus: number;
  durationMs: number;
}

export interface RampingVusScenario extends ScenarioCommon {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}

export interface ConstantArrivalRateScenario extends ScenarioCommon {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface RampingArrivalRateScenario extends ScenarioCommon {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export type NormalisedScenario =
  | SharedIterationsScenario
  | PerVuIterationsScenario
  | ConstantVusScenario
  | RampingVusScenario
  | ConstantArrivalRateScenario
  | RampingArrivalRateScenario;

export type ArrivalRateScenario = ConstantArrivalRateScenario | RampingArrivalRateScenario;

export type { ThresholdDef } from '../thresholds/types.ts';

export interface NormalisedOptions {
  scenarios: NormalisedScenario[];
  thresholds: ThresholdDef[];
  /** global tags added to every metric sample (k6 `tags`) */
  tags: Record<string, string>;
  setupTimeoutMs: number;
  teardownTimeoutMs: number;
  noConnectionReuse: boolean;
  discardResponseBodies: boolean;
  /** https: accept any certificate (k6 `insecureSkipTLSVerify`, default false) */
  insecureSkipTLSVerify: boolean;
  /** k6 `maxRedirects`; Stampede's default is 0 (redirects off) — see README */
  maxRedirects: number;
  userAgent: string;
  /** per-request timeout (k6 default 60 s) */
  httpTimeoutMs: number;
  summaryTrendStats: string[];
}
