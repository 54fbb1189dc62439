// Figures derived from a started target's /proc resources and the run's request count, shared
// by the terminal summary, the comparison and the report (pure: the report runs in a browser).
import type { TargetResources } from './schema.ts';

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;

export function resourceFigures(r: Pick<TargetResources, 'cpuSeconds'>, requests: number): { cpuSecondsPer1000Requests: number | null; requestsPerCoreSecond: number | null } {
  return {
    cpuSecondsPer1000Requests: requests > 0 ? round((r.cpuSeconds / requests) * 1000, 4) : null,
    requestsPerCoreSecond: r.cpuSeconds > 0 ? round(requests / r.cpuSeconds, 1) : null,
  };
}
