// Output paths are checked before any load is sent: a run that cannot write its result must
// say so at once (exit 2, naming the flag and why), not after minutes of load — and never spin
// on a path the kernel will not let it write (/proc, /sys). The check creates nothing: it finds
// the nearest folder that exists and proves it writable by creating and removing a probe file
// there (access(2) would say yes to root on a read-only bind mount).
import { closeSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { StampedeError } from '../errors.ts';

/** Kernel pseudo-filesystems: writes there are not files, and some never return. */
const PSEUDO_FS = ['/proc', '/sys', '/dev'];

function fail(command: string, flag: string, shown: string, why: string): never {
  throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --${flag} ${JSON.stringify(shown)}: ${why}`);
}

function statOrNull(p: string): Stats | null {
  try {
    return statSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // ENOTDIR: a file stands where a folder of the path should be; EACCES: a folder we cannot enter
    throw e;
  }
}

function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'on a read-only file system (EROFS)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    case 'ENAMETOOLONG':
      return 'the name is too long (ENAMETOOLONG)';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** The deepest existing ancestor of `abs` (itself included), which must be a folder. */
function nearestExisting(command: string, flag: string, shown: string, abs: string): { dir: string; stats: Stats; missing: boolean } {
  let p = abs;
  for (;;) {
    let st: Stats | null;
    try {
      st = statOrNull(p);
    } catch (e) {
      fail(command, flag, shown, reason(e));
    }
    if (st) return { dir: p, stats: st, missing: p !== abs };
    const up = path.dirname(p);
    if (up === p) fail(command, flag, shown, 'no folder of the path exists');
    p = up;
  }
}

function probeWritable(command: string, flag: string, shown: string, dir: string): void {
  const probe = path.join(dir, `.stampede-write-probe-${process.pid}-${Date.now()}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    fail(command, flag, shown, `cannot write in ${dir}: ${reason(e)}`);
  }
  rmSync(probe, { force: true });
}

function refusePseudo(command: string, flag: string, shown: string, abs: string): void {
  const hit = PSEUDO_FS.find((root) => abs === root || abs.startsWith(root + path.sep));
  if (hit) fail(command, flag, shown, `under ${hit}, a kernel pseudo-filesystem: not a place for files`);
}

function checkName(command: string, flag: string, raw: string): string {
  if (raw.trim() === '') fail(command, flag, raw, 'expected a path, got an empty string');
  if (raw.includes('\0')) fail(command, flag, raw.replace(/\0/g, '\\0'), 'a path cannot contain a NUL byte');
  return path.resolve(raw);
}

/** A folder the command will create (if needed) and write files into. */
export function checkOutputDir(command: string, flag: string, raw: string): string {
  const abs = checkName(command, flag, raw);
  refusePseudo(command, flag, raw, abs);
  const { dir, stats } = nearestExisting(command, flag, raw, abs);
  if (!stats.isDirectory()) {
    fail(command, flag, raw, dir === abs ? 'exists and is not a folder (EEXIST)' : `${dir} is a file, not a folder (ENOTDIR)`);
  }
  probeWritable(command, flag, raw, dir);
  return abs;
}

/**
 * A file the command will write (or append to, `append`). Its folder must exist, unless the
 * writer creates it (`createsFolder`): then the nearest existing folder must be writable.
 */
export function checkOutputFile(command: string, flag: string, raw: string, opts: { append?: boolean; createsFolder?: boolean } = {}): string {
  const abs = checkName(command, flag, raw);
  refusePseudo(command, flag, raw, abs);
  let st: Stats | null;
  try {
    st = statOrNull(abs);
  } catch (e) {
    fail(command, flag, raw, reason(e));
  }
  if (st) {
    if (st.isDirectory()) fail(command, flag, raw, 'is a folder; expected a file name');
    if (!st.isFile()) fail(command, flag, raw, 'exists and is not a regular file');
    try {
      // opening for append changes nothing in the file, and proves it can be written
      closeSync(openSync(abs, 'a'));
    } catch (e) {
      fail(command, flag, raw, reason(e));
    }
    if (!opts.append) probeWritable(command, flag, raw, path.dirname(abs));
    return abs;
  }
  const parent = path.dirname(abs);
  let pst: Stats | null;
  try {
    pst = statOrNull(parent);
  } catch (e) {
    fail(command, flag, raw, reason(e));
  }
  if (!pst && opts.createsFolder) {
    const { dir, stats } = nearestExisting(command, flag, raw, parent);
    if (!stats.isDirectory()) fail(command, flag, raw, `${dir} is a file, not a folder (ENOTDIR)`);
    probeWritable(command, flag, raw, dir);
    return abs;
  }
  if (!pst) fail(command, flag, raw, `its folder ${parent} does not exist`);
  if (!pst.isDirectory()) fail(command, flag, raw, `${parent} is a file, not a folder (ENOTDIR)`);
  probeWritable(command, flag, raw, parent);
  return abs;
}
