// Assertions shared by the services' tests: is a process really gone, is a port really closed.
import { readFileSync } from 'node:fs';
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
