// Ctrl-C in a terminal signals the whole foreground process group. A runner hosting the shop
// must get that SIGINT alone: the shop's processes (embedded PostgreSQL, redis-server, PgBouncer,
// payment service, BullMQ worker, cluster primary and workers) live in process groups of their
// own, stay up while the runner reads the invariants, and are all gone once it has stopped them
// and exited.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { eventually, processGone, processGroup } from './services/test-helpers.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'runner-like.ts');
const tsx = path.resolve(import.meta.dirname, '../../node_modules/tsx/dist/esm/index.mjs');
const skip = await needs(requirements.redisServer, requirements.pgbouncer);

describe.skipIf(skip)('a Ctrl-C to the process group of a runner hosting the shop', () => {
  it('reaches only the runner: the shop serves its invariants, then the runner stops it and nothing is left', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.REDIS_URL;
    const config = { products: 200, queue: 'bullmq', pgbouncer: true, workers: 2 };
    // detached: the fixture leads a process group of its own, as a shell makes for a command
    const parent = spawn(process.execPath, ['--import', tsx, fixture, JSON.stringify(config)], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    parent.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((r) => parent.once('exit', (code) => r(code)));
    const line = async (n: number): Promise<string> => {
      const ok = await eventually(() => out.split('\n').length > n + 1, 45_000); // line n is complete
      if (!ok) throw new Error(`fixture printed no line ${n + 1}:\n${out}\n${err}`);
      return out.split('\n')[n] ?? '';
    };
    const up = JSON.parse(await line(0)) as { url: string; pids: number[]; commands: Record<string, string> };
    const pgid = parent.pid as number;
    expect(processGroup(pgid)).toBe(pgid);
    // postgres (+ its own children), redis-server, pgbouncer, payment, queue worker, primary, 2 workers
    expect(up.pids.length).toBeGreaterThanOrEqual(8);
    // postgres' auxiliary children ("postgres: autovacuum worker", ...) and tsx's esbuild service
    // (started while a TypeScript child compiles with a cold cache, ended when idle) come and go;
    // every other process must still be alive when the runner handles the signal. The command
    // lines were read by the fixture the moment it listed the processes; one already gone then
    // (empty) was a short-lived helper, not a shop process.
    const command = (pid: number) => up.commands[String(pid)] ?? '';
    const transient = new Set(up.pids.filter((pid) => command(pid) === '' || /^postgres: |\/esbuild --service/.test(command(pid))));

    // tsx's own esbuild service belongs to the runner, not the shop: it may share its group
    const inParentsGroup = up.pids.filter((pid) => !transient.has(pid) && processGroup(pid) === pgid);
    process.kill(-pgid, 'SIGINT');
    const after = JSON.parse(await line(1)) as { aliveAtSignal: number[]; readyz: number | string; invariants: { status: number; body: Record<string, unknown> } };
    expect(await exited).toBe(0);
    const died = up.pids.filter((p) => !transient.has(p) && !after.aliveAtSignal.includes(p));
    expect(died.map((p) => `${p} ${command(p)}`), 'shop processes gone before the runner stopped them').toEqual([]);
    expect(up.pids.length - transient.size).toBeGreaterThanOrEqual(7);
    expect(after.readyz).toBe(200);
    expect(after.invariants.status).toBe(200);
    expect(after.invariants.body.oversold).toBe(0);
    expect(inParentsGroup).toEqual([]);
    // stopped in order by the parent, and nothing outlives it
    const left = () => up.pids.filter((p) => !processGone(p));
    expect(await eventually(() => left().length === 0, 10_000), `still running: ${left().join(', ')}`).toBe(true);
  }, 90_000);
});
