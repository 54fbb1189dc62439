// The summary's TARGET lines: what the target started by Stampede cost (from /proc), per 1,000
// requests and per core-second, and how the machine's CPU was split between generator and
// target — flagged when they share cores, because then each one's numbers include the other's
// contention.
import type { RunResult } from '../result/schema.ts';
import { resourceFigures } from '../orchestrate/resource-sampler.ts';

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export function formatTargetResources(r: RunResult): string[] {
  const res = r.server?.resources;
  if (!res) return [];
  const requests = r.metrics.http_reqs?.values.count ?? 0;
  const f = resourceFigures(res, requests);
  const lines = [
    `  TARGET  ${res.cpuSeconds.toFixed(2)} CPU-s over ${res.seconds.toFixed(0)} s (${res.peakProcesses} process(es))` +
      `${f.cpuSecondsPer1000Requests !== null ? `, ${f.cpuSecondsPer1000Requests.toFixed(3)} CPU-s per 1,000 requests` : ''}` +
      `${f.requestsPerCoreSecond !== null ? `, ${f.requestsPerCoreSecond.toFixed(0)} requests per core-second` : ''}` +
      `, peak RSS ${res.peakRssMb.toFixed(0)} MB, threads ${res.peakThreads}${res.peakFds !== null ? `, fds ${res.peakFds}` : ''}`,
  ];
  const m = res.machine;
  if (m) {
    lines.push(
      `  MACHINE ${m.cpus} cores: generator ${pct(m.generatorShare)}, target ${pct(m.targetShare)}, other ${pct(m.otherShare)}` +
        (m.sharedCores ? `  ⚠ generator and target share cores (${m.generatorCpus ?? '?'} / ${m.targetCpus ?? '?'}): each one's numbers include the other's contention` : ''),
    );
  }
  return lines;
}
