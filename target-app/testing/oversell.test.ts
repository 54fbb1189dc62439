// Never oversell, never lose an accepted order: 520 distinct users check out at once against
// a stock of 100, for every variant × cache × queue and the scaling knobs.
import { afterAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import type { TargetConfigInput } from '../launcher/config.ts';
import { stopEmbedded } from './fixtures.ts';
import { oversell, type OversellOutcome } from './oversell.ts';

const redisSkip = process.env.REDIS_URL ? null : await needs(requirements.redisServer);
const pgbouncerSkip = await needs(requirements.pgbouncer);

afterAll(stopEmbedded);

function expectNoOversell(o: OversellOutcome, exactlyStock = true): void {
  const inv = o.invariants;
  expect(inv.oversold).toBe(0);
  expect(inv.stockConsistent).toBe(true);
  expect(inv.missingOrderIds).toEqual([]);
  expect(inv.acceptedButMissing).toBe(0);
  expect(o.statuses[500] ?? 0).toBe(0);
  if (exactlyStock) {
    expect(o.acceptedIds.length).toBe(100);
    expect(inv.ordersByStatus.paid).toBe(100);
    expect(inv.stockLeft).toBe(0);
  } else {
    expect(inv.ordersByStatus.paid).toBeLessThanOrEqual(100);
    expect(inv.ordersByStatus.paid + inv.stockLeft).toBe(100);
  }
}

const matrix: TargetConfigInput[] = [];
for (const variant of ['async', 'sync'] as const)
  for (const cache of ['none', 'memory', 'redis'] as const)
    for (const queue of ['inline', 'bullmq'] as const) matrix.push({ variant, cache, queue });

describe('oversell: variant × cache × queue', () => {
  for (const c of matrix) {
    const usesRedis = c.cache === 'redis' || c.queue === 'bullmq';
    it.skipIf(usesRedis && redisSkip)(`${c.variant} cache=${c.cache} queue=${c.queue}: exactly 100 of 520 accepted, none oversold or missing`, async () => {
      const o = await oversell(c);
      expectNoOversell(o);
      expect(o.statuses[409]).toBe(420);
    });
  }
});

describe('oversell: scaling knobs', () => {
  it.skipIf(redisSkip)('workers 2 (redis sessions)', async () => {
    expectNoOversell(await oversell({ workers: 2, sessions: 'redis' }));
  });
  it.skipIf(pgbouncerSkip)('pgbouncer (pool 5)', async () => {
    expectNoOversell(await oversell({ pgbouncer: true, pool: 5 }));
  });
  it('replica (embedded PostgreSQL: the replica copies its data folder)', async () => {
    expectNoOversell(await oversell({ replica: true }, 520, { embedded: true }));
  });
  it('shards 2', async () => {
    expectNoOversell(await oversell({ shards: 2 }));
  });
  it.skipIf(redisSkip)('payment failures (30 %) release stock: paid + stock left = stock, bullmq', async () => {
    const o = await oversell({ queue: 'bullmq', paymentFailureRate: 0.3 });
    expectNoOversell(o, false);
    expect(o.invariants.ordersByStatus.failed).toBeGreaterThan(0);
  });
  it('payment failures (30 %) release stock: inline', async () => {
    const o = await oversell({ paymentFailureRate: 0.3 });
    expectNoOversell(o, false);
    expect(o.statuses[402]).toBeGreaterThan(0);
    expect(o.invariants.ordersByStatus.failed).toBe(o.statuses[402]);
  });
});
