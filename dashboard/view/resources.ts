// The resources of a target Stampede started (result.server.resources, read from /proc once a
// second): its CPU in cores — in total, per process, and the load generator's beside it, so a
// machine whose cores both share shows the contention — its RSS and its open fds over time, and
// the figures derived from them. Framework-free: the report, the live dashboard and tests read it.
import type { RunResult, TargetResources } from '../../runner/result/schema.ts';
import { DEFAULT_MAX_POINTS } from './timeline.ts';

/** The series Stampede's /proc sampler writes into server.series (drawn here, not as scraped metrics). */
export const RESOURCE_SERIES: ReadonlySet<string> = new Set(['target_cpu_percent', 'target_rss_mb', 'target_threads', 'target_fds', 'target_processes']);

/** Processes drawn one line each; the others are in the total only (a shop has a dozen). */
export const MAX_PROCESS_LINES = 5;

export interface ResourceLine {
  /** data key in the points: 'target', 'generator', 'p0', 'p1', … (never a string from the run) */
  key: string;
  /** legend text, from the run (rendered as text) */
  name: string;
  kind: 'total' | 'generator' | 'process';
}

export type ResourcePoint = { t: number } & Record<string, number | null>;

export interface ResourcesView {
  cpu: { points: ResourcePoint[]; lines: ResourceLine[]; max: number; note: string };
  rss: { points: Array<{ t: number; v: number }>; max: number };
  fds: { points: Array<{ t: number; v: number }>; max: number };
  /** the seconds each point stands for (max over them) when the run is longer than maxPoints */
  bucketS: number;
  /** the target's CPU-seconds over the run and its process count (the derived figures are in the summary's stats) */
  cpuSeconds: number;
  processes: number;
  /** the machine's CPU split, in words; null when /proc/stat could not be read */
  machine: string | null;
  /** set when the generator and the target may run on the same cores */
  sharedCores: string | null;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Keeps at most `maxPoints` points: each bucket of `k` seconds is its maximum per key. */
function bucketByTime<P extends { t: number }>(points: P[], keys: readonly string[], maxPoints: number): { points: P[]; k: number } {
  const lastT = points.at(-1)?.t ?? 0;
  const k = Math.max(1, Math.ceil((lastT + 1) / maxPoints));
  if (k === 1) return { points, k };
  const out = new Map<number, Record<string, number | null>>();
  for (const p of points) {
    const t = Math.floor(p.t / k) * k;
    const row = out.get(t) ?? { t };
    for (const key of keys) {
      const v = (p as Record<string, unknown>)[key];
      if (typeof v !== 'number') continue;
      const prev = row[key];
      row[key] = typeof prev === 'number' ? Math.max(prev, v) : v;
    }
    out.set(t, row);
  }
  return { points: [...out.values()] as P[], k };
}

const seriesOf = (result: RunResult, name: string): Array<[number, number]> => {
  const s = result.server?.series;
  return s && Object.hasOwn(s, name) ? (s[name] ?? []) : [];
};

function cpuPoints(result: RunResult, res: TargetResources): { points: ResourcePoint[]; lines: ResourceLine[]; others: number } {
  const byT = new Map<number, ResourcePoint>();
  const at = (t: number): ResourcePoint => {
    let p = byT.get(t);
    if (!p) byT.set(t, (p = { t }));
    return p;
  };
  const lines: ResourceLine[] = [{ key: 'target', name: 'target, all processes', kind: 'total' }];
  for (const [t, pct] of seriesOf(result, 'target_cpu_percent')) at(t).target = r3(pct / 100);
  // one line per process only when there is more than one (else it is the total again)
  const busiest = res.processes.length > 1 ? [...res.processes].sort((a, b) => b.cpuSeconds - a.cpuSeconds).slice(0, MAX_PROCESS_LINES) : [];
  busiest.forEach((proc, i) => {
    const key = `p${i}`;
    lines.push({ key, name: `${proc.comm} (pid ${proc.pid})`, kind: 'process' });
    for (const [t, pct] of proc.cpuPercent) at(t)[key] = r3(pct / 100);
  });
  // the generator's second t covers [t, t+1); a /proc sample is stamped at the end of the
  // second it measured: the generator's is drawn at t+1 so both describe the same interval
  lines.push({ key: 'generator', name: 'load generator (Stampede)', kind: 'generator' });
  for (const p of result.timeline) at(p.t + 1).generator = r3(p.generatorCpuPercent / 100);
  return { points: [...byT.values()].sort((a, b) => a.t - b.t), lines, others: busiest.length === 0 ? 0 : res.processes.length - busiest.length };
}

export function resourcesView(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): ResourcesView | null {
  const res = result.server?.resources;
  if (!res) return null;
  const cpu = cpuPoints(result, res);
  const cpuB = bucketByTime(cpu.points, cpu.lines.map((l) => l.key), maxPoints);
  const rss = bucketByTime(seriesOf(result, 'target_rss_mb').map(([t, v]) => ({ t, v })), ['v'], maxPoints);
  const fds = bucketByTime(seriesOf(result, 'target_fds').map(([t, v]) => ({ t, v })), ['v'], maxPoints);
  const m = res.machine;
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const cpuMax = Math.max(0, ...cpuB.points.flatMap((p) => cpu.lines.map((l) => p[l.key] ?? 0)));
  const n = res.processes.length;
  return {
    cpu: {
      points: cpuB.points,
      lines: cpu.lines,
      max: cpuMax,
      note: `cores used (1 = one core busy)${cpu.others > 0 ? `; ${cpu.others} more process(es) in the total only` : ''}${cpuB.k > 1 ? `; max of each ${cpuB.k} s` : ''}`,
    },
    rss: { points: rss.points, max: Math.max(0, ...rss.points.map((p) => p.v)) },
    fds: { points: fds.points, max: Math.max(0, ...fds.points.map((p) => p.v)) },
    bucketS: cpuB.k,
    cpuSeconds: res.cpuSeconds,
    processes: n,
    machine: m ? `${m.cpus} cores over ${res.seconds.toFixed(0)} s: generator ${pct(m.generatorShare)}, target ${pct(m.targetShare)}, everything else ${pct(m.otherShare)} of the machine's CPU` : null,
    sharedCores: m?.sharedCores
      ? `The generator and the target ${m.generatorCpus === null || m.targetCpus === null ? 'may run on the same cores' : `share cores (generator ${m.generatorCpus}, target ${m.targetCpus})`}: each one's numbers include the other's contention.`
      : null,
  };
}
