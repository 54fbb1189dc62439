// Runaway guard through `stampede run` as a user runs it (a real process, signals, exit codes):
// the first Ctrl-C ends a run whose journeys never settle, with one or two engine threads, and
// wins over a failed threshold (exit 130); the second aborts at once; what user code leaves
// behind (a timer, a throw in a callback, a promise nobody awaits) neither keeps the process
// alive nor kills it; a journey that loops without ever yielding, in a worker thread, is ended
// with its thread once the run is past its planned end, and the result is still written.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, scratchDir, scenarioSource, startServer, runCli, type TestServer } from '../testing/fixtures.ts';
import { runResultSchema, type RunResult } from '../result/schema.ts';

let server: TestServer;
const scratch = scratchDir('cli-runaway');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

interface Interrupted {
  code: number | null;
  stderr: string;
  /** ms from the first SIGINT to the process's exit */
  stopMs: number;
}

/** `stampede run` sent SIGINT `signals` times once it has printed `waitFor` on stderr (the load is running). */
function runAndInterrupt(args: string[], opts: { signals: number; waitFor: RegExp; gapMs?: number }): Promise<Interrupted> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), ...args], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stderr = '';
    let firstAt = 0;
    child.stdout.resume();
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (firstAt === 0 && opts.waitFor.test(stderr)) {
        firstAt = Date.now();
        child.kill('SIGINT');
        for (let i = 1; i < opts.signals; i++) setTimeout(() => child.kill('SIGINT'), i * (opts.gapMs ?? 100));
      }
    });
    child.on('close', (code) => resolve({ code, stderr, stopMs: Date.now() - firstAt }));
  });
}

const readResult = (out: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
const count = (r: RunResult, metric: string) => r.metrics[metric]?.values.count ?? 0;

/** each journey marks its first iteration on stderr, so the test interrupts a load that is running */
const STARTED = `if (vu.iteration === 0) process.stderr.write('started ' + vu.idInTest + '\\n');`;
const NEVER = `${STARTED} await new Promise(() => {})`;

describe('Ctrl-C ends any run', () => {
  for (const threads of [1, 2]) {
    it(`journeys that never settle, --threads ${threads}: exit 130 within ~2 s, a partial result with the interrupted iterations`, async () => {
      const file = scratch.write(`never-${threads}.ts`, scenarioSource({ scenarios: { a: { executor: 'constant-vus', vus: 2, duration: '60s' }, b: { executor: 'shared-iterations', vus: 2, iterations: 100, maxDuration: '60s' } } }, NEVER));
      const out = path.join(scratch.dir, `out-never-${threads}`);
      const r = await runAndInterrupt(['run', file, '--out', out, '--quiet', '--threads', String(threads)], { signals: 1, waitFor: /started [1-4]\n[^]*started [1-4]\n[^]*started [1-4]\n[^]*started [1-4]\n/ });
      expect(r.code).toBe(130);
      // the engine gives in-flight iterations 1 s after a stop; a cap, not a measurement
      expect(r.stopMs).toBeLessThan(5000);
      const result = readResult(out);
      expect(result.partial).toBe(true);
      expect(result.stopReason).toMatch(/Ctrl-C/);
      expect(count(result, 'interrupted_iterations')).toBe(4);
      expect(count(result, 'iterations')).toBe(0);
      expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    }, 60_000);
  }

  it('a run whose threshold already failed: the first Ctrl-C exits 130 (interrupted wins), the result says both', async () => {
    const opts = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '60s' } }, thresholds: { http_req_duration: ['p(99)<0.001'] } };
    const file = scratch.write('failed-then-sigint.ts', scenarioSource(opts, `${STARTED} await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.02)`));
    const out = path.join(scratch.dir, 'out-failed-then-sigint');
    // p(99) < 1 µs fails from the first request on (the final evaluation, on the partial data, says so)
    const r = await runAndInterrupt(['run', file, '--out', out, '--quiet', '--env', `BASE=${server.url}`], { signals: 1, waitFor: /started 2\n/ });
    expect(r.code).toBe(130);
    const result = readResult(out);
    expect(result.stopReason).toMatch(/Ctrl-C/);
    expect(result.partial).toBe(true);
    expect(result.thresholds[0]).toMatchObject({ key: 'http_req_duration', ok: false });
  }, 60_000);

  it('the second Ctrl-C aborts at once (exit 130, no result)', async () => {
    // the first Ctrl-C would take its 1 s grace: the second, 100 ms later, ends the process
    const file = scratch.write('twice.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '60s' } } }, NEVER));
    const out = path.join(scratch.dir, 'out-twice');
    const r = await runAndInterrupt(['run', file, '--out', out, '--quiet'], { signals: 2, waitFor: /started 1\n/, gapMs: 100 });
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(1000);
    expect(existsSync(path.join(out, 'result.json'))).toBe(false);
  }, 60_000);
});

describe('the progress line', () => {
  it('shows the interrupted iterations once there are any', async () => {
    // two VUs stuck from the start, ramped down at 1 s (gracefulRampDown 0): interrupted then;
    // a log (not a terminal) gets a progress line every 5 s
    const stages = [{ duration: '0s', target: 2 }, { duration: '1s', target: 2 }, { duration: '0s', target: 0 }, { duration: '6s', target: 0 }];
    const file = scratch.write('progress.ts', scenarioSource({ scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages, gracefulRampDown: '0s', gracefulStop: '0s' } } }, NEVER));
    const out = path.join(scratch.dir, 'out-progress');
    const r = await runCli(['run', file, '--out', out], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('running '));
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[lines.length - 1]).toContain('interrupted 2');
    expect(r.stdout).toMatch(/interrupted_iterations \.+: 2 /);
  }, 60_000);
});

describe('what user code leaves behind', () => {
  it('a timer of an hour, a throw in a callback, a rejection nobody awaits: counted, and the process exits with its result', async () => {
    const journey = [
      `setTimeout(() => undefined, 3_600_000)`,
      `setTimeout(() => { throw new Error('thrown in a callback') }, 0)`,
      `void Promise.reject(new Error('never awaited'))`,
      `await vu.http.get(vu.env.BASE + '/')`,
      `await vu.sleep(0.01)`,
    ].join('; ');
    const file = scratch.write('leaks.ts', scenarioSource({ scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 5, maxDuration: '10s' } } }, journey));
    const out = path.join(scratch.dir, 'out-leaks');
    const r = await runCli(['run', file, '--out', out, '--quiet', '--env', `BASE=${server.url}`], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const result = readResult(out);
    expect(count(result, 'iterations')).toBe(10);
    const times = (what: string) => Number(result.warnings.find((w) => w.includes(what))?.match(/×(\d+)/)?.[1] ?? 0);
    expect(times('thrown in a callback')).toBe(10);
    expect(times('never awaited')).toBe(10);
    expect(result.partial).toBe(false);
  }, 60_000);
});

describe('more VUs than the machine holds', () => {
  it('VUs stop being made when the heap is 60 % full: the run ends on time with a warning, not out of memory', async () => {
    // a small heap stands in for a small machine: ~15,000 VUs fit in 64 MB, 50,000 do not
    const file = scratch.write('many-vus.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 50_000, duration: '5s', gracefulStop: '200ms' } } }, NEVER));
    const out = path.join(scratch.dir, 'out-many-vus');
    const r = await runCli(['run', file, '--out', out, '--quiet'], { timeoutMs: 60_000, env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64 --max-semi-space-size=1' } });
    expect(r.code).toBe(0);
    const result = readResult(out);
    const made = result.metrics.vus_max?.values.max ?? 0;
    expect(made).toBeGreaterThan(1000);
    expect(made).toBeLessThan(50_000);
    expect(count(result, 'interrupted_iterations')).toBe(made);
    expect(result.warnings.filter((w) => w.includes("made no more VUs"))).toEqual([expect.stringMatching(new RegExp(`^the engine made no more VUs after ${made}: its heap was`))]);
  }, 60_000);
});

describe('a journey that never yields', () => {
  it('in a worker thread (--threads 2): the thread is terminated past the planned end; the other thread’s load and the result are kept', async () => {
    // VU 1 (thread 0) spins for ever once it has made one request; VU 2 (thread 1) behaves
    const journey = `await vu.http.get(vu.env.BASE + '/'); if (vu.idInTest === 1 && vu.iteration === 3) { for (;;) {} } await vu.sleep(0.02)`;
    const file = scratch.write('spin.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '2s', gracefulStop: '500ms' } } }, journey));
    const out = path.join(scratch.dir, 'out-spin');
    const r = await runCli(['run', file, '--out', out, '--quiet', '--threads', '2', '--env', `BASE=${server.url}`], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const result = readResult(out);
    expect(result.partial).toBe(true);
    expect(result.stopReason).toMatch(/past its planned end plus gracefulStop \(2\.5 s\)/);
    expect(result.warnings.some((w) => /engine thread 0 did not end .* terminated/.test(w))).toBe(true);
    // thread 1's VU: ~50 iterations of ~20 ms in 2 s (its snapshots all arrived)
    expect(count(result, 'iterations')).toBeGreaterThan(20);
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  }, 60_000);
});

  it('in a worker thread, Ctrl-C: the spinning thread is terminated after the stop’s grace, exit 130 with a result', async () => {
    const journey = `${STARTED} await vu.http.get(vu.env.BASE + '/'); if (vu.idInTest === 1) { for (;;) {} } await vu.sleep(0.02)`;
    const file = scratch.write('spin-sigint.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '60s' } } }, journey));
    const out = path.join(scratch.dir, 'out-spin-sigint');
    const r = await runAndInterrupt(['run', file, '--out', out, '--quiet', '--threads', '2', '--env', `BASE=${server.url}`], { signals: 1, waitFor: /started [12]\n[^]*started [12]\n/ });
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(6000);
    const result = readResult(out);
    expect(result.stopReason).toMatch(/Ctrl-C/);
    expect(result.warnings.some((w) => /engine thread 0 did not end .* terminated/.test(w))).toBe(true);
  }, 60_000);
