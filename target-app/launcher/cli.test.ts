// `stampede target` as a newcomer runs it: no flags, no DATABASE_URL — the async shop on an
// embedded PostgreSQL; ready, serving, measurable, and gone (every process) after SIGTERM.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../runner/testing/fixtures.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** pids of every descendant of `root` (from /proc), so we can check they are all gone later */
async function descendants(root: number): Promise<number[]> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parent.set(Number(d), Number(fields[1]));
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length) {
    const p = queue.shift()!;
    for (const [c, pp] of parent) if (pp === p) (out.push(c), queue.push(c));
  }
  return out;
}

describe('stampede target with no flags', () => {
  it('starts the async shop on an embedded PostgreSQL, answers, and leaves nothing after SIGTERM', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'target', '--products', '200'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening within 45 s:\n${out}`)), 45_000);
      const poll = setInterval(() => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1]) {
          clearInterval(poll);
          clearTimeout(timer);
          resolve(m[1]);
        }
      }, 100);
    });
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    const product = await fetch(`${url}/products/7`);
    expect(product.status).toBe(200);
    expect(((await product.json()) as { id: number }).id).toBe(7);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('process_cpu_seconds_total');
    const family = await descendants(child.pid!);
    expect(family.length).toBeGreaterThanOrEqual(3); // embedded postgres, payment service, app worker(s)
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await exited;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && family.some(alive)) await new Promise((r) => setTimeout(r, 200));
    expect(family.filter(alive)).toEqual([]);
  }, 90_000);
});
