// Checkout: reserve one unit atomically, then pay — in the request (inline) or by enqueuing a
// payment job (bullmq, answered 202). A failed payment, or a job that could not be enqueued,
// gives the unit back. Answers are HTTP-shaped so every variant answers the same way.
import type { Cache } from '../cache/cache.ts';
import type { Databases } from '../db/routing.ts';
import { ordersTotal } from '../metrics/registry.ts';
import type { PaymentClient } from '../payment/client.ts';
import type { OrderQueue } from '../queue/queue.ts';
import { markPaid, releaseFailed, reserve, type Order } from './orders.ts';
import { stockKeys } from './sale.ts';

export interface CheckoutDeps {
  dbs: Databases;
  cache: Cache;
  payments: PaymentClient;
  /** null = inline payment */
  queue: OrderQueue | null;
  /** the app answered a checkout with 2xx/202 (counted for the invariants) */
  onAccepted(order: Order): void;
}

export interface CheckoutAnswer {
  status: number;
  body: Record<string, unknown>;
}

const saleProducts = new Map<number, number>();

/** A sale's product id (immutable, so remembered per process); null for an unknown sale. */
async function saleProduct(dbs: Databases, saleId: number): Promise<number | null> {
  const known = saleProducts.get(saleId);
  if (known !== undefined) return known;
  const [r] = await dbs.primary.query(`SELECT product_id FROM sales WHERE id = $1`, [saleId]);
  if (!r) return null;
  saleProducts.set(saleId, Number(r.product_id));
  return Number(r.product_id);
}

/** The answer a stored order gets when the same Idempotency-Key comes again. */
function answerFor(order: Order): CheckoutAnswer {
  const body = { orderId: order.id, status: order.status, replay: true };
  switch (order.status) {
    case 'paid':
      return { status: 201, body };
    case 'pending':
      return { status: 202, body };
    case 'failed':
      return { status: 402, body: { ...body, error: 'payment_failed' } };
    case 'rejected':
      return { status: 409, body: { ...body, error: 'sold_out' } };
  }
}

export async function checkout(deps: CheckoutDeps, input: { userId: number; saleId: number; idempotencyKey: string | null }): Promise<CheckoutAnswer> {
  const { dbs, cache, payments, queue } = deps;
  const productId = await saleProduct(dbs, input.saleId);
  if (productId === null) return { status: 404, body: { error: 'sale_not_found', saleId: input.saleId } };
  const r = await reserve(dbs, { ...input, acknowledge: queue !== null });
  if (r.kind === 'replay') return answerFor(r.order);
  if (r.kind === 'duplicate') {
    ordersTotal.inc({ outcome: 'rejected' });
    return { status: 409, body: { error: 'already_ordered', orderId: r.order?.id ?? null, status: r.order?.status ?? null } };
  }
  if (r.kind === 'sold_out') {
    ordersTotal.inc({ outcome: 'sold_out' });
    return { status: 409, body: { error: 'sold_out', orderId: r.order.id, status: 'rejected' } };
  }
  const order = r.order;
  const keys = stockKeys(input.saleId, productId);
  await cache.invalidate(keys);

  if (queue) {
    try {
      await queue.enqueue({ orderId: order.id, userId: order.userId, amountCents: order.amountCents, saleId: input.saleId, productId });
    } catch {
      await releaseFailed(dbs, order, 'not_enqueued', null, false);
      await cache.invalidate(keys);
      ordersTotal.inc({ outcome: 'error' });
      return { status: 503, body: { error: 'queue_unavailable', orderId: order.id, status: 'failed' } };
    }
    ordersTotal.inc({ outcome: 'accepted' });
    deps.onAccepted(order);
    return { status: 202, body: { orderId: order.id, status: 'pending' } };
  }

  const t0 = performance.now();
  const outcome = await payments.pay(order.id, order.amountCents);
  const ms = performance.now() - t0;
  if (outcome === 'paid') {
    if (!(await markPaid(dbs, order, ms))) return { status: 409, body: { error: 'order_not_pending', orderId: order.id } };
    ordersTotal.inc({ outcome: 'accepted' });
    deps.onAccepted(order);
    return { status: 201, body: { orderId: order.id, status: 'paid' } };
  }
  await releaseFailed(dbs, order, outcome, ms, null);
  await cache.invalidate(keys);
  ordersTotal.inc({ outcome: 'payment_failed' });
  return { status: 402, body: { error: 'payment_failed', orderId: order.id, status: 'failed' } };
}
