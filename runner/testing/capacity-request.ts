// A capacity request for tests: short probes, no SLO, no sweep, no target — each test sets what
// it is about on top. The scenario file is loaded once into the request's plan, as the CLI does.
import type { CapacityRequest } from '../capacity/run-capacity.ts';
import { loadPlan } from '../plan/load-plan.ts';

export interface TestCapacityRequest extends Partial<Omit<CapacityRequest, 'plan'>> {
  file: string;
  /** the scenario's env (default none) */
  env?: Record<string, string>;
  target?: string | null;
  threads?: number;
}

export async function capacityRequest(over: TestCapacityRequest): Promise<CapacityRequest> {
  const { file, env = {}, target = null, threads = 1, ...rest } = over;
  return {
    plan: await loadPlan(file, { env, threads, target }),
    slo: null,
    startRate: null,
    precision: 0.05,
    warmupMs: 1000,
    windowMs: 2000,
    maxProbes: 12,
    confirmations: 1,
    growthFactor: 2,
    cooldownMs: 200,
    maxVUs: null,
    metricsUrl: null,
    peak: null,
    sweep: null,
    log: () => {},
    ...rest,
  };
}
