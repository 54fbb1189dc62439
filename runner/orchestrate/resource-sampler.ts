// The resources of a target Stampede started, sampled once a second from /proc while the run
// goes (proc-reader.ts), and turned into series on the run's time axis and totals for the
// summary. CPU is counted from cumulative ticks per process: a process present at the first
// sample counts from there; one that appears later counts from zero (it started during the
// run); one that exits between two samples loses at most its last second.
import os from 'node:os';
import type { ServerMetrics, TargetResources } from '../result/schema.ts';
import { clockTicks, cpuList, cpusAllowed, fdCount, machineTicks, processTree } from './proc-reader.ts';

interface ProcSample {
  pid: number;
  comm: string;
  cpuTicks: number;
  rssBytes: number;
  threads: number;
  fds: number | null;
}
interface Sample {
  atMs: number;
  procs: ProcSample[];
}

export interface ResourceSampler {
  /** the totals and series of the samples so far, while sampling goes on (the live dashboard) */
  snapshot(runStartEpochMs: number): { resources: TargetResources; series: ServerMetrics['series'] };
  /** the last sample, then the totals and series; call once */
  stop(runStartEpochMs: number): { resources: TargetResources; series: ServerMetrics['series'] };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function sample(roots: readonly number[]): Sample {
  const procs = processTree(roots).map((p) => ({ pid: p.pid, comm: p.comm, cpuTicks: p.cpuTicks, rssBytes: p.rssBytes, threads: p.threads, fds: fdCount(p.pid) }));
  return { atMs: Date.now(), procs };
}

/** `roots()` is asked at every sample (a restarted server has a new PID). */
export function startResourceSampler(roots: () => number[], intervalMs = 1000): ResourceSampler {
  const samples: Sample[] = [sample(roots())];
  const machine0 = machineTicks();
  const self0 = process.cpuUsage();
  const started = Date.now();
  const timer = setInterval(() => samples.push(sample(roots())), intervalMs);
  timer.unref();
  const sofar = (runStartEpochMs: number) => {
    const seconds = (Date.now() - started) / 1000;
    const hz = clockTicks();
    const self = process.cpuUsage(self0);
    const machine1 = machineTicks();
    return summarise(samples, roots(), hz, runStartEpochMs, seconds, (self.user + self.system) / 1e6, machine0 && machine1 ? (machine1.busy - machine0.busy) / hz : null);
  };
  return {
    snapshot: sofar,
    stop(runStartEpochMs) {
      clearInterval(timer);
      samples.push(sample(roots()));
      return sofar(runStartEpochMs);
    },
  };
}

function summarise(samples: Sample[], rootPids: number[], hz: number, runStartMs: number, seconds: number, generatorCpuSeconds: number, busyCoreSeconds: number | null): { resources: TargetResources; series: ServerMetrics['series'] } {
  const first = new Map<number, number>(); // pid → ticks at first sight (0 when born after the first sample)
  const last = new Map<number, ProcSample>();
  const peakRss = new Map<number, number>();
  const series: ServerMetrics['series'] = { target_cpu_percent: [], target_rss_mb: [], target_threads: [], target_fds: [], target_processes: [] };
  const perProcess = new Map<number, Array<[number, number]>>();
  const initial = new Set((samples[0]?.procs ?? []).map((p) => p.pid));
  let peakRssMb = 0;
  let peakThreads = 0;
  let peakFds: number | null = null;
  let peakProcesses = 0;
  let prev: Sample | null = null;
  for (const s of samples) {
    const t = Math.round((s.atMs - runStartMs) / 1000);
    let rss = 0;
    let threads = 0;
    let fds: number | null = null;
    for (const p of s.procs) {
      if (!first.has(p.pid)) first.set(p.pid, initial.has(p.pid) ? p.cpuTicks : 0);
      last.set(p.pid, p);
      rss += p.rssBytes;
      threads += p.threads;
      if (p.fds !== null) fds = (fds ?? 0) + p.fds;
      peakRss.set(p.pid, Math.max(peakRss.get(p.pid) ?? 0, p.rssBytes / 1e6));
    }
    peakRssMb = Math.max(peakRssMb, rss / 1e6);
    peakThreads = Math.max(peakThreads, threads);
    if (fds !== null) peakFds = Math.max(peakFds ?? 0, fds);
    peakProcesses = Math.max(peakProcesses, s.procs.length);
    if (t >= 0) {
      series.target_rss_mb?.push([t, round(rss / 1e6, 1)]);
      series.target_threads?.push([t, threads]);
      if (fds !== null) series.target_fds?.push([t, fds]);
      series.target_processes?.push([t, s.procs.length]);
    }
    if (prev && t >= 0) {
      const dt = (s.atMs - prev.atMs) / 1000;
      if (dt > 0) {
        const before = new Map(prev.procs.map((p) => [p.pid, p.cpuTicks]));
        let total = 0;
        for (const p of s.procs) {
          const d = Math.max(0, p.cpuTicks - (before.get(p.pid) ?? 0));
          total += d;
          let own = perProcess.get(p.pid);
          if (!own) perProcess.set(p.pid, (own = []));
          own.push([t, round((d / hz / dt) * 100, 1)]);
        }
        series.target_cpu_percent?.push([t, round((total / hz / dt) * 100, 1)]);
      }
    }
    prev = s;
  }
  const processes = [...last.values()].map((p) => ({ pid: p.pid, comm: p.comm, cpuSeconds: round((p.cpuTicks - (first.get(p.pid) ?? 0)) / hz), peakRssMb: round(peakRss.get(p.pid) ?? 0, 1), cpuPercent: perProcess.get(p.pid) ?? [] }));
  const cpuSeconds = round(processes.reduce((a, p) => a + p.cpuSeconds, 0));
  const cpus = os.cpus().length;
  const generatorCpus = cpusAllowed('self');
  const targetCpus = rootPids[0] !== undefined ? cpusAllowed(rootPids[0]) : null;
  const capacity = cpus * seconds;
  const machine =
    busyCoreSeconds === null || capacity <= 0
      ? null
      : {
          cpus,
          busyCoreSeconds: round(busyCoreSeconds),
          generatorCpuSeconds: round(generatorCpuSeconds),
          generatorShare: round(generatorCpuSeconds / capacity),
          targetShare: round(cpuSeconds / capacity),
          otherShare: round(Math.max(0, busyCoreSeconds - generatorCpuSeconds - cpuSeconds) / capacity),
          generatorCpus,
          targetCpus,
          // without a readable affinity both may run anywhere: that is sharing
          sharedCores: generatorCpus === null || targetCpus === null || cpuList(generatorCpus).some((c) => cpuList(targetCpus).includes(c)),
        };
  return {
    resources: { source: 'proc', rootPids, seconds: round(seconds), cpuSeconds, peakRssMb: round(peakRssMb, 1), peakThreads, peakFds, peakProcesses, processes, machine },
    series,
  };
}

// the derived figures live beside the schema (the report, a browser page, reads them too)
export { resourceFigures } from '../result/resource-figures.ts';
