// The shop scenarios as users run them (the real CLI): the invariant checks fail a run when the
// target loses an order (a fake shop whose /admin/invariants reports one accepted order missing
// — the real shop has no hook to lose one), pass when it does not, and smoke.ts against the
// real shop started by --target-config passes end to end.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, scratchDir, runCli } from '../../runner/testing/fixtures.ts';
import { runResultSchema, type RunResult } from '../../runner/result/schema.ts';
import { startFakeShop } from '../../runner/orchestrate/fake-shop-process.ts';

const SMOKE = path.join(PROJECT_ROOT, 'scenarios/smoke.ts');
const scratch = scratchDir('scenarios');
afterAll(() => scratch.remove());

const stampede = (args: string[]) => runCli(args);

const read = (dir: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')));
const check = (r: RunResult, name: string) => r.checks.find((c) => c.name === name);

describe('invariant checks', () => {
  it('a shop that lost an accepted order fails the run (exit 99) on "no accepted order missing" only', async () => {
    const shop = await startFakeShop({ STAMPEDE_FAKE_INVARIANTS: JSON.stringify({ acceptedButMissing: 1 }) });
    try {
      const out = path.join(scratch.dir, 'lost');
      const r = await stampede(['run', SMOKE, '--target', shop.url, '--env', 'ADMIN_TOKEN=fake-token', '--out', out, '--quiet']);
      expect(r.code).toBe(99);
      const result = read(out);
      expect(check(result, 'no accepted order missing')).toMatchObject({ passes: 0, fails: 1 });
      expect(check(result, 'no oversell')).toMatchObject({ passes: 1, fails: 0 });
      expect(check(result, 'queue drained')).toMatchObject({ passes: 1, fails: 0 });
      const failed = result.thresholds.filter((t) => !t.ok).map((t) => t.key);
      // the invariant's own threshold, and smoke's `checks: rate==1` over every check
      expect(failed).toEqual(['checks{check:no accepted order missing}', 'checks']);
      // the journeys themselves were fine: 5 checkouts answered, 5 orders found
      expect(check(result, 'checkout answered')).toMatchObject({ passes: 5, fails: 0 });
    } finally {
      await shop.stop();
    }
  });

  it('oversold and an undrained queue (after DRAIN) fail their checks, the others pass', async () => {
    const shop = await startFakeShop({ STAMPEDE_FAKE_INVARIANTS: JSON.stringify({ oversold: 2, drained: false }) });
    try {
      const out = path.join(scratch.dir, 'oversold');
      const r = await stampede(['run', SMOKE, '--target', shop.url, '--env', 'ADMIN_TOKEN=fake-token', '--env', 'DRAIN=1s', '--env', 'ITERATIONS=1', '--out', out, '--quiet']);
      expect(r.code).toBe(99);
      const result = read(out);
      expect(check(result, 'no oversell')?.fails).toBe(1);
      expect(check(result, 'queue drained')?.fails).toBe(1);
      expect(check(result, 'no accepted order missing')?.passes).toBe(1);
    } finally {
      await shop.stop();
    }
  });

  it('a shop that keeps every order passes (exit 0)', async () => {
    const shop = await startFakeShop();
    try {
      const out = path.join(scratch.dir, 'kept');
      const r = await stampede(['run', SMOKE, '--target', shop.url, '--env', 'ADMIN_TOKEN=fake-token', '--out', out, '--quiet']);
      expect(r.stderr).not.toMatch(/journey error/);
      expect(r.code).toBe(0);
      expect(read(out).checks.every((c) => c.fails === 0)).toBe(true);
    } finally {
      await shop.stop();
    }
  });

  it('without ADMIN_TOKEN, setup() says how to get one', async () => {
    const shop = await startFakeShop();
    try {
      const r = await stampede(['run', SMOKE, '--target', shop.url, '--out', path.join(scratch.dir, 'notoken'), '--quiet']);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/ADMIN_TOKEN is not set: run with --target-config/);
    } finally {
      await shop.stop();
    }
  });
});

describe('smoke.ts against the real shop', () => {
  it('--target-config variant=async: journeys, sold out after 3, invariants hold, server metrics scraped', async () => {
    const out = path.join(scratch.dir, 'real');
    const r = await stampede(['run', SMOKE, '--target-config', 'variant=async,products=1000', '--out', out, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const result = read(out);
    expect(check(result, 'checkout answered')).toMatchObject({ passes: 5, fails: 0 });
    // stock 3 (smoke's default), 5 buyers: 3 orders accepted and found
    expect(check(result, 'accepted order exists')).toMatchObject({ passes: 3, fails: 0 });
    expect(check(result, 'no oversell')).toMatchObject({ passes: 1, fails: 0 });
    const statuses = result.tagged.filter((m) => m.metric === 'http_reqs' && m.tags.name === 'POST /checkout').map((m) => [m.tags.status, m.values.count]);
    expect(Object.fromEntries(statuses)).toEqual({ '201': 3, '409': 2 });
    expect(result.meta.targetConfig).toMatchObject({ variant: 'async', products: '1000' });
    expect(result.server?.series.memory_rss_mb?.length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
