// Fault injection, the runner's side: a real target process (fake-shop.ts, real prom-client
// /metrics) that the test SIGKILLs mid-run, or freezes with SIGSTOP, while `stampede run` loads
// it. The run still ends at its planned end (plus gracefulStop), writes result.json with the
// moment the target died and the failed requests by kind; requests the frozen target never
// answers are interrupted at gracefulStop and counted, not waited on for their 60 s timeout.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, scenarioSource } from '../testing/fixtures.ts';
import { runResultSchema, type RunResult } from '../result/schema.ts';
import { startFakeShop, type FakeShop } from './fake-shop-process.ts';

const scratch = scratchDir('target-faults');
afterAll(() => scratch.remove());

/** resolves once the target has answered `n` product requests (the load is running) */
async function loadReached(shop: FakeShop, n: number): Promise<void> {
  for (;;) {
    const text = await fetch(`${shop.url}/metrics`).then((r) => r.text());
    const m = text.match(/http_request_duration_seconds_count\{route="\/products\/:id"\} (\d+)/);
    if (m && Number(m[1]) >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const readResult = (out: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
const sumKind = (r: RunResult, kind: string) => r.timeline.reduce((n, p) => n + (p.errorsByKind[kind] ?? 0), 0);

describe('a target that fails mid-run', () => {
  it('SIGKILLed: the run ends on time, result.json has the death with its moment and the errors by kind', async () => {
    const shop = await startFakeShop();
    try {
      const file = scratch.write(
        'killed.ts',
        scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '5s', preAllocatedVUs: 10, maxVUs: 20 } } }, "await vu.http.get(vu.env.BASE + '/products/1', { timeout: '1s' })"),
      );
      const out = path.join(scratch.dir, 'out-killed');
      const running = runCli(['run', file, '--target', shop.url, '--out', out, '--quiet'], { timeoutMs: 60_000 });
      await loadReached(shop, 50); // ~1 s of load
      const killedAt = Date.now();
      shop.child.kill('SIGKILL');
      const r = await running;
      expect(r.code).toBe(0);
      expect(shop.child.signalCode).toBe('SIGKILL');
      const result = readResult(out);
      // the moment of death, on the run's time axis (t = 0 is within a second of meta.startTime)
      const killedT = (killedAt - Date.parse(result.meta.startTime)) / 1000;
      expect(result.server?.diedAt).not.toBeNull();
      expect(Math.abs((result.server?.diedAt ?? -99) - killedT)).toBeLessThanOrEqual(2);
      expect(result.warnings.some((w) => w.includes('stopped answering'))).toBe(true);
      // after the kill every request is refused (a few in flight at the kill: reset)
      const refused = sumKind(result, 'connect_refused');
      const failed = result.timeline.reduce((n, p) => n + p.failed, 0);
      expect(refused).toBeGreaterThan(100);
      expect(failed).toBeGreaterThanOrEqual(refused);
      expect(failed).toBeLessThanOrEqual(result.metrics.http_reqs?.values.count ?? 0);
      // every scheduled iteration started: refused requests fail fast, no VU was held
      expect((result.metrics.iterations?.values.count ?? 0) + (result.metrics.dropped_iterations?.values.count ?? 0)).toBe(250);
      // planned 5 s: a cap, not a measurement
      expect(result.meta.durationMs).toBeLessThan(5000 + 3000);
      expect(result.partial).toBe(false);
    } finally {
      await shop.stop();
    }
  }, 60_000);

  it('frozen (SIGSTOP): requests it never answers are interrupted at gracefulStop; the run does not wait for their timeout', async () => {
    const shop = await startFakeShop();
    try {
      // no per-request timeout: the default (60 s) is far beyond the run's end
      const file = scratch.write(
        'frozen.ts',
        scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 3, duration: '4s', gracefulStop: '1s' } } }, "await vu.http.get(vu.env.BASE + '/products/1'); await vu.sleep(0.05)"),
      );
      const out = path.join(scratch.dir, 'out-frozen');
      const running = runCli(['run', file, '--target', shop.url, '--out', out, '--quiet'], { timeoutMs: 60_000 });
      await loadReached(shop, 20);
      shop.child.kill('SIGSTOP');
      const r = await running;
      shop.child.kill('SIGCONT');
      expect(r.code).toBe(0);
      const result = readResult(out);
      // each of the 3 VUs was waiting for an answer that never came
      expect(result.metrics.interrupted_iterations?.values.count).toBe(3);
      expect(result.warnings.some((w) => w.startsWith('3 iteration(s) were still running'))).toBe(true);
      expect(result.metrics.iterations?.values.count).toBeGreaterThanOrEqual(20);
      // the interrupted requests are not samples: every recorded request got its answer
      expect(result.metrics.http_reqs?.values.count).toBe(result.metrics.iterations?.values.count);
      // planned 4 s + 1 s gracefulStop, not the 60 s request timeout: a cap
      expect(result.meta.durationMs).toBeLessThan(5000 + 3000);
      expect(result.partial).toBe(false);
    } finally {
      shop.child.kill('SIGCONT');
      await shop.stop();
    }
  }, 60_000);
});
