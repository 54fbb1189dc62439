// Folders of launchers that died without cleaning up (SIGKILL) are removed at the next start;
// folders of live launchers, of servers still running, and other stampede-* folders are kept.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OWNER_FILE, removeStaleDirs } from './stale-dirs.ts';
import { eventually, processGone } from './test-helpers.ts';

const tsx = path.resolve(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs');
const fixture = path.join(import.meta.dirname, 'fixtures', 'hold-services.ts');
const root = mkdtempSync(path.join(os.tmpdir(), 'stale-dirs-test-'));
const spawned: ChildProcess[] = [];
afterAll(() => {
  for (const c of spawned) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function startTimeOf(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
}

/** A real process that has exited: its pid names nobody. */
async function deadPid(): Promise<number> {
  const c = spawn('true');
  await new Promise((r) => c.once('exit', r));
  return c.pid as number;
}

function sleeper(): number {
  const c = spawn('sleep', ['60'], { stdio: 'ignore' });
  spawned.push(c);
  return c.pid as number;
}

function folder(name: string, owner?: { pid: number; startTime: string | null }): string {
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'data'), { recursive: true });
  if (owner) writeFileSync(path.join(dir, OWNER_FILE), JSON.stringify(owner));
  return dir;
}

describe('removeStaleDirs', () => {
  it('removes exactly the folders whose launcher is gone', async () => {
    const dead = await deadPid();
    const live = sleeper();
    const reused = sleeper();
    const server = sleeper();
    const dirs = {
      deadOwner: folder(`stampede-embedded-pg-${dead}-aaaaaa`, { pid: dead, startTime: '1' }),
      reusedPid: folder(`stampede-redis-${reused}-bbbbbb`, { pid: reused, startTime: '1' }), // the pid runs, but started at another time
      oldStyleDead: folder(`stampede-pgbouncer-${dead}-cccccc`), // no owner file: the name's pid
      liveOwner: folder(`stampede-embedded-pg-${live}-dddddd`, { pid: live, startTime: startTimeOf(live) }),
      serverRunning: folder(`stampede-replica-${dead}-eeeeee`, { pid: dead, startTime: '1' }),
      otherTool: folder(`stampede-cmp-real-${dead}-ffffff`),
      cache: folder('stampede-pgbin-18.4.0-0123456789ab'),
    };
    writeFileSync(path.join(dirs.serverRunning, 'data', 'postmaster.pid'), `${server}\n/some/data\n`);

    const removed = removeStaleDirs(root);
    expect(removed.sort()).toEqual([dirs.deadOwner, dirs.reusedPid, dirs.oldStyleDead].sort());
    const kept = Object.entries(dirs).filter(([, d]) => existsSync(d)).map(([k]) => k);
    expect(kept.sort()).toEqual(['cache', 'liveOwner', 'otherTool', 'serverRunning']);
  });

  it('a SIGKILLed launcher leaves its embedded PostgreSQL folder; the next start removes it', async () => {
    const startFixture = async (): Promise<{ child: ChildProcess; pids: number[] }> => {
      const child = spawn(process.execPath, ['--import', tsx, fixture, 'embedded'], { stdio: ['ignore', 'pipe', 'pipe'] });
      spawned.push(child);
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stdout?.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        child.once('exit', (code) => reject(new Error(`fixture exited ${code}: ${err}`)));
      });
      return { child, pids: (JSON.parse(line) as { pids: number[] }).pids };
    };
    const first = await startFixture();
    const pgPid = first.pids[0] as number;
    const dataFolder = /^(\/tmp\/stampede-embedded-pg-[^/]+)/.exec(readlinkSync(`/proc/${pgPid}/cwd`))?.[1];
    expect(dataFolder).toBeDefined();
    first.child.kill('SIGKILL');
    expect(await eventually(() => processGone(pgPid), 10_000)).toBe(true);
    // nobody was left to remove it
    expect(existsSync(dataFolder as string)).toBe(true);

    const second = await startFixture();
    expect(existsSync(dataFolder as string)).toBe(false);
    const exited = new Promise((r) => second.child.once('exit', r));
    second.child.kill('SIGTERM');
    await exited;
  }, 60_000);
});
