// What each knob visibly does: sync blocks its process, the cache is consulted and
// invalidated by a sale, memory sessions are per worker, metrics are aggregated across
// workers, the replica's lag is measured.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import type { TargetConfigInput } from '../launcher/config.ts';
import { startTarget, type RunningTarget } from '../launcher/start.ts';
import { createTestDatabase, httpClient, loginUsers, stopEmbedded, type HttpClient } from './fixtures.ts';

const redisSkip = process.env.REDIS_URL ? null : await needs(requirements.redisServer);
afterAll(stopEmbedded);

async function withTarget<T>(config: TargetConfigInput, fn: (t: RunningTarget, c: HttpClient) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  const t = await startTarget({ databaseUrl: db.url, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}), products: 100, ...config });
  const c = httpClient(t.url, 16);
  try {
    return await fn(t, c);
  } finally {
    await c.close();
    await t.stop();
    await db.drop();
  }
}

/** One request on a connection of its own (so node:cluster's round robin picks the worker). */
function freshGet(base: string, path: string, token: string): Promise<{ status: number; pid: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(path, base), { agent: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, pid: String(res.headers['x-worker-pid']) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:]+)(\{[^}]*\})? ([0-9.eE+-]+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const l = m[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`))) sum += Number(m[3]);
  }
  return sum;
}

/** Two checkouts by two users at once; the wall time of both. */
async function twoConcurrentCheckouts(c: HttpClient): Promise<number> {
  const [warm, a, b] = await loginUsers(c, `blk${Date.now()}_`, 3, 1);
  // warm-up: connections, the sync variant's bridge thread
  expect((await c.post('/checkout', {}, { authorization: `Bearer ${warm}` })).status).toBe(201);
  const t0 = performance.now();
  const rs = await Promise.all([c.post('/checkout', {}, { authorization: `Bearer ${a}` }), c.post('/checkout', {}, { authorization: `Bearer ${b}` })]);
  const ms = performance.now() - t0;
  expect(rs.map((r) => r.status)).toEqual([201, 201]);
  return ms;
}

describe('sync really blocks its process', () => {
  it('payment 200 ms, 1 worker: two concurrent checkouts take ≥ 400 ms on sync, ≈ 200 ms on async', async () => {
    const syncMs = await withTarget({ variant: 'sync', paymentLatencyMs: 200 }, (_t, c) => twoConcurrentCheckouts(c));
    const asyncMs = await withTarget({ variant: 'async', paymentLatencyMs: 200 }, (_t, c) => twoConcurrentCheckouts(c));
    process.stderr.write(`two concurrent checkouts, payment 200 ms: sync ${syncMs.toFixed(0)} ms, async ${asyncMs.toFixed(0)} ms\n`);
    expect(syncMs).toBeGreaterThanOrEqual(400);
    expect(asyncMs).toBeGreaterThanOrEqual(200);
    expect(asyncMs).toBeLessThan(380);
  });

  it('sync answers with Connection: close (no keep-alive pinning to a blocked worker)', async () => {
    await withTarget({ variant: 'sync' }, async (_t, c) => {
      const r = await c.get('/healthz');
      expect(r.headers.connection).toBe('close');
    });
  });
});

describe('cache', () => {
  for (const cache of ['memory', 'redis'] as const) {
    it.skipIf(cache === 'redis' && redisSkip)(`${cache}: a repeated product read hits, a sale invalidates`, async () => {
      await withTarget({ cache, cacheTtlMs: 60_000 }, async (_t, c) => {
        const hits = async () => metricValue((await c.get('/metrics')).text, 'cache_requests_total', { cache, result: 'hit' });
        const misses = async () => metricValue((await c.get('/metrics')).text, 'cache_requests_total', { cache, result: 'miss' });
        const first = await c.get('/products/1');
        expect(first.status).toBe(200);
        const h0 = await hits();
        const second = await c.get('/products/1');
        expect(second.body).toEqual(first.body);
        expect(await hits()).toBe(h0 + 1);
        const stock0 = (first.body as { flashSale: { stockLeft: number } }).flashSale.stockLeft;
        const [tok] = await loginUsers(c, `cache${Date.now()}_`, 1, 1);
        expect((await c.post('/checkout', {}, { authorization: `Bearer ${tok}` })).status).toBe(201);
        const m0 = await misses();
        const after = await c.get('/products/1');
        expect((after.body as { flashSale: { stockLeft: number } }).flashSale.stockLeft).toBe(stock0 - 1);
        expect(await misses()).toBe(m0 + 1);
      });
    });
  }
  it('none: never counts a hit', async () => {
    await withTarget({ cache: 'none' }, async (_t, c) => {
      await c.get('/products/1');
      await c.get('/products/1');
      expect(metricValue((await c.get('/metrics')).text, 'cache_requests_total')).toBe(0);
    });
  });
});

describe('sessions with --workers 2', () => {
  it('memory: the login is unknown to the other worker', async () => {
    await withTarget({ workers: 2, sessions: 'memory' }, async (t, c) => {
      const [tok] = await loginUsers(c, `sessm${Date.now()}_`, 1, 1);
      const replies = await Promise.all(Array.from({ length: 8 }, () => freshGet(t.url, '/cart', tok as string)));
      expect(new Set(replies.map((r) => r.pid)).size).toBe(2);
      const statuses = new Set(replies.map((r) => r.status));
      expect(statuses).toEqual(new Set([200, 401]));
    });
  });
  it.skipIf(redisSkip)('redis: every worker knows the login', async () => {
    await withTarget({ workers: 2, sessions: 'redis' }, async (t, c) => {
      const [tok] = await loginUsers(c, `sessr${Date.now()}_`, 1, 1);
      const replies = await Promise.all(Array.from({ length: 8 }, () => freshGet(t.url, '/cart', tok as string)));
      expect(new Set(replies.map((r) => r.pid)).size).toBe(2);
      expect(replies.every((r) => r.status === 200)).toBe(true);
    });
  });
});

describe('metrics', () => {
  it('aggregated over 2 workers: requests of both workers are counted, pool and order metrics present', async () => {
    await withTarget({ workers: 2 }, async (t, c) => {
      const tokens = await loginUsers(c, `met${Date.now()}_`, 4, 1);
      await Promise.all(Array.from({ length: 10 }, () => freshGet(t.url, '/products/2', 'x')));
      await c.post('/checkout', {}, { authorization: `Bearer ${tokens[0]}` });
      const text = (await c.get('/metrics')).text;
      expect(metricValue(text, 'http_request_duration_seconds_count', { route: '/products/:id', status: '200' })).toBe(10);
      expect(text).toContain('process_cpu_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect(metricValue(text, 'db_pool_clients', { db: 'primary', state: 'total' })).toBeGreaterThan(0);
      expect(text).toContain('db_pool_wait_seconds_bucket');
      expect(metricValue(text, 'payment_duration_seconds_count')).toBeGreaterThanOrEqual(1);
      expect(text).toMatch(/orders_total\{outcome="(accepted|rejected|sold_out|payment_failed)"\}/);
      // no replica: no lag series at all (a 0 would read as a perfectly fresh replica)
      expect(text).not.toMatch(/^replication_lag_seconds/m);
      expect(text).not.toContain('# TYPE replication_lag_seconds');
      // one family per name, however many processes contributed
      expect(text.match(/^# TYPE http_request_duration_seconds /gm)?.length).toBe(1);
    });
  });
  it.skipIf(redisSkip)('bullmq: queue job counts are exported', async () => {
    await withTarget({ queue: 'bullmq' }, async (_t, c) => {
      const [tok] = await loginUsers(c, `q${Date.now()}_`, 1, 1);
      const r = await c.post('/checkout', {}, { authorization: `Bearer ${tok}` });
      expect(r.status).toBe(202);
      const id = (r.body as { orderId: string }).orderId;
      let status = 'pending';
      for (let i = 0; i < 50 && status === 'pending'; i++) {
        await new Promise((res) => setTimeout(res, 50));
        status = ((await c.get(`/orders/${id}`)).body as { status: string }).status;
      }
      expect(status).toBe('paid');
      // BullMQ records the completion just after the order is marked paid: poll briefly
      let text = '';
      for (let i = 0; i < 30; i++) {
        text = (await c.get('/metrics')).text;
        if (metricValue(text, 'queue_jobs', { state: 'completed' }) === 1 && metricValue(text, 'payment_duration_seconds_count', { caller: 'queue' }) === 1) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(metricValue(text, 'queue_jobs', { state: 'completed' })).toBe(1);
      // the payment happened in the BullMQ worker process: its metrics are merged in
      expect(metricValue(text, 'payment_duration_seconds_count', { caller: 'queue', outcome: 'paid' })).toBe(1);
      expect(metricValue(text, 'payment_duration_seconds_bucket', { caller: 'queue', le: '+Inf' })).toBe(1);
      expect(text.match(/^# TYPE payment_duration_seconds /gm)?.length).toBe(1);
      expect(text.match(/^# TYPE process_cpu_seconds_total /gm)?.length).toBe(1);
    });
  });
});

describe('replica', () => {
  it('product reads are served by the replica; its lag is exported', async () => {
    // embedded PostgreSQL: the replica service copies the primary's data folder
    const t = await startTarget({ products: 100, replica: true });
    const c = httpClient(t.url, 8);
    try {
      for (let i = 0; i < 20; i++) expect((await c.get(`/products/${i + 1}`)).status).toBe(200);
      const text = (await c.get('/metrics')).text;
      expect(metricValue(text, 'db_pool_wait_seconds_count', { db: 'replica' })).toBe(20);
      expect(metricValue(text, 'db_pool_wait_seconds_count', { db: 'primary' })).toBe(0);
      expect(text).toMatch(/^replication_lag_seconds [0-9.e+-]+$/m);
    } finally {
      await c.close();
      await t.stop();
    }
  });
});

describe('refusals', () => {
  it('Redis needed but unreachable: refuses at start naming it', async () => {
    const db = await createTestDatabase();
    try {
      await expect(startTarget({ databaseUrl: db.url, cache: 'redis', redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/--cache redis needs Redis.*not reachable/);
    } finally {
      await db.drop();
    }
  });
});
