// Service folders (embedded PostgreSQL data, redis-server's dir, PgBouncer's config) are made
// under os.tmpdir() and removed when the launcher stops or exits. A launcher that is SIGKILLed
// (or whose machine loses power) cannot remove them: an embedded PostgreSQL's data folder is
// ~40 MB each time. So each folder carries an owner file naming the launcher's pid and that
// process's start time, and every new service folder first removes the folders whose launcher
// is gone — a pid that no longer runs, or runs but started at another time (the pid was reused).
// Folders made before owner files existed are recognised by their name (it carries the pid).
// A folder whose server still runs (a postmaster.pid naming a live process) is left alone.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeDirSync } from './child.ts';

export const OWNER_FILE = 'stampede-owner.json';
// only the launcher's own service folders (support.ts makeServiceDir), never other stampede-* temp dirs
const NAME = /^stampede-(embedded-pg|pg-cluster|replica|redis|pgbouncer)-(\d+)-[A-Za-z0-9]{6}$/;

interface Owner {
  pid: number;
  /** field 22 of /proc/<pid>/stat: clock ticks since boot; null where /proc is missing */
  startTime: string | null;
}

/** The start time of a live, non-zombie process, '' when it runs but /proc says nothing, null when it is gone. */
function startTimeOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null;
    return fields[19] ?? '';
  } catch {
    if (process.platform === 'linux') return null;
    try {
      process.kill(pid, 0);
      return '';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? '' : null;
    }
  }
}

/** Writes the owner file of a folder this process made. */
export function claimDir(dir: string): void {
  const owner: Owner = { pid: process.pid, startTime: startTimeOf(process.pid) };
  writeFileSync(path.join(dir, OWNER_FILE), `${JSON.stringify(owner)}\n`, { mode: 0o644 });
}

function ownerOf(dir: string, name: string): Owner | null {
  try {
    const o = JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    if (typeof o.pid === 'number') return { pid: o.pid, startTime: typeof o.startTime === 'string' ? o.startTime : null };
  } catch {
    // no owner file (an older launcher, or one killed before writing it): go by the name
  }
  const m = NAME.exec(name);
  return m ? { pid: Number(m[2]), startTime: null } : null;
}

function ownerAlive(o: Owner): boolean {
  const now = startTimeOf(o.pid);
  if (now === null) return false;
  return o.startTime === null || now === '' || now === o.startTime;
}

/** A postmaster.pid anywhere one level down (`data/`) naming a process that still runs. */
function serverStillRunning(dir: string): boolean {
  for (const sub of ['', 'data']) {
    try {
      const pid = Number(readFileSync(path.join(dir, sub, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0 && startTimeOf(pid) !== null) return true;
    } catch {
      // no such file
    }
  }
  return false;
}

/** Removes the service folders under `root` whose launcher is gone; returns the paths removed. */
export function removeStaleDirs(root: string): string[] {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    if (!NAME.test(name)) continue;
    const dir = path.join(root, name);
    const owner = ownerOf(dir, name);
    if (!owner || owner.pid === process.pid || ownerAlive(owner) || serverStillRunning(dir)) continue;
    removeDirSync(dir);
    try {
      readdirSync(dir);
    } catch {
      removed.push(dir); // gone (a folder of another OS user we may not remove stays)
    }
  }
  return removed;
}
