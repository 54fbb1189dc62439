// What the Python shop's knobs do, observed from outside: per-process sessions are lost across
// Gunicorn workers and Redis sessions are not; the Redis cache is invalidated for every worker
// by a checkout; a queued (Celery) order shows its progress and ends paid or failed; an order
// orphaned between reservation and enqueueing (a crash) is recovered by the worker's sweep.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { parseTargetConfig, type TargetConfigInput } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { startTarget, type RunningTarget } from '../launcher/start.ts';
import { createTestDatabase, httpClient, loginUsers, stopEmbedded, waitFor, type HttpClient } from '../testing/fixtures.ts';

const skip =
  (await needs(
    { name: 'python shop (sync, celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync', queue: 'celery' })) },
    { name: 'python shop (async, celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async', queue: 'celery' })) },
  )) ?? (process.env.REDIS_URL ? null : await needs(requirements.redisServer));

afterAll(stopEmbedded);

async function withShop<T>(config: TargetConfigInput, fn: (t: RunningTarget, http: HttpClient, dbUrl: string) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  const target = await startTarget({ shop: 'python', databaseUrl: db.url, products: 20, paymentLatencyMs: 5, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}), ...config });
  const http = httpClient(target.url, 50);
  try {
    return await fn(target, http, db.url);
  } finally {
    await http.close();
    await target.stop();
    await db.drop();
  }
}

/** Each user reads their cart `times` times, concurrently; answers with the worker that served them. */
async function cartReads(http: HttpClient, tokens: string[], times: number) {
  const reqs = tokens.flatMap((t) => Array.from({ length: times }, () => t));
  return Promise.all(reqs.map(async (t) => {
    const r = await http.get('/cart', { authorization: `Bearer ${t}` });
    return { token: t, status: r.status, pid: Number(r.headers['x-worker-pid']) };
  }));
}

describe.skipIf(skip)('python shop behaviour', () => {
  it('sessions=memory with 2 sync workers: a login is known only to the worker that made it; sessions=redis: to all', async () => {
    for (const sessions of ['memory', 'redis'] as const) {
      await withShop({ variant: 'sync', workers: 2, sessions }, async (_t, http) => {
        const logins = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
          const r = await http.post('/login', { username: `s_${sessions}_${i}` });
          return { token: (r.body as { token: string }).token, pid: Number(r.headers['x-worker-pid']) };
        }));
        const loginPid = new Map(logins.map((l) => [l.token, l.pid]));
        // which worker accepts a connection is the kernel's choice: read until both have served
        const reads: Awaited<ReturnType<typeof cartReads>> = [];
        for (let round = 0; round < 5 && !reads.some((r) => r.pid !== loginPid.get(r.token)); round++) reads.push(...(await cartReads(http, logins.map((l) => l.token), 6)));
        const workers = new Set([...logins.map((l) => l.pid), ...reads.map((r) => r.pid)]);
        expect(workers.size).toBe(2); // both workers served (else the test would prove nothing)
        const elsewhere = reads.filter((r) => r.pid !== loginPid.get(r.token));
        expect(elsewhere.length).toBeGreaterThan(0);
        if (sessions === 'memory') {
          // every read on the other worker is a lost login; every read on the same one works
          expect(elsewhere.every((r) => r.status === 401)).toBe(true);
          expect(reads.filter((r) => r.pid === loginPid.get(r.token)).every((r) => r.status === 200)).toBe(true);
        } else {
          expect(reads.every((r) => r.status === 200)).toBe(true);
        }
      });
    }
  }, 120_000);

  it('cache=redis with 2 async workers: after each checkout every worker shows the new stock; reads hit the cache', async () => {
    await withShop({ variant: 'async', workers: 2, cache: 'redis', cacheTtlMs: 60_000, sessions: 'redis', stock: 5 }, async (_t, http) => {
      const tokens = await loginUsers(http, `c${Date.now()}_`, 3, 3);
      for (const [i, t] of tokens.entries()) {
        const r = await http.post('/checkout', {}, { authorization: `Bearer ${t}` });
        expect(r.status).toBe(201);
        const reads = await Promise.all(Array.from({ length: 8 }, () => http.get('/sale')));
        expect(reads.map((x) => (x.body as { stockLeft: number }).stockLeft)).toEqual(Array.from({ length: 8 }, () => 5 - i - 1));
        const product = await http.get('/products/1');
        expect((product.body as { flashSale: { stockLeft: number } }).flashSale.stockLeft).toBe(5 - i - 1);
      }
      // concurrent reads right after an invalidation may all miss; two reads in a row cannot
      // (nothing invalidates in between, and the TTL is a minute)
      const hitCount = async () => {
        const m = (await http.get('/metrics')).text;
        const line = m.split('\n').find((l) => l.startsWith('cache_requests_total{') && l.includes('cache="redis"') && l.includes('result="hit"'));
        return line ? Number(line.split(' ').pop()) : 0;
      };
      const before = await hitCount();
      await http.get('/sale');
      await http.get('/sale');
      expect(await hitCount()).toBeGreaterThanOrEqual(before + 1);
    });
  }, 60_000);

  for (const variant of ['sync', 'async'] as const) {
    it(`queue=celery (${variant}): 202, the order moves pending → paid (or failed, its unit back), never backwards`, async () => {
      for (const failureRate of [0, 1]) {
        await withShop({ variant, queue: 'celery', stock: 10, paymentLatencyMs: 150, paymentFailureRate: failureRate }, async (t, http) => {
          const tokens = await loginUsers(http, `q${failureRate}_${Date.now()}_`, 4, 4);
          const answers = await Promise.all(tokens.map((tk) => http.post('/checkout', {}, { authorization: `Bearer ${tk}` })));
          expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
          const end = failureRate === 0 ? 'paid' : 'failed';
          for (const a of answers) {
            const id = (a.body as { orderId: string }).orderId;
            const seen: string[] = [];
            await waitFor(async () => {
              const s = ((await http.get(`/orders/${id}`)).body as { status: string }).status;
              if (seen[seen.length - 1] !== s) seen.push(s);
              return s === end ? s : undefined;
            }, 20_000, `order ${id} to end ${end}`);
            expect([[end], ['pending', end]]).toContainEqual(seen);
          }
          const inv = (await http.get('/admin/invariants', { 'x-admin-token': t.adminToken })).body as { stockLeft: number; drained: boolean; stockConsistent: boolean; accepted: number; acceptedButMissing: number };
          expect(inv).toMatchObject({ drained: true, stockConsistent: true, accepted: 4, acceptedButMissing: 0, stockLeft: failureRate === 0 ? 6 : 10 });
          const m = (await http.get('/metrics')).text;
          expect(m).toMatch(/^payment_duration_seconds_count\{caller="queue",outcome="(paid|declined)"\} 4\.0$/m);
        });
      }
    }, 120_000);
  }

  it('queue=celery: an order orphaned between reservation and enqueueing is found by the sweep and paid', async () => {
    await withShop({ variant: 'async', queue: 'celery', stock: 10, recoverAfterMs: 500 }, async (t, http, dbUrl) => {
      const [token] = await loginUsers(http, `orphan${Date.now()}_`, 1, 1);
      const me = (await http.get('/orders', { authorization: `Bearer ${token}` })).status;
      expect(me).toBe(200);
      // what a crash right after the stock decision leaves behind: the unit taken, the order
      // pending and answered 202, and no job in the broker
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      const orphan = '2f9e6c1a-1b2c-4d3e-8f00-00000000a11e';
      try {
        const u = await c.query<{ id: string }>(`SELECT id FROM users WHERE username LIKE 'orphan%'`);
        await c.query(
          `WITH s AS (UPDATE sales SET stock = stock - 1 WHERE id = 1 RETURNING price_cents)
           INSERT INTO orders (id, user_id, sale_id, status, amount_cents, acknowledged, created_at, updated_at)
           SELECT $1, $2, 1, 'pending', price_cents, true, now() - interval '5 seconds', now() - interval '5 seconds' FROM s`,
          [orphan, u.rows[0]?.id],
        );
      } finally {
        await c.end();
      }
      const status = await waitFor(async () => {
        const s = ((await http.get(`/orders/${orphan}`)).body as { status: string }).status;
        return s === 'pending' ? undefined : s;
      }, 20_000, 'the sweep to pay the orphaned order');
      expect(status).toBe('paid');
      const inv = (await http.get('/admin/invariants', { 'x-admin-token': t.adminToken })).body as { stockLeft: number; drained: boolean; stockConsistent: boolean; ordersByStatus: { paid: number } };
      expect(inv).toMatchObject({ drained: true, stockConsistent: true, stockLeft: 9, ordersByStatus: { paid: 1 } });
    });
  }, 60_000);
});
