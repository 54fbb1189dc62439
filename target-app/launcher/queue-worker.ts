// The BullMQ payment worker process (--queue bullmq): pays queued orders with the same domain
// code the inline checkout uses, always with async clients (it is a background worker, the
// sync/async contrast is about request handling). Its metrics (payment latency, its pool, its
// CPU) reach the shop's /metrics through the launcher, which relays the primary's requests.
import { asyncKv } from '../cache/kv.ts';
import { redisCache } from '../cache/cache.ts';
import { openDatabases } from '../db/routing.ts';
import { collectDefaults, register } from '../metrics/registry.ts';
import { stockKeys } from '../domain/sale.ts';
import { asyncPaymentClient } from '../payment/client.ts';
import { startPaymentWorker } from '../queue/payment-worker.ts';
import { pendingRecovery, sweepIntervalMs } from '../queue/recovery.ts';
import { clientPoolSize } from './build.ts';
import { keyPrefix, runtimeFromEnv, type MetricsReply, type MetricsRequest } from './runtime.ts';

const rt = runtimeFromEnv();
if (!rt.redisUrl) throw new Error('the queue worker needs Redis');
collectDefaults();
process.on('message', (m: MetricsRequest) => {
  if (m.t === 'metrics-req') void register.getMetricsAsJSON().then((metrics) => process.send?.({ t: 'metrics-res', id: m.id, metrics } satisfies MetricsReply));
});
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

// Orders left pending with no job by a crash between reserve and enqueue (see recovery.ts):
// swept at start, then every sweepIntervalMs.
const recovery = pendingRecovery({ dbs, loc: { redisUrl: rt.redisUrl, prefix: keyPrefix(rt).queue }, olderThanMs: rt.config.recoverAfterMs });
let sweeping: Promise<void> | null = null;
const sweep = () => {
  sweeping ??= recovery
    .sweep()
    .then((r) => {
      if (r.enqueued.length + r.retried.length > 0) process.stderr.write(`[target-app] recovery sweep: ${r.enqueued.length} pending order(s) without a job re-enqueued, ${r.retried.length} failed job(s) retried\n`);
    })
    .catch((e: unknown) => {
      process.stderr.write(`[target-app] recovery sweep failed (next one in ${sweepIntervalMs(rt.config.recoverAfterMs)} ms): ${e instanceof Error ? e.message : String(e)}\n`);
    })
    .finally(() => {
      sweeping = null;
    });
};
sweep();
const sweepTimer = setInterval(sweep, sweepIntervalMs(rt.config.recoverAfterMs));

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  clearInterval(sweepTimer);
  await Promise.race([sweeping, new Promise((r) => setTimeout(r, 2000))]);
  // close() lets active jobs finish (bounded by the payment latency); jobs still waiting stay
  // in Redis and are taken by the next worker — nothing is lost.
  await Promise.race([worker.close(), new Promise((r) => setTimeout(r, 4000))]);
  await Promise.allSettled([dbs.close(), payments.close(), kv?.close(), recovery.close()]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
