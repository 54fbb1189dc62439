// The recovery sweep (--queue bullmq): a queued checkout reserves the unit and then enqueues the
// payment job; a crash between the two leaves an order pending with no job, holding a unit and
// never paid — the promise "a queued order ends paid or failed" broken. The BullMQ worker
// process runs this sweep at start and then periodically: every order pending for longer than
// `olderThanMs` that has no job gets its job (same job id = order id, so it can never be queued
// twice), and one whose job failed while the order stayed pending (the release itself failed)
// has that job retried. The payment worker then pays it or fails it and releases the unit.
//
// The threshold keeps the sweep away from checkouts in flight (reserved a moment ago, enqueuing
// now). Caveat: several shop instances sharing one database each have their own queue (Redis
// prefix per instance); one instance's sweep cannot see another's jobs and could re-enqueue an
// order that has waited longer than the threshold in the other's backlog. markPaid/releaseFailed
// only ever move an order out of pending once, but the provider would be called twice: give
// shared-database deployments a threshold above their longest queue wait.
import { Queue } from 'bullmq';
import { redisClient } from '../cache/kv.ts';
import type { Databases } from '../db/routing.ts';
import type { Sql } from '../db/sql.ts';
import { jobOptions, PAYMENT_JOB, PAYMENT_QUEUE, type PaymentJob, type QueueLocation } from './queue.ts';

export interface SweepResult {
  /** pending orders older than the threshold */
  stale: number;
  /** order ids that had no job and were enqueued */
  enqueued: string[];
  /** order ids whose failed job was retried */
  retried: string[];
}

export interface PendingRecovery {
  sweep(): Promise<SweepResult>;
  close(): Promise<void>;
}

/** At most this many orders per database per sweep (the next sweep takes the rest). */
const BATCH = 500;

export function pendingRecovery(deps: { dbs: Databases; loc: QueueLocation; olderThanMs: number }): PendingRecovery {
  const { dbs, loc } = deps;
  const queue = new Queue<PaymentJob>(PAYMENT_QUEUE, { connection: redisClient(loc.redisUrl, { maxRetriesPerRequest: 1 }), prefix: loc.prefix });
  queue.on('error', () => undefined);
  const productOf = new Map<number, number>();

  async function saleProduct(saleId: number): Promise<number | null> {
    const known = productOf.get(saleId);
    if (known !== undefined) return known;
    const [r] = await dbs.primary.query(`SELECT product_id FROM sales WHERE id = $1`, [saleId]);
    if (!r) return null;
    productOf.set(saleId, Number(r.product_id));
    return Number(r.product_id);
  }

  async function stillPending(db: Sql, id: string): Promise<boolean> {
    const [r] = await db.query(`SELECT status FROM orders WHERE id = $1`, [id]);
    return r?.status === 'pending';
  }

  return {
    async sweep() {
      const out: SweepResult = { stale: 0, enqueued: [], retried: [] };
      for (const db of dbs.orderDbs) {
        const rows = await db.query(
          `SELECT id, user_id, sale_id, amount_cents FROM orders
            WHERE status = 'pending' AND created_at < now() - make_interval(secs => $1::float8 / 1000)
            ORDER BY created_at LIMIT ${BATCH}`,
          [deps.olderThanMs],
        );
        out.stale += rows.length;
        for (const r of rows) {
          const id = String(r.id);
          const job = await queue.getJob(id);
          if (job) {
            if ((await job.getState()) === 'failed' && (await stillPending(db, id))) {
              await job.retry('failed');
              out.retried.push(id);
            }
            continue; // waiting, delayed, active: the worker will get to it
          }
          // No job. Checked again now: a job that completed and was removed before getJob()
          // had already moved the order out of pending.
          if (!(await stillPending(db, id))) continue;
          const saleId = Number(r.sale_id);
          const productId = await saleProduct(saleId);
          if (productId === null) continue;
          await queue.add(PAYMENT_JOB, { orderId: id, userId: Number(r.user_id), amountCents: Number(r.amount_cents), saleId, productId }, jobOptions(id));
          out.enqueued.push(id);
        }
      }
      return out;
    },
    close: () => queue.close(),
  };
}

/** How often the queue worker sweeps for a given threshold: half of it, within 0.25–30 s. */
export function sweepIntervalMs(olderThanMs: number): number {
  return Math.min(Math.max(Math.round(olderThanMs / 2), 250), 30_000);
}
