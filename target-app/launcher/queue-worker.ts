// The BullMQ payment worker process (--queue bullmq): pays queued orders with the same domain
// code the inline checkout uses, always with async clients (it is a background worker, the
// sync/async contrast is about request handling).
import { asyncKv } from '../cache/kv.ts';
import { redisCache } from '../cache/cache.ts';
import { openDatabases } from '../db/routing.ts';
import { stockKeys } from '../domain/sale.ts';
import { asyncPaymentClient } from '../payment/client.ts';
import { startPaymentWorker } from '../queue/payment-worker.ts';
import { clientPoolSize } from './build.ts';
import { keyPrefix, runtimeFromEnv } from './runtime.ts';

const rt = runtimeFromEnv();
if (!rt.redisUrl) throw new Error('the queue worker needs Redis');
const dbs = openDatabases(rt.db, 'async', Math.min(clientPoolSize(rt), rt.config.queueConcurrency));
const payments = asyncPaymentClient(rt.paymentUrl, 'queue');
// Only a shared (redis) cache can be invalidated from here; memory caches expire by TTL.
const kv = rt.config.cache === 'redis' ? asyncKv(rt.redisUrl) : null;
const cache = kv ? redisCache(kv, rt.config.cacheTtlMs, keyPrefix(rt).cache) : null;
const worker = startPaymentWorker({
  dbs,
  payments,
  loc: { redisUrl: rt.redisUrl, prefix: keyPrefix(rt).queue },
  concurrency: rt.config.queueConcurrency,
  onStockChange: async (job) => {
    await cache?.invalidate(stockKeys(job.saleId, job.productId));
  },
});
worker.on('ready', () => process.send?.({ t: 'ready' }));
void worker.waitUntilReady().then(() => process.send?.({ t: 'ready' }));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // close() lets active jobs finish (bounded by the payment latency); jobs still waiting stay
  // in Redis and are taken by the next worker — nothing is lost.
  await Promise.race([worker.close(), new Promise((r) => setTimeout(r, 4000))]);
  await Promise.allSettled([dbs.close(), payments.close(), kv?.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
