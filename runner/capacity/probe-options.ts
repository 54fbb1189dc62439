// The scenario options a capacity probe (or sweep point) runs with: the user's scenario file
// and journey, its executors replaced. See analysis/window.ts for why a probe is two scenarios.
import type { ConstantArrivalRateScenario, ConstantVusScenario, NormalisedOptions, NormalisedScenario } from '../scenario/types.ts';
import { StampedeError } from '../errors.ts';
import { withOptions, type RunPlan } from '../plan/run-plan.ts';
import { WARMUP_SCENARIO, WINDOW_SCENARIO } from '../analysis/window.ts';

export interface ProbePlan {
  rate: number;
  warmupMs: number;
  windowMs: number;
  /** the SLO's latency bound, ms: the graceful stop is sized from it */
  latencyBoundMs: number;
  /** VUs of each of the probe's two scenarios (vu-sizing.ts) */
  vus: { preAllocatedVUs: number; maxVUs: number };
}

/** The scenario whose journey the probes run: the first one (k6 runs scenarios in declaration order). */
export function mainScenario(options: NormalisedOptions, file: string): NormalisedScenario {
  const s = options.scenarios[0];
  if (!s) throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: the scenario has no scenarios to take the journey from`);
  return s;
}

/** Grace for window iterations still running at the window's end: enough to finish a slow tail, bounded so an overloaded probe does not hang. */
export function probeGracefulStopMs(latencyBoundMs: number): number {
  return Math.min(30_000, Math.max(2000, 10 * latencyBoundMs));
}

/** Replaces the scenario's executors with warm-up + window at `plan.rate`; drops its thresholds (the SLO judges the probe). */
export function probeOptions(options: NormalisedOptions, file: string, probe: ProbePlan): NormalisedOptions {
  const main = mainScenario(options, file);
  const { preAllocatedVUs, maxVUs } = probe.vus;
  const common = {
    executor: 'constant-arrival-rate' as const,
    exec: main.exec,
    env: main.env,
    tags: main.tags,
    rate: probe.rate,
    timeUnitMs: 1000,
    preAllocatedVUs,
    maxVUs,
  };
  const scenarios: ConstantArrivalRateScenario[] = [];
  if (probe.warmupMs > 0) scenarios.push({ ...common, name: WARMUP_SCENARIO, startTimeMs: 0, durationMs: probe.warmupMs, gracefulStopMs: probeGracefulStopMs(probe.latencyBoundMs) });
  scenarios.push({ ...common, name: WINDOW_SCENARIO, startTimeMs: probe.warmupMs, durationMs: probe.windowMs, gracefulStopMs: probeGracefulStopMs(probe.latencyBoundMs) });
  return { ...options, scenarios, thresholds: [] };
}

/**
 * Closed model for a sweep point: `vus` VUs looping the journey, warm-up then window as two
 * scenarios (as a probe; analysis/window.ts). A warm-up VU starts no iteration after the warm-up ends
 * but finishes the one in flight (gracefulStop): interrupting it (gracefulStop 0, as this was
 * first written) abandons a request the target still serves — a server cannot tell — so with
 * more VUs than the target runs at once the window's first (VUs − N) × service-time went to
 * answers nobody counted, and throughput read up to 30 % low (measured against a 1-slot
 * server with 32 VUs: 34/s instead of 50/s). Finishing them keeps the target saturated
 * through the handover and their completions count: throughput is read from the timeline,
 * whichever scenario started the iteration. The window's latency histograms are its own VUs'.
 */
export function sweepOptions(options: NormalisedOptions, file: string, vus: number, warmupMs: number, windowMs: number): NormalisedOptions {
  const main = mainScenario(options, file);
  const common = { executor: 'constant-vus' as const, exec: main.exec, env: main.env, tags: main.tags, vus };
  const scenarios: ConstantVusScenario[] = [];
  if (warmupMs > 0) scenarios.push({ ...common, name: WARMUP_SCENARIO, startTimeMs: 0, durationMs: warmupMs, gracefulStopMs: 30_000 });
  scenarios.push({ ...common, name: WINDOW_SCENARIO, startTimeMs: warmupMs, durationMs: windowMs, gracefulStopMs: 5000 });
  return { ...options, scenarios, thresholds: [] };
}

/** The plan of a capacity probe: `plan` with its executors replaced by the probe's (probeOptions). */
export function withProbe(plan: RunPlan, probe: ProbePlan): RunPlan {
  return withOptions(plan, probeOptions(plan.options, plan.scenario.file, probe));
}

/** The plan of a sweep point: `plan` with `vus` closed-model VUs, warm-up then window (sweepOptions). */
export function withSweepPoint(plan: RunPlan, vus: number, warmupMs: number, windowMs: number): RunPlan {
  return withOptions(plan, sweepOptions(plan.options, plan.scenario.file, vus, warmupMs, windowMs));
}
