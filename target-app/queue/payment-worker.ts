// The BullMQ payment worker (a process of its own, as a Celery/Sidekiq worker would be): pays
// each reserved order, marks it paid, or marks it failed and gives its unit back. A declined
// payment is final; a provider error is retried, and the last failed attempt releases the
// order too — so every queued order ends paid or failed, never stays pending.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { redisClient } from '../cache/kv.ts';
import type { Databases } from '../db/routing.ts';
import { markPaid, releaseFailed } from '../domain/orders.ts';
import type { PaymentClient } from '../payment/client.ts';
import { PAYMENT_QUEUE, type PaymentJob, type QueueLocation } from './queue.ts';

/** How long a job's lock lasts (renewed every half of it while the job runs). */
export const STALL_LOCK_MS = 5000;

export interface PaymentWorkerDeps {
  dbs: Databases;
  payments: PaymentClient;
  loc: QueueLocation;
  concurrency: number;
  /** called after an order's stock changed (cache invalidation) */
  onStockChange?: (job: PaymentJob) => Promise<void>;
}

export function startPaymentWorker(deps: PaymentWorkerDeps): Worker<PaymentJob> {
  const { dbs, payments, loc } = deps;
  const worker = new Worker<PaymentJob>(
    PAYMENT_QUEUE,
    async (job: Job<PaymentJob>) => {
      const order = { id: job.data.orderId, userId: job.data.userId };
      const t0 = performance.now();
      const outcome = await payments.pay(order.id, job.data.amountCents);
      const ms = performance.now() - t0;
      if (outcome === 'paid') {
        await markPaid(dbs, order, ms);
        return 'paid';
      }
      if (outcome === 'declined') {
        if (await releaseFailed(dbs, order, 'declined', ms, null)) await deps.onStockChange?.(job.data);
        throw new UnrecoverableError('payment declined');
      }
      // The last attempt gives the unit back before giving up, in the same processor run, so
      // no order is left pending if this process stops right after.
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        if (await releaseFailed(dbs, order, 'error', ms, null)) await deps.onStockChange?.(job.data);
        throw new UnrecoverableError('payment provider error, attempts exhausted');
      }
      throw new Error('payment provider error');
    },
    {
      connection: redisClient(loc.redisUrl, { maxRetriesPerRequest: null }),
      prefix: loc.prefix,
      concurrency: deps.concurrency,
      // A worker process that dies holds its active jobs' locks: they go back to the queue once
      // the lock expires and the stalled check runs. BullMQ's 30 s defaults would leave those
      // orders pending for half a minute after a restart; a payment takes well under a second.
      lockDuration: STALL_LOCK_MS,
      stalledInterval: STALL_LOCK_MS / 2,
    },
  );
  worker.on('error', () => undefined);
  return worker;
}
