// Issue: with no --port, a replacement worker used to listen on a new random port and the URL
// `stampede target` printed never answered again. Here `stampede target` (one worker, embedded
// PostgreSQL) has its only worker SIGKILLed three times; each time /healthz on the printed URL
// answers again from a new worker, and the restarts are counted.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../runner/testing/fixtures.ts';
import { eventually, processGone } from './services/test-helpers.ts';

async function healthPid(url: string): Promise<number | null> {
  try {
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
    if (r.status !== 200) return null;
    return ((await r.json()) as { pid: number }).pid;
  } catch {
    return null;
  }
}

describe('stampede target: a killed worker comes back on the printed URL', () => {
  it('SIGKILL of the only worker, three times: /healthz answers again each time, restarts counted', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'target', '--workers', '1', '--products', '50'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const ok = await eventually(() => /listening on http:\/\/127\.0\.0\.1:\d+/.test(out), 45_000);
      expect(ok, out).toBe(true);
      const url = (/listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out) as RegExpExecArray)[1] as string;
      const seen: number[] = [];
      const recoveryMs: number[] = [];
      for (let round = 0; round < 3; round++) {
        const pid = await healthPid(url);
        expect(pid, `round ${round}: a worker answers`).not.toBeNull();
        seen.push(pid as number);
        process.kill(pid as number, 'SIGKILL');
        expect(await eventually(() => processGone(pid as number))).toBe(true);
        const t0 = performance.now();
        let next: number | null = null;
        expect(await eventually(async () => (next = await healthPid(url)) !== null && next !== pid, 30_000), `round ${round}: /healthz on ${url} again\n${out}`).toBe(true);
        recoveryMs.push(Math.round(performance.now() - t0));
      }
      const last = await healthPid(url);
      seen.push(last as number);
      expect(new Set(seen).size).toBe(4); // four different workers, one URL
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(/^worker_restarts_total (\d+)$/m.exec(metrics)?.[1]).toBe('3');
      expect(out.match(/worker \d+ exited \(SIGKILL\); starting another on port/g)?.length).toBe(3);
      console.log(`[fault] stampede target, worker SIGKILLed: /healthz on the printed URL again after ${recoveryMs.join(', ')} ms`);
    } finally {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    }
  }, 120_000);
});
