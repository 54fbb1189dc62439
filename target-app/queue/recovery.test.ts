// The recovery sweep closes the gap "stock reserved, app crashed before the payment job was
// queued": such an order (pending, no job) is re-enqueued once it is older than the threshold,
// and the BullMQ worker then pays it — a queued order always ends paid or failed.
import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { redisClient } from '../cache/kv.ts';
import { openDatabases, type Databases } from '../db/routing.ts';
import { migrate } from '../db/schema.ts';
import { SALE_ID, SALE_PRODUCT_ID, seedProducts } from '../db/seed.ts';
import { reserve } from '../domain/orders.ts';
import { resetSale } from '../domain/sale.ts';
import { startRedisServer } from '../launcher/services/redis-server.ts';
import { startTarget } from '../launcher/start.ts';
import { createTestDatabase, stopEmbedded, waitFor, type TestDatabase } from '../testing/fixtures.ts';
import { PAYMENT_QUEUE, type PaymentJob } from './queue.ts';
import { pendingRecovery } from './recovery.ts';

const skip = process.env.REDIS_URL ? null : await needs(requirements.redisServer);
afterAll(stopEmbedded);

/** What a crash between reserve and enqueue leaves: a pending order holding a unit, no job. */
async function reservedWithoutJob(dbs: Databases, userId: number): Promise<string> {
  const r = await reserve(dbs, { saleId: SALE_ID, userId, idempotencyKey: null, acknowledge: true });
  if (r.kind !== 'reserved') throw new Error(`reserve: ${r.kind}`);
  return r.order.id;
}

describe.skipIf(skip)('pendingRecovery().sweep()', () => {
  let db: TestDatabase;
  let dbs: Databases;
  let redis: { url: string; stop(): Promise<void> } | null = null;
  let redisUrl = '';
  beforeAll(async () => {
    db = await createTestDatabase();
    await migrate(db.url, [db.url]);
    await seedProducts(db.url, 10);
    dbs = openDatabases({ primary: db.url, shards: [] }, 'async', 2);
    await resetSale(dbs, SALE_ID, 10);
    if (process.env.REDIS_URL) redisUrl = process.env.REDIS_URL;
    else {
      redis = await startRedisServer();
      redisUrl = redis.url;
    }
  });
  afterAll(async () => {
    await dbs?.close();
    await db?.drop();
    await redis?.stop();
  });

  it('enqueues a payment job for a stale pending order without one, once; leaves fresh ones alone', async () => {
    const stale = await reservedWithoutJob(dbs, 501);
    const fresh = await reservedWithoutJob(dbs, 502);
    await dbs.primary.query(`UPDATE orders SET created_at = now() - interval '2 minutes' WHERE id = $1`, [stale]);
    const loc = { redisUrl, prefix: `stampede-t${randomBytes(4).toString('hex')}` };
    const recovery = pendingRecovery({ dbs, loc, olderThanMs: 60_000 });
    const queue = new Queue<PaymentJob>(PAYMENT_QUEUE, { connection: redisClient(redisUrl, { maxRetriesPerRequest: 1 }), prefix: loc.prefix });
    try {
      const first = await recovery.sweep();
      expect(first).toEqual({ stale: 1, enqueued: [stale], retried: [] });
      const job = await queue.getJob(stale);
      const [order] = await dbs.primary.query(`SELECT user_id, amount_cents FROM orders WHERE id = $1`, [stale]);
      expect(job?.data).toEqual({ orderId: stale, userId: 501, amountCents: Number(order?.amount_cents), saleId: SALE_ID, productId: SALE_PRODUCT_ID });
      expect(await queue.getJob(fresh)).toBeUndefined();
      // the job exists now (waiting): a second sweep adds nothing
      expect(await recovery.sweep()).toEqual({ stale: 1, enqueued: [], retried: [] });
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      await recovery.close();
    }
  });
});

describe.skipIf(skip)('the BullMQ worker process sweeps', () => {
  it('an order reserved but never queued (a crash in between) is paid by the worker', async () => {
    const db = await createTestDatabase();
    const t = await startTarget({ databaseUrl: db.url, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}), products: 50, stock: 5, queue: 'bullmq', recoverAfterMs: 300, paymentLatencyMs: 5 });
    const dbs = openDatabases({ primary: db.url, shards: [] }, 'async', 2);
    try {
      const id = await reservedWithoutJob(dbs, 601);
      const t0 = performance.now();
      const status = await waitFor(async () => {
        const [r] = await dbs.primary.query(`SELECT status FROM orders WHERE id = $1`, [id]);
        return r?.status === 'pending' ? undefined : String(r?.status);
      }, 15_000, 'the stranded order to leave pending');
      expect(status).toBe('paid');
      expect(performance.now() - t0).toBeGreaterThanOrEqual(250); // not before it was stale
      const payments = await dbs.primary.query(`SELECT status FROM payments WHERE order_id = $1`, [id]);
      expect(payments.map((p) => p.status)).toEqual(['paid']);
      const [sale] = await dbs.primary.query(`SELECT stock FROM sales WHERE id = $1`, [SALE_ID]);
      expect(Number(sale?.stock)).toBe(4);
    } finally {
      await dbs.close();
      await t.stop();
      await db.drop();
    }
  });
});
