// What /proc says about a process tree: CPU ticks (user+sys), RSS, threads, open fds.
//
// Decision: a reader of our own (Linux only), not pidusage or systeminformation. pidusage
// gives a CPU percentage and memory per PID but neither the tree, threads nor file
// descriptors, and on Linux it is itself a /proc/<pid>/stat reader; pidusage-tree adds the
// tree by running `ps`. systeminformation's process list also spawns `ps` on every call and
// returns the whole machine. We need cumulative ticks per process (to turn into CPU-seconds
// exactly, not averaged percentages), every process of the target's session (a gunicorn's
// workers, the shop's cluster), and fds: four small files per process, read here.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  /** R, S, D, Z (a zombie: dead, not yet reaped), … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** utime + stime, clock ticks */
  cpuTicks: number;
  threads: number;
  rssBytes: number;
}

function getconf(name: string, fallback: number): number {
  try {
    const v = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : fallback;
  } catch {
    return fallback;
  }
}

let clk: number | undefined;
let page: number | undefined;
/** clock ticks per second (USER_HZ) */
export const clockTicks = (): number => (clk ??= getconf('CLK_TCK', 100));
const pageSize = (): number => (page ??= getconf('PAGESIZE', 4096));

export const procAvailable = (): boolean => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
};

/** /proc/<pid>/stat parsed; null when the process is gone. comm may hold spaces and ')'. */
export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < 0) return null;
  // fields after comm, numbered as in proc(5): 3 state, 4 ppid, 5 pgrp, 6 session, 14 utime,
  // 15 stime, 20 num_threads, 24 rss (pages)
  const f = text.slice(close + 2).split(' ');
  const at = (n: number) => Number(f[n - 3]);
  return { pid, comm: text.slice(open + 1, close), state: f[0] ?? '?', ppid: at(4), pgrp: at(5), session: at(6), cpuTicks: at(14) + at(15), threads: at(20), rssBytes: at(24) * pageSize() };
}

/**
 * The processes of process group `pgid` that still run: zombies left out (a dead process whose
 * parent died before reaping it stays a zombie where PID 1 does not reap orphans; it runs nothing).
 */
export function liveGroupMembers(pgid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readProcStat(Number(name));
    if (s && s.pgrp === pgid && s.state !== 'Z') out.push(s.pid);
  }
  return out;
}

/** Open file descriptors of `pid`; null when they cannot be read (gone, or not ours). */
export function fdCount(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** Cpus_allowed_list of `pid` ('0-1'); null when unreadable. */
export function cpusAllowed(pid: number | 'self'): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** '0-2,5' → [0,1,2,5] */
export function cpuList(list: string): number[] {
  const out: number[] = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isFinite(a)) continue;
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

/** Busy and total ticks of the whole machine (first line of /proc/stat). */
export function machineTicks(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/**
 * Every process of the trees rooted at `roots`: descendants by parent PID, and every process
 * of the roots' sessions (a started target has a session of its own, so a daemonised child
 * that was re-parented to init is still counted).
 */
export function processTree(roots: readonly number[]): ProcStat[] {
  if (roots.length === 0) return [];
  const all: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readProcStat(Number(name));
    if (s) all.push(s);
  }
  const inTree = new Set<number>(roots.filter((r) => all.some((p) => p.pid === r)));
  for (const p of all) if (roots.includes(p.session)) inTree.add(p.pid);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return all.filter((p) => inTree.has(p.pid));
}
