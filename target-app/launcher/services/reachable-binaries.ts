// As root, the embedded PostgreSQL runs as the `postgres` OS user (PostgreSQL refuses root).
// That user must be able to reach the binaries — and a clone under /root (mode 700), or any
// private folder, is closed to it: initdb fails with "Permission denied" (exit 126). So when
// the package's native folder (bin/, lib/, share/) is not reachable by that user, it is placed
// once in a world-readable cache folder under os.tmpdir(), named by the package version and the
// source's identity, and run from there: hard links where the file system allows (no copy, no
// space), a copy otherwise (~60 MB, once per version). PostgreSQL finds lib/ and share/
// relative to its binary, so the placed tree works as is.
//
// The cache folder is trusted only when it is ours: owned by this user, not writable by group
// or others, and complete (a marker written last). Anything else under that name — made by
// another user of a shared /tmp, or half-written by a launcher that died — is not used; a
// fresh folder is placed beside it.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readlinkSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDirSync } from './child.ts';
import type { OsUser } from './support.ts';

const COMPLETE = '.stampede-complete';

/** Can `user` traverse every folder down to `file` and execute it? (Supplementary groups are not considered: a false "no" only costs a copy.) */
export function reachableBy(file: string, user: OsUser): boolean {
  const can = (p: string, bits: { u: number; g: number; o: number }): boolean => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return false;
    }
    if (user.uid === 0) return true;
    if (st.uid === user.uid) return (st.mode & bits.u) !== 0;
    if (st.gid === user.gid) return (st.mode & bits.g) !== 0;
    return (st.mode & bits.o) !== 0;
  };
  const abs = path.resolve(file);
  let dir = path.dirname(abs);
  for (;;) {
    if (!can(dir, { u: 0o100, g: 0o010, o: 0o001 })) return false;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return can(abs, { u: 0o100, g: 0o010, o: 0o001 });
}

/** Our own, complete, not writable by anyone else. */
function trustworthy(dir: string): boolean {
  try {
    const st = lstatSync(dir);
    const me = typeof process.getuid === 'function' ? process.getuid() : st.uid;
    return st.isDirectory() && st.uid === me && (st.mode & 0o022) === 0 && existsSync(path.join(dir, COMPLETE));
  } catch {
    return false;
  }
}

/** Mirrors `src` into `dst` (which must not exist): folders 0755, symlinks as they are, files hard-linked or copied. */
function place(src: string, dst: string): void {
  mkdirSync(dst, { mode: 0o755 });
  chmodSync(dst, 0o755);
  for (const name of readdirSync(src)) {
    const from = path.join(src, name);
    const to = path.join(dst, name);
    const st = lstatSync(from);
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else if (st.isDirectory()) place(from, to);
    else if (st.isFile()) {
      // world-readable, and executable where the source is executable by its owner
      const mode = st.mode & 0o100 ? 0o755 : 0o644;
      // A hard link shares the source's mode: used only when that mode already lets others
      // read (and run) it, so the source in node_modules is never changed.
      let linked = false;
      if ((st.mode & mode & 0o005) === (mode & 0o005)) {
        try {
          linkSync(from, to);
          linked = true;
        } catch {
          // another file system, or links not allowed: copy
        }
      }
      if (!linked) {
        copyFileSync(from, to);
        chmodSync(to, mode);
      }
    }
  }
}

/** The cache folder for a native tree: named by version and the source's path, size and mtime. */
export function cacheDirFor(nativeDir: string, version: string, cacheRoot = os.tmpdir(), probe = 'postgres'): string {
  const probeStat = statSync(path.join(nativeDir, 'bin', probe));
  const id = createHash('sha256').update(`${path.resolve(nativeDir)}\0${probeStat.size}\0${probeStat.mtimeMs}`).digest('hex').slice(0, 12);
  const safeVersion = version.replace(/[^A-Za-z0-9.-]/g, '_');
  return path.join(cacheRoot, `stampede-pgbin-${safeVersion}-${id}`);
}

/** Half-placed trees (`<base>.partial-<pid>-<hex>`) of launchers that died while copying. */
function removeDeadPartials(base: string): void {
  const prefix = `${path.basename(base)}.partial-`;
  let names: string[] = [];
  try {
    names = readdirSync(path.dirname(base));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue; // its launcher is still placing it
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    removeDirSync(path.join(path.dirname(base), name));
  }
}

/**
 * `nativeDir` itself when `user` can run `nativeDir/bin/<probe>`; otherwise a placed copy of it
 * in a cache folder under `cacheRoot` (default os.tmpdir()) that the user can reach.
 */
export function reachableNativeDir(nativeDir: string, version: string, user: OsUser, cacheRoot = os.tmpdir(), probe = 'postgres'): string {
  if (reachableBy(path.join(nativeDir, 'bin', probe), user)) return nativeDir;
  const base = cacheDirFor(nativeDir, version, cacheRoot, probe);
  if (trustworthy(base)) return base;
  removeDeadPartials(base);
  // Built under a temporary name and renamed into place, so no one ever sees half a tree.
  const tmp = `${base}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    place(nativeDir, tmp);
    writeFileSync(path.join(tmp, COMPLETE), `${nativeDir}\n`, { mode: 0o644 });
  } catch (e) {
    removeDirSync(tmp);
    throw e;
  }
  const target = existsSync(base) ? `${base}-${randomBytes(4).toString('hex')}` : base;
  try {
    renameSync(tmp, target);
  } catch {
    // another launcher placed it at the same moment: use theirs when it is trustworthy
    removeDirSync(tmp);
    if (trustworthy(base)) return base;
    throw new Error(`could not place the PostgreSQL binaries in ${target}`);
  }
  if (!reachableBy(path.join(target, 'bin', probe), user)) {
    throw new Error(`the PostgreSQL binaries placed in ${target} are still not reachable by uid ${user.uid} (is ${cacheRoot} closed to it?)`);
  }
  return target;
}
