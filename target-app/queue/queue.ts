// Where the payment of a reserved order happens: inline (in the request, the client waits
// for the provider) or bullmq (the request enqueues a job and answers 202; the queue worker
// process pays). The job id is the order id, so a re-enqueue of the same order is ignored
// (BullMQ's custom-jobId dedupe).
import { Queue } from 'bullmq';
import { redisClient } from '../cache/kv.ts';
import type { BlockingBridge } from '../sync/bridge.ts';

export const PAYMENT_QUEUE = 'payments';
export const PAYMENT_JOB = 'pay';
/**
 * Transient provider errors are retried; declines are final on the first attempt. Five attempts
 * with exponential backoff from 250 ms span about 4 s: a payment service restarting (about 1–2 s
 * for ours) fails no order, a provider that stays away fails them and releases their units.
 */
export const PAYMENT_ATTEMPTS = 5;

export interface PaymentJob {
  orderId: string;
  userId: number;
  amountCents: number;
  saleId: number;
  productId: number;
}

export interface OrderQueue {
  enqueue(job: PaymentJob): Promise<void>;
  close(): Promise<void>;
}

export interface QueueLocation {
  redisUrl: string;
  /** BullMQ key prefix: one per target instance, so instances sharing a Redis never mix jobs */
  prefix: string;
}

export const jobOptions = (orderId: string) => ({
  jobId: orderId,
  attempts: PAYMENT_ATTEMPTS,
  backoff: { type: 'exponential' as const, delay: 250 },
  removeOnComplete: 1000,
  removeOnFail: 5000,
});

export function bullmqQueue(loc: QueueLocation): OrderQueue {
  // One retry, not ioredis' "wait for ever" (null, which only BullMQ workers need): while Redis
  // is away a checkout's enqueue fails within about a second and is answered 503 with the unit
  // given back, instead of every request hanging until Redis returns.
  const queue = new Queue(PAYMENT_QUEUE, { connection: redisClient(loc.redisUrl, { maxRetriesPerRequest: 1 }), prefix: loc.prefix });
  queue.on('error', () => undefined);
  return {
    async enqueue(job) {
      await queue.add(PAYMENT_JOB, job, jobOptions(job.orderId));
    },
    close: () => queue.close(),
  };
}

export function blockingBullmqQueue(bridge: BlockingBridge): OrderQueue {
  return {
    enqueue(job) {
      bridge.call({ op: 'enqueue', name: PAYMENT_JOB, data: { ...job }, jobId: job.orderId, attempts: PAYMENT_ATTEMPTS });
      return Promise.resolve();
    },
    close: async () => undefined,
  };
}

export interface QueueMonitor {
  /** job counts by state: waiting, active, completed, failed, delayed */
  counts(): Promise<Record<string, number>>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function queueMonitor(loc: QueueLocation): QueueMonitor {
  const queue = new Queue(PAYMENT_QUEUE, { connection: redisClient(loc.redisUrl, { maxRetriesPerRequest: 1 }), prefix: loc.prefix });
  queue.on('error', () => undefined);
  return {
    counts: () => queue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed'),
    async ping() {
      await queue.getJobCounts('waiting');
    },
    close: () => queue.close(),
  };
}
