// A run plan: everything one test run needs, decided before it starts and passed down as one
// immutable value. The caller (a command, or the capacity search, or the comparison loop) loads
// the scenario once (load-plan.ts), with an explicit env; planRun() normalises what the run
// executes into per-thread segments. A capacity probe or a matrix configuration is a plan
// derived from another by a pure function (withOptions, withEnv, withTarget): no file is read
// again and no global environment is touched. runTest(plan, sinks) (runner/run/run-test.ts)
// runs it.
import type { LoadedScenario } from '../scenario/load.ts';
import type { NormalisedOptions, NormalisedScenario } from '../scenario/types.ts';
import { plannedDurationMs, scenarioEndMs, segmentScenario } from '../scenario/plan.ts';

export type Env = Readonly<Record<string, string>>;

export interface RunPlan {
  /** the scenario as loaded once: file, hash, journeys, lifecycle functions, its own options */
  readonly scenario: LoadedScenario;
  /** what this run executes: the scenario's options, or a derived plan's (a probe's executors) */
  readonly options: NormalisedOptions;
  /**
   * The env the scenario sees at run time (vu.env, k6 __ENV; each scenario's own env on top):
   * the process environment the command started with, --env, and what Stampede sets for a
   * target (BASE, BASE_URL, ADMIN_TOKEN).
   */
  readonly env: Env;
  /** the part of `env` the result records (--env and what Stampede set; not the process environment) */
  readonly recordedEnv: Env;
  /** engine threads (1: the main thread) */
  readonly threads: number;
  /** per engine thread, its segment of every scenario of `options` (scenario/plan.ts segmentScenario) */
  readonly segments: ReadonlyArray<ReadonlyArray<NormalisedScenario>>;
  /** the latest planned end of a scenario, ms from t = 0 (startTime + duration or stages) */
  readonly plannedMs: number;
  /** when every scenario has ended at the latest, ms from t = 0 (planned end + gracefulStop) */
  readonly endMs: number;
  /** the base URL under test, when known (--target, or a target started for the run) */
  readonly target: string | null;
  /** the target configuration started for the run, as recorded (secrets left out) */
  readonly targetConfig: Env | null;
}

export interface PlanSettings {
  /** the env the scenario sees at run time (see RunPlan.env) */
  env: Env;
  /** the part of `env` the result records; default all of it */
  recordedEnv?: Env;
  threads: number;
  target?: string | null;
  targetConfig?: Env | null;
}

/** Plans a run of `scenario` as loaded: its own options, split over `threads`. */
export function planRun(scenario: LoadedScenario, settings: PlanSettings): RunPlan {
  const threads = settings.threads;
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`planRun: expected threads ≥ 1, got ${threads}`);
  return freezePlan({
    scenario,
    options: scenario.options,
    env: { ...settings.env },
    recordedEnv: { ...(settings.recordedEnv ?? settings.env) },
    threads,
    ...schedule(scenario.options, threads),
    target: settings.target ?? null,
    targetConfig: settings.targetConfig ? { ...settings.targetConfig } : null,
  });
}

/** The plan with other options (a capacity probe's executors, say): segments and ends planned again. */
export function withOptions(plan: RunPlan, options: NormalisedOptions): RunPlan {
  return freezePlan({ ...plan, options, ...schedule(options, plan.threads) });
}

/** The plan with `env` over its env (recorded in the result as well). */
export function withEnv(plan: RunPlan, env: Env): RunPlan {
  return freezePlan({ ...plan, env: { ...plan.env, ...env }, recordedEnv: { ...plan.recordedEnv, ...env } });
}

/**
 * The plan against a target started for it: the scenario talks to `url` whatever BASE the
 * shell had (BASE and BASE_URL set, and `env` such as ADMIN_TOKEN), and the result records it.
 */
export function withTarget(plan: RunPlan, target: { url: string; config?: Env | null; env?: Env }): RunPlan {
  const targeted = withEnv(plan, { ...target.env, BASE: target.url, BASE_URL: target.url });
  return freezePlan({ ...targeted, target: target.url, targetConfig: target.config === undefined ? plan.targetConfig : target.config === null ? null : { ...target.config } });
}

function schedule(options: NormalisedOptions, threads: number): Pick<RunPlan, 'segments' | 'plannedMs' | 'endMs'> {
  const segments = Array.from({ length: threads }, (_, index) => options.scenarios.map((s) => segmentScenario(s, index, threads)));
  return {
    segments,
    plannedMs: Math.max(0, ...options.scenarios.map((s) => s.startTimeMs + plannedDurationMs(s))),
    endMs: Math.max(0, ...options.scenarios.map(scenarioEndMs)),
  };
}

/**
 * Freezes the plan and every plain value in it (options, env, segments): a run cannot change
 * what it was given, and a derived plan cannot change its base. The scenario's functions
 * (journeys, setup, teardown) are the module's and stay as they are.
 */
function freezePlan(plan: RunPlan): RunPlan {
  deepFreeze(plan.options);
  deepFreeze(plan.segments);
  Object.freeze(plan.env);
  Object.freeze(plan.recordedEnv);
  if (plan.targetConfig) Object.freeze(plan.targetConfig);
  const s = plan.scenario;
  if (!Object.isFrozen(s)) {
    deepFreeze(s.options);
    Object.freeze(s.warnings);
    Object.freeze(s.journeys);
    Object.freeze(s);
  }
  return Object.freeze(plan);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}
