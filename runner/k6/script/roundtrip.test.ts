// Round trip: every shop scenario in scenarios/ exported by `stampede export k6`, then run as a
// k6 script by `stampede run` against the same (fake) shop: the same iterations, request counts
// and check results as the native run. smoke.ts is deterministic (same counts exactly); the
// others choose products and page views at random (Math.random, 2–3 views a visit), so their
// iteration counts (arrival-rate: fixed by the schedule) and check results must be equal and
// their request counts agree within what the random views allow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, runCli, scratchDir } from '../../testing/fixtures.ts';
import { runResultSchema, type RunResult } from '../../result/schema.ts';
import { startFakeShop, type FakeShop } from '../../orchestrate/fake-shop-process.ts';

const scratch = scratchDir('k6-roundtrip');
let shop: FakeShop;
beforeAll(async () => {
  shop = await startFakeShop({ STAMPEDE_FAKE_STOCK: '1000' });
});
afterAll(async () => {
  await shop.stop();
  scratch.remove();
});

const SHORT = { RATE: '4', DURATION: '2s', PEAK: '6', QUIET: '2', WARMUP: '1s', HOLD: '1s', DECAY: '1s', BUY_SHARE: '0.5', THINK: '0', ITERATIONS: '5', ADMIN_TOKEN: 'fake-token', DRAIN: '0s' };
const envFlags = Object.entries(SHORT).flatMap(([k, v]) => ['--env', `${k}=${v}`]);
const read = (dir: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')));
const checks = (r: RunResult) => Object.fromEntries(r.checks.map((c) => [`${c.scenario}${c.path}`, [c.passes, c.fails]]));

describe('stampede export k6, then stampede run of the k6 script', () => {
  for (const name of ['smoke', 'browse', 'checkout', 'soak', 'flash-sale']) {
    it(name, async () => {
      const scenario = path.join(PROJECT_ROOT, 'scenarios', `${name}.ts`);
      const script = path.join(scratch.dir, `${name}.k6.js`);
      const exported = await runCli(['export', 'k6', scenario, '--latency-as-duration', '--out', script], { env: { ...process.env, ...SHORT } });
      expect(exported.code, exported.stderr).toBe(0);
      const native = await runCli(['run', scenario, '--target', shop.url, ...envFlags, '--out', path.join(scratch.dir, `${name}-native`), '--quiet', '--no-dashboard']);
      const k6 = await runCli(['run', script, '--target', shop.url, ...envFlags, '--out', path.join(scratch.dir, `${name}-k6`), '--quiet', '--no-dashboard']);
      expect(k6.stderr).not.toMatch(/journey error/);
      expect(k6.code, k6.stderr).toBe(native.code);
      const a = read(path.join(scratch.dir, `${name}-native`));
      const b = read(path.join(scratch.dir, `${name}-k6`));
      const iterations = (r: RunResult) => r.metrics.iterations?.values.count ?? 0;
      const requests = (r: RunResult) => r.metrics.http_reqs?.values.count ?? 0;
      expect(iterations(b)).toBe(iterations(a));
      expect(iterations(a)).toBeGreaterThan(0);
      if (name === 'smoke') {
        expect(requests(b)).toBe(requests(a));
        expect(checks(b)).toEqual(checks(a));
      } else {
        expect(Object.keys(checks(b)).sort()).toEqual(Object.keys(checks(a)).sort());
        expect(Object.values(checks(b)).map(([, f]) => f)).toEqual(Object.values(checks(a)).map(([, f]) => f));
        expect(Math.abs(requests(b) - requests(a))).toBeLessThanOrEqual(Math.ceil(iterations(a) * 0.5) + 2);
      }
      expect(b.thresholds.map((t) => [t.key, t.ok])).toEqual(a.thresholds.map((t) => [t.key.replace('http_req_latency', 'http_req_duration'), t.ok]));
    });
  }
});
