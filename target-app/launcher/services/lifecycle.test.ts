// The child-process registry: stop() really ends a child, and a parent ended by SIGTERM (or
// a normal exit) leaves no server running and no port open.
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs, requirements } from '../../../runner/testing/requirements.ts';
import { liveChildPids, spawnChild } from './child.ts';
import { freePort, portOpen } from './free-port.ts';
import { eventually, portClosed, portOf, processGone } from './test-helpers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'hold-services.ts');
const tsx = path.resolve(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs');

describe('spawnChild', () => {
  it('stop() ends the process and waits for it', async () => {
    const child = spawnChild({ name: 'sleep', command: 'sleep', args: ['30'] });
    expect(child.running()).toBe(true);
    expect(liveChildPids()).toContain(child.pid);
    await child.stop();
    expect(child.running()).toBe(false);
    expect(processGone(child.pid)).toBe(true);
    expect(liveChildPids()).not.toContain(child.pid);
  });

  it('escalates to SIGKILL when the stop signal is ignored', async () => {
    const child = spawnChild({ name: 'stubborn', command: 'sh', args: ['-c', 'trap "" TERM; while true; do sleep 0.05; done'], stopTimeoutMs: 300 });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    await child.stop();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(250);
    expect((await child.exited).signal).toBe('SIGKILL');
  });

  it('freePort returns a port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(1023);
    expect(await portOpen(port)).toBe(false);
  });
});

const skipRedis = await needs(requirements.redisServer);

describe.skipIf(skipRedis)('a parent that dies leaves nothing behind', () => {
  const cases = [
    // alone, our handler stops the children, removes folders and re-raises the signal (the
    // embedded PostgreSQL is one of our children too: no third-party exit hook is involved)
    { services: ['redis'], signal: 'SIGTERM' },
    { services: ['redis', 'embedded'], signal: 'SIGTERM' },
    { services: ['redis', 'embedded'], signal: 'SIGINT' },
  ] as const;
  for (const { services, signal } of cases) {
    it(`${services.join(' + ')} stop when the parent gets ${signal}`, async () => {
      const before = new Set(readdirSync(os.tmpdir()).filter((n) => n.startsWith('stampede-')));
      const parent = spawn(process.execPath, ['--import', tsx, fixture, ...services], { stdio: ['ignore', 'pipe', 'pipe'] });
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        parent.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
        parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
        parent.once('exit', (code) => reject(new Error(`fixture exited ${code}: ${err}`)));
      });
      const info = JSON.parse(line) as { urls: string[]; pids: number[] };
      const ports = info.urls.map(portOf);
      expect(info.pids.length).toBe(services.length); // redis-server, embedded postgres
      for (const p of ports) expect(await portOpen(p)).toBe(true);
      // only this parent's folders: their names carry its pid (other processes may be making their own)
      const mine = readdirSync(os.tmpdir()).filter((n) => n.startsWith('stampede-') && n.includes(`-${parent.pid}-`) && !before.has(n));
      expect(mine.length).toBe(services.length);

      const exited = new Promise<NodeJS.Signals | null>((r) => parent.once('exit', (_code, sig) => r(sig)));
      parent.kill(signal);
      const how = await exited;
      expect(how).toBe(signal); // default behaviour kept: died of the signal
      for (const pid of info.pids) expect(await eventually(() => processGone(pid))).toBe(true);
      for (const p of ports) expect(await eventually(() => portClosed(p))).toBe(true);
      const left = readdirSync(os.tmpdir()).filter((n) => mine.includes(n));
      expect(left).toEqual([]);
    });
  }
});

describe.skipIf(skipRedis)('a parent killed with SIGKILL (no hook can run)', () => {
  it('its servers still stop: the kernel sends their parent-death signal (setpriv --pdeathsig)', async () => {
    const parent = spawn(process.execPath, ['--import', tsx, fixture, 'redis', 'embedded'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
      });
      parent.once('exit', (code) => reject(new Error(`fixture exited ${code}`)));
    });
    const info = JSON.parse(line) as { urls: string[]; pids: number[] };
    // their folders (each server's working directory), which nobody is left to remove
    const folders = info.pids.map((pid) => /^(\/tmp\/stampede-[^/]+)/.exec(readlinkSync(`/proc/${pid}/cwd`))?.[1]).filter((d): d is string => d !== undefined);
    parent.kill('SIGKILL');
    expect(folders.length).toBe(2);
    for (const pid of info.pids) expect(await eventually(() => processGone(pid), 10_000), `pid ${pid}`).toBe(true);
    for (const p of info.urls.map(portOf)) expect(await eventually(() => portClosed(p))).toBe(true);
    for (const d of folders) rmSync(d, { recursive: true, force: true });
  });
});
