// Assertions shared by the services' tests: is a process really gone, is a port really closed.
import { readdirSync, readFileSync } from 'node:fs';
import { portOpen } from './free-port.ts';

/**
 * True when the PID no longer runs. A zombie counts as gone: PID 1 on these machines does not
 * reap orphans, so a server that outlived its parent and then exited stays as <defunct>.
 */
export function processGone(pid: number): boolean {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return /^State:\s+Z/m.test(status);
  } catch {
    return true;
  }
}

export async function portClosed(port: number): Promise<boolean> {
  return !(await portOpen(port));
}

/** Poll until `check` is true or `ms` elapse; returns the last result. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const portOf = (url: string): number => Number(new URL(url).port);

/** Live (non-zombie) descendants of `root`, read from /proc: every process it started, at any depth. */
export function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parentOf.set(Number(d), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift() as number;
    for (const [c, pp] of parentOf) {
      if (pp === p) {
        out.push(c);
        queue.push(c);
      }
    }
  }
  return out;
}

/** The process group of a pid (field 5 of /proc/<pid>/stat), or null when it is gone. */
export function processGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]);
  } catch {
    return null;
  }
}
