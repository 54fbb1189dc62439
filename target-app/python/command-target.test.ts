// The Python shop as a command target like any other: `stampede run scenarios/flash-sale.ts
// --target-cmd 'stampede target --shop python … --port {port}' --ready /readyz`, end to end
// through the CLI. The admin token is chosen up front and given to both sides — to the shop with
// --target-env STAMPEDE_TARGET_ADMIN_TOKEN, to the scenario (whose setup() resets the sale and
// whose teardown() checks the invariants) with --env ADMIN_TOKEN — and the database with
// --target-env DATABASE_URL, so the shop never touches a database it was not given.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runResultSchema } from '../../runner/result/schema.ts';
import { PROJECT_ROOT, runCli, scratchDir } from '../../runner/testing/fixtures.ts';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { parseTargetConfig } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { createTestDatabase, stopEmbedded } from '../testing/fixtures.ts';

const skip =
  (await needs({ name: 'python shop (sync, celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync', queue: 'celery', sessions: 'redis' })) })) ??
  (process.env.REDIS_URL ? null : await needs(requirements.redisServer));
const scratch = scratchDir('python-command-target');
afterAll(async () => {
  scratch.remove();
  await stopEmbedded();
});

describe.skipIf(skip)('the Python shop started by --target-cmd', () => {
  it('stampede run scenarios/flash-sale.ts against `stampede target --shop python --port {port}`: the sale is reset, the invariants hold, the shop stops in order', async () => {
    const db = await createTestDatabase();
    const token = 'cmd-target-token-1234';
    const out = path.join(scratch.dir, 'run');
    const shop = `${process.execPath} runner/cli/bin.js target --shop python --variant sync --workers 2 --queue celery --sessions redis --payment-latency-ms 20 --port {port}`;
    try {
      const r = await runCli(
        [
          'run', 'scenarios/flash-sale.ts', '--out', out,
          '--target-cmd', shop, '--ready', '/readyz', '--stop-grace', '20s',
          // the runner's own hooks too, with the token as a header: its summary reads the invariants
          '--reset', '/admin/reset', '--invariants', '/admin/invariants', '--hook-header', `x-admin-token: ${token}`,
          '--target-env', `DATABASE_URL=${db.url}`,
          '--target-env', `STAMPEDE_TARGET_ADMIN_TOKEN=${token}`,
          ...(process.env.REDIS_URL ? ['--target-env', `REDIS_URL=${process.env.REDIS_URL}`] : []),
          '--env', `ADMIN_TOKEN=${token}`,
          '--env', 'PEAK=20', '--env', 'QUIET=2', '--env', 'WARMUP=2s', '--env', 'HOLD=5s', '--env', 'DECAY=2s', '--env', 'STOCK=40',
        ],
        { timeoutMs: 150_000 },
      );
      const log = path.join(out, 'target.log');
      const targetLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
      expect(r.code, `${r.stderr.slice(-2000)}\n--- target.log ---\n${targetLog.slice(-2000)}`).toBe(0);
      const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
      const check = (name: string) => result.checks.filter((c) => c.name === name).reduce((a, c) => ({ passes: a.passes + c.passes, fails: a.fails + c.fails }), { passes: 0, fails: 0 });
      // teardown() read the shop's invariants with the token: each check ran once and held
      for (const name of ['no oversell', 'no accepted order missing', 'queue drained', 'stock consistent']) expect(check(name), name).toEqual({ passes: 1, fails: 0 });
      expect(result.thresholds.every((t) => t.ok)).toBe(true);
      expect(r.stdout).toMatch(/shop invariants: sold \d+\/40, oversold 0, accepted-but-missing 0, queue drained/);
      // buyers checked out against the Python shop (Celery: answered 202)
      expect(check('accepted order exists').passes).toBeGreaterThan(0);
      // the runner scraped the shop's /metrics and sampled its processes
      expect(Object.keys(result.server?.series ?? {}).length).toBeGreaterThan(0);
      expect(result.server?.resources?.cpuSeconds ?? 0).toBeGreaterThan(0);
      // the launcher, the payment service, the Gunicorn master and its 2 workers, the Celery worker
      expect(result.server?.resources?.peakProcesses ?? 0).toBeGreaterThanOrEqual(5);
      // the shop that ran was the one asked for, and it stopped in order within the grace period
      expect(targetLog).toMatch(/starting Gunicorn \(Flask\) with 2 workers/);
      expect(targetLog).toMatch(/starting the Celery payment worker/);
      expect(targetLog).toMatch(/SIGTERM: stopping\n(.*\n)*stampede target: stopped/);
    } finally {
      await db.drop();
    }
  }, 180_000);
});
