// A capacity request for tests: short probes, no SLO, no sweep, no target — each test sets what
// it is about on top.
import type { CapacityRequest } from '../capacity/run-capacity.ts';

export function capacityRequest(over: Partial<CapacityRequest> & Pick<CapacityRequest, 'file'>): CapacityRequest {
  return {
    env: {},
    target: null,
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
    threads: 1,
    log: () => {},
    ...over,
  };
}
