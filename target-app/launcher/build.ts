// Builds one worker process's dependencies from the runtime: databases (pg Pool or blocking
// pg-native), cache, sessions, payment client and queue producer — the sync variant gets the
// blocking implementation of each, so none of its I/O lets the event loop run.
import { noCache, memoryCache, redisCache, type Cache } from '../cache/cache.ts';
import { asyncKv, kvOver, type Kv } from '../cache/kv.ts';
import { openDatabases, type Databases } from '../db/routing.ts';
import { asyncPaymentClient, blockingPaymentClient, type PaymentClient } from '../payment/client.ts';
import { PAYMENT_QUEUE, blockingBullmqQueue, bullmqQueue, type OrderQueue } from '../queue/queue.ts';
import { memorySessions, redisSessions, type SessionStore } from '../sessions/sessions.ts';
import { startBridge, type BlockingBridge } from '../sync/bridge.ts';
import { keyPrefix, type Runtime } from './runtime.ts';

export interface WorkerDeps {
  dbs: Databases;
  kv: Kv | null;
  cache: Cache;
  sessions: SessionStore;
  payments: PaymentClient;
  queue: OrderQueue | null;
  readiness(): Promise<Record<string, string | null>>;
  close(): Promise<void>;
}

/** Client connections per process: with PgBouncer in front, `pool` sizes PgBouncer's server pool instead. */
export function clientPoolSize(rt: Runtime): number {
  return rt.config.pgbouncer ? Math.max(rt.config.pool, 50) : rt.config.pool;
}

export function buildWorkerDeps(rt: Runtime): WorkerDeps {
  const c = rt.config;
  const prefix = keyPrefix(rt);
  const sync = c.variant === 'sync';
  const dbs = openDatabases(rt.db, c.variant, clientPoolSize(rt));
  const bridge: BlockingBridge | null = sync ? startBridge({ ...(rt.redisUrl ? { redisUrl: rt.redisUrl } : {}), ...(c.queue === 'bullmq' ? { queueName: PAYMENT_QUEUE, queuePrefix: prefix.queue } : {}) }) : null;
  let kv: Kv | null = null;
  if (rt.redisUrl) {
    if (bridge) {
      const b = bridge;
      kv = kvOver((command, args) => Promise.resolve(b.call({ op: 'redis', command, args })), async () => undefined);
    } else kv = asyncKv(rt.redisUrl);
  }
  const needKv = (what: string): Kv => {
    if (!kv) throw new Error(`${what} needs Redis but the launcher gave no Redis URL`);
    return kv;
  };
  const cache = c.cache === 'none' ? noCache() : c.cache === 'memory' ? memoryCache(c.cacheTtlMs) : redisCache(needKv('--cache redis'), c.cacheTtlMs, prefix.cache);
  const sessions = c.sessions === 'memory' ? memorySessions() : redisSessions(needKv('--sessions redis'), prefix.sessions);
  const payments = bridge ? blockingPaymentClient(rt.paymentUrl, bridge) : asyncPaymentClient(rt.paymentUrl, 'inline');
  let queue: OrderQueue | null = null;
  if (c.queue === 'bullmq') {
    if (!rt.redisUrl) throw new Error('--queue bullmq needs Redis but the launcher gave no Redis URL');
    queue = bridge ? blockingBullmqQueue(bridge) : bullmqQueue({ redisUrl: rt.redisUrl, prefix: prefix.queue });
  }

  const check = async (p: Promise<unknown>): Promise<string | null> => {
    try {
      await p;
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  };
  return {
    dbs,
    kv,
    cache,
    sessions,
    payments,
    queue,
    async readiness() {
      const out: Record<string, string | null> = { database: await check(dbs.primary.query('SELECT 1')) };
      if (dbs.read !== dbs.primary) out.replica = await check(dbs.read.query('SELECT 1'));
      if (dbs.sharded) for (const [i, db] of dbs.orderDbs.entries()) out[`shard${i}`] = await check(db.query('SELECT 1'));
      // The queue lives in Redis: Redis answering is the queue being reachable.
      if (kv) out[c.queue === 'bullmq' ? 'redis+queue' : 'redis'] = await check(kv.ping());
      // The payment provider (a process the launcher restarts if it dies). Asked with an
      // ordinary fetch even in the sync variant: readiness is not the path being measured.
      out.payment = await check(
        fetch(`${rt.paymentUrl}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => {
          if (!r.ok) throw new Error(`the payment service answered ${r.status}`);
          return r.arrayBuffer();
        }),
      );
      return out;
    },
    async close() {
      await Promise.allSettled([dbs.close(), kv?.close(), payments.close(), queue?.close(), bridge?.close()]);
    },
  };
}
