// Orders and the atomic stock decision. Unsharded, the decision is ONE statement: a
// conditional UPDATE of the sale's stock (`stock > 0`, re-checked by PostgreSQL under the row
// lock, so the last unit cannot be taken twice) feeding the INSERT of the order; the unique
// index "one holding order per user per sale" rolls the whole statement back for a second
// attempt. Sharded, stock (primary) and orders (the user's shard) are two databases: the unit
// is taken first and given back if the order cannot be written — a crash in between can leak
// a unit, never oversell one.
import { randomUUID } from 'node:crypto';
import type { Databases } from '../db/routing.ts';
import { pgErrorInfo, type Sql } from '../db/sql.ts';

export type OrderStatus = 'pending' | 'paid' | 'failed' | 'rejected';

export interface Order {
  id: string;
  userId: number;
  saleId: number;
  status: OrderStatus;
  amountCents: number;
  createdAt: string;
  updatedAt: string;
}

export type ReserveResult =
  | { kind: 'reserved'; order: Order }
  | { kind: 'sold_out'; order: Order }
  | { kind: 'duplicate'; order: Order | null }
  | { kind: 'replay'; order: Order };

const COLUMNS = 'id, user_id, sale_id, status, amount_cents, created_at, updated_at';

function toOrder(r: Record<string, unknown>): Order {
  const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v));
  return {
    id: String(r.id),
    userId: Number(r.user_id),
    saleId: Number(r.sale_id),
    status: r.status as OrderStatus,
    amountCents: Number(r.amount_cents),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

async function byKey(db: Sql, userId: number, key: string): Promise<Order | null> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM orders WHERE user_id = $1 AND idempotency_key = $2`, [userId, key]);
  return r ? toOrder(r) : null;
}

async function holding(db: Sql, userId: number, saleId: number): Promise<Order | null> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM orders WHERE user_id = $1 AND sale_id = $2 AND status IN ('pending', 'paid')`, [userId, saleId]);
  return r ? toOrder(r) : null;
}

export interface ReserveInput {
  saleId: number;
  userId: number;
  idempotencyKey: string | null;
  /** true when the app will answer 2xx as soon as the order is reserved (queued checkout) */
  acknowledge: boolean;
}

/** Takes one unit of the sale's stock for the user, or says why not. */
export async function reserve(dbs: Databases, input: ReserveInput): Promise<ReserveResult> {
  const { saleId, userId, idempotencyKey: key, acknowledge } = input;
  const odb = dbs.orderDbFor(userId);
  if (key) {
    const prior = await byKey(odb, userId, key);
    if (prior) return { kind: 'replay', order: prior };
  }
  const id = randomUUID();
  try {
    if (!dbs.sharded) {
      const [r] = await odb.query(
        `WITH s AS (UPDATE sales SET stock = stock - 1 WHERE id = $1 AND stock > 0 RETURNING price_cents)
         INSERT INTO orders (id, user_id, sale_id, status, idempotency_key, amount_cents, acknowledged)
         SELECT $2, $3, $1, 'pending', $4, price_cents, $5 FROM s
         RETURNING ${COLUMNS}`,
        [saleId, id, userId, key, acknowledge],
      );
      if (r) return { kind: 'reserved', order: toOrder(r) };
    } else {
      const [s] = await dbs.primary.query<{ price_cents: number }>(`UPDATE sales SET stock = stock - 1 WHERE id = $1 AND stock > 0 RETURNING price_cents`, [saleId]);
      if (s) {
        try {
          const [r] = await odb.query(
            `INSERT INTO orders (id, user_id, sale_id, status, idempotency_key, amount_cents, acknowledged)
             VALUES ($1, $2, $3, 'pending', $4, $5, $6) RETURNING ${COLUMNS}`,
            [id, userId, saleId, key, s.price_cents, acknowledge],
          );
          if (r) return { kind: 'reserved', order: toOrder(r) };
          throw new Error('order insert returned no row');
        } catch (e) {
          await dbs.primary.query(`UPDATE sales SET stock = stock + 1 WHERE id = $1`, [saleId]);
          throw e;
        }
      }
    }
  } catch (e) {
    const { code, constraint } = pgErrorInfo(e);
    if (code === '23505' && constraint === 'orders_one_per_user') return { kind: 'duplicate', order: await holding(odb, userId, saleId) };
    if (code === '23505' && constraint === 'orders_idempotency' && key) {
      const prior = await byKey(odb, userId, key);
      if (prior) return { kind: 'replay', order: prior };
    }
    throw e;
  }
  // Sold out: the rejection is recorded too, so a retry with the same key gets the same answer
  // and the invariants can count every checkout that reached the decision.
  const [r] = await odb.query(
    `INSERT INTO orders (id, user_id, sale_id, status, idempotency_key, amount_cents) VALUES ($1, $2, $3, 'rejected', $4, 0)
     ON CONFLICT DO NOTHING RETURNING ${COLUMNS}`,
    [id, userId, saleId, key],
  );
  if (r) return { kind: 'sold_out', order: toOrder(r) };
  const prior = key ? await byKey(odb, userId, key) : null;
  if (prior) return { kind: 'replay', order: prior };
  throw new Error('sold-out order could not be recorded');
}

/** pending → paid (and acknowledged). False when the order was no longer pending. */
export async function markPaid(dbs: Databases, order: Pick<Order, 'id' | 'userId'>, latencyMs: number): Promise<boolean> {
  const rows = await dbs.orderDbFor(order.userId).query(
    `WITH o AS (UPDATE orders SET status = 'paid', acknowledged = true, updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING id)
     INSERT INTO payments (order_id, status, latency_ms) SELECT id, 'paid', $2 FROM o RETURNING order_id`,
    [order.id, Math.round(latencyMs)],
  );
  return rows.length > 0;
}

/**
 * pending → failed, and the unit goes back to the sale. `acknowledged` null keeps the flag
 * (a queued order that was already answered 202), false clears it (the answer was an error).
 */
export async function releaseFailed(dbs: Databases, order: Pick<Order, 'id' | 'userId'>, paymentStatus: string, latencyMs: number | null, acknowledged: boolean | null): Promise<boolean> {
  const odb = dbs.orderDbFor(order.userId);
  const mark = `WITH o AS (UPDATE orders SET status = 'failed', acknowledged = COALESCE($2::boolean, acknowledged), updated_at = now()
                  WHERE id = $1 AND status = 'pending' RETURNING id, sale_id),
                p AS (INSERT INTO payments (order_id, status, latency_ms) SELECT id, $3, $4 FROM o)`;
  const params = [order.id, acknowledged, paymentStatus, latencyMs === null ? null : Math.round(latencyMs)];
  if (!dbs.sharded) {
    const rows = await odb.query(`${mark} UPDATE sales SET stock = stock + 1 FROM o WHERE sales.id = o.sale_id RETURNING sales.id`, params);
    return rows.length > 0;
  }
  const [o] = await odb.query<{ sale_id: number }>(`${mark} SELECT sale_id FROM o`, params);
  if (!o) return false;
  await dbs.primary.query(`UPDATE sales SET stock = stock + 1 WHERE id = $1`, [o.sale_id]);
  return true;
}

/** An order by id: on the user's shard when the user is known, else on each shard in turn. */
export async function findOrder(dbs: Databases, id: string, userId: number | null): Promise<Order | null> {
  const candidates = userId !== null ? [dbs.orderDbFor(userId)] : dbs.orderDbs;
  for (const db of candidates) {
    const [r] = await db.query(`SELECT ${COLUMNS} FROM orders WHERE id = $1`, [id]);
    if (r) return toOrder(r);
  }
  // the order may be on another shard than the session's user (someone else's order id)
  if (userId !== null && dbs.orderDbs.length > 1) return findOrder(dbs, id, null);
  return null;
}

/** A user's order history (the replica when there is one: it may lag). */
export async function userOrders(dbs: Databases, userId: number, limit = 50): Promise<Order[]> {
  const rows = await dbs.orderHistoryFor(userId).query(`SELECT ${COLUMNS} FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2`, [userId, limit]);
  return rows.map(toOrder);
}
