// One run's row in a comparison, from its RunResult (and the shop's invariants when read).
import type { RunResult } from '../result/schema.ts';
import type { RunSummary } from '../result/comparison-schema.ts';
import type { ShopInvariants } from '../orchestrate/invariants.ts';
import { resourceFigures } from '../orchestrate/resource-sampler.ts';

/** The scenarios' invariant checks (scenarios/shop/journeys.ts); any other check is a journey check. */
export const INVARIANT_CHECKS = ['no oversell', 'no accepted order missing', 'queue drained', 'stock consistent'];

const value = (r: RunResult, metric: string, key: string): number | null => {
  const v = r.metrics[metric]?.values[key];
  return v === undefined || !Number.isFinite(v) ? null : v;
};

/**
 * The share of failed requests: http_req_failed, the one definition every page uses (no answer,
 * or a status the scenario did not expect — a checkout's 409 sold out is expected).
 */
export function failedRequestRate(r: RunResult): number {
  return value(r, 'http_req_failed', 'rate') ?? 0;
}

/** The thresholds that failed, as 'metric: expression'. */
export function failedThresholds(r: RunResult): string[] {
  return r.thresholds.filter((t) => !t.ok).map((t) => `${t.key}: ${t.source}`);
}

export function summariseRun(r: RunResult, inv: ShopInvariants | null): RunSummary {
  const invariantChecks = r.checks.filter((c) => INVARIANT_CHECKS.includes(c.name));
  const errorRate = failedRequestRate(r);
  return {
    // achieved: answered requests per second (a failed request is not throughput)
    requestsPerSecond: (value(r, 'http_reqs', 'rate') ?? 0) * (1 - errorRate),
    iterationsPerSecond: value(r, 'iterations', 'rate') ?? 0,
    achievedRatio: r.generator.achievedRatio,
    droppedIterations: value(r, 'dropped_iterations', 'count') ?? 0,
    latencyP50: value(r, 'http_req_latency', 'p(50)') ?? value(r, 'http_req_latency', 'med'),
    latencyP90: value(r, 'http_req_latency', 'p(90)'),
    latencyP99: value(r, 'http_req_latency', 'p(99)'),
    durationP90: value(r, 'http_req_duration', 'p(90)'),
    durationP50: value(r, 'http_req_duration', 'p(50)') ?? value(r, 'http_req_duration', 'med'),
    durationP99: value(r, 'http_req_duration', 'p(99)'),
    errorRate,
    sold: inv?.sold ?? null,
    oversold: inv?.oversold ?? null,
    acceptedButMissing: inv?.acceptedButMissing ?? null,
    drained: inv?.drained ?? null,
    checksPassed: r.checks.reduce((n, c) => n + c.passes, 0),
    checksFailed: r.checks.reduce((n, c) => n + c.fails, 0),
    invariantChecksOk: invariantChecks.length === 0 ? null : invariantChecks.every((c) => c.fails === 0 && c.passes > 0),
    thresholdsPassed: r.thresholds.filter((t) => t.ok).length,
    thresholdsFailed: r.thresholds.filter((t) => !t.ok).length,
    failedThresholds: failedThresholds(r),
    diedAt: r.server?.diedAt ?? null,
    partial: r.partial,
    ...targetCost(r),
  };
}

/** The target's cost columns; absent when Stampede did not start it (or /proc was unreadable). */
function targetCost(r: RunResult): Pick<RunSummary, 'targetCpuSecondsPer1000Requests' | 'requestsPerTargetCoreSecond' | 'targetPeakRssMb'> {
  const res = r.server?.resources;
  if (!res) return {};
  const f = resourceFigures(res, value(r, 'http_reqs', 'count') ?? 0);
  return { targetCpuSecondsPer1000Requests: f.cpuSecondsPer1000Requests, requestsPerTargetCoreSecond: f.requestsPerCoreSecond, targetPeakRssMb: res.peakRssMb };
}
