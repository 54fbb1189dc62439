// The embedded PostgreSQL started from a project that lives in a private folder (mode 700, as
// a clone under /root is): as root it must still start (the `postgres` OS user cannot enter
// that folder, so the binaries are placed where it can), and as a normal user it runs from
// the private folder itself.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { binariesIn, embeddedBinaries, startEmbeddedPostgres } from './embedded-postgres.ts';
import { cacheDirFor, reachableBy } from './reachable-binaries.ts';
import { isRoot, serverUser } from './support.ts';

const tsx = path.resolve(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs');
const fixture = path.join(import.meta.dirname, 'fixtures', 'private-embedded.ts');
// a version string of our own, so this test's cache folders are its own and removed after it
const version = `test-${process.pid}-${Date.now().toString(36)}`;
const made: string[] = [];

/** A mode-700 folder holding a copy (hard links) of the package's native tree, owned by `uid`. */
async function privateNativeTree(owner?: { uid: number; gid: number }): Promise<string> {
  const { nativeDir } = await embeddedBinaries();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stampede-private-test-'));
  made.push(dir);
  execFileSync('cp', ['-al', nativeDir, path.join(dir, 'native')]);
  if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dir]);
  chmodSync(dir, 0o700);
  return path.join(dir, 'native');
}

function cacheDirs(): string[] {
  return readdirSync(os.tmpdir())
    .filter((n) => n.startsWith(`stampede-pgbin-${version}-`))
    .map((n) => path.join(os.tmpdir(), n));
}

async function serverExe(url: string): Promise<string> {
  const c = new pg.Client(url);
  await c.connect();
  try {
    const row = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0];
    return readlinkSync(`/proc/${row?.pid}/exe`);
  } finally {
    await c.end();
  }
}

afterAll(() => {
  for (const d of [...made, ...cacheDirs()]) rmSync(d, { recursive: true, force: true });
});

describe('the embedded PostgreSQL from a private (mode 700) folder', () => {
  it.skipIf(!isRoot())('as root: runs as postgres from a reachable copy of the binaries, placed once and reused', async () => {
    const owner = serverUser('test');
    if (!owner) throw new Error('root without a postgres user');
    const nativeDir = await privateNativeTree();
    expect(statSync(path.dirname(nativeDir)).mode & 0o777).toBe(0o700);
    // the situation of issue 0: the server's user cannot reach the binaries where they are
    expect(reachableBy(path.join(nativeDir, 'bin', 'initdb'), owner)).toBe(false);

    // a half-placed tree of a launcher that died while copying is removed, not used
    const dead = spawn('true');
    await new Promise((r) => dead.once('exit', r));
    const partial = `${cacheDirFor(nativeDir, version)}.partial-${dead.pid}-deadbeef`;
    mkdirSync(path.join(partial, 'bin'), { recursive: true });

    const first = await startEmbeddedPostgres({ binaries: binariesIn(nativeDir, version) });
    const exe1 = await serverExe(first.url);
    await first.stop();
    const placed = cacheDirs();
    expect(placed).toHaveLength(1);
    expect(existsSync(partial)).toBe(false);
    expect(exe1).toBe(path.join(placed[0] as string, 'bin', 'postgres'));
    expect(exe1.startsWith(path.dirname(nativeDir))).toBe(false);
    expect(reachableBy(exe1, owner)).toBe(true);

    // a second start reuses the placed tree
    const second = await startEmbeddedPostgres({ binaries: binariesIn(nativeDir, version) });
    expect(await serverExe(second.url)).toBe(exe1);
    await second.stop();
    expect(cacheDirs()).toHaveLength(1);

    // a cache folder others could have written to is not trusted: a fresh one is placed
    chmodSync(placed[0] as string, 0o777);
    const third = await startEmbeddedPostgres({ binaries: binariesIn(nativeDir, version) });
    const exe3 = await serverExe(third.url);
    await third.stop();
    expect(exe3).not.toBe(exe1);
    expect(cacheDirs()).toHaveLength(2);
  }, 90_000);

  it('as a normal user: runs from the private folder itself', async () => {
    // root runs the fixture as the postgres OS user; a normal user runs it as themself
    const owner = isRoot() ? serverUser('test') : null;
    const nativeDir = await privateNativeTree(owner ?? undefined);
    const args = ['--import', tsx, fixture, nativeDir, version];
    const child = owner
      ? spawn('setpriv', [`--reuid=${owner.uid}`, `--regid=${owner.gid}`, '--clear-groups', process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HOME: os.tmpdir() } })
      : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect({ code, err: code === 0 ? '' : err }).toEqual({ code: 0, err: '' });
    const res = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { uid: number; exe: string; n: number };
    expect(res.uid).not.toBe(0);
    expect(res.n).toBe(42);
    expect(res.exe).toBe(path.join(nativeDir, 'bin', 'postgres'));
  }, 60_000);
});
