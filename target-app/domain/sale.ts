// The flash sale: its status (cached), its reset, and the invariants a run is judged by.
import type { Cache } from '../cache/cache.ts';
import type { Databases } from '../db/routing.ts';
import { productKey } from './catalogue.ts';

export interface SaleStatus {
  id: number;
  productId: number;
  priceCents: number;
  initialStock: number;
  stockLeft: number;
  resetAt: string;
}

export const saleKey = (id: number) => `sale:${id}`;

async function loadSale(dbs: Databases, id: number): Promise<SaleStatus | null> {
  const [r] = await dbs.primary.query(`SELECT id, product_id, price_cents, initial_stock, stock, reset_at FROM sales WHERE id = $1`, [id]);
  if (!r) return null;
  return {
    id: Number(r.id),
    productId: Number(r.product_id),
    priceCents: Number(r.price_cents),
    initialStock: Number(r.initial_stock),
    stockLeft: Number(r.stock),
    resetAt: r.reset_at instanceof Date ? r.reset_at.toISOString() : String(r.reset_at),
  };
}

export function getSale(dbs: Databases, cache: Cache, id: number): Promise<SaleStatus | null> {
  return cache.getOrLoad(saleKey(id), () => loadSale(dbs, id));
}

/** The cache keys that show the sale's stock. */
export function stockKeys(saleId: number, productId: number): string[] {
  return [saleKey(saleId), productKey(productId)];
}

/** Deletes the sale's orders everywhere and sets its stock (default: the stock it started with). */
export async function resetSale(dbs: Databases, id: number, stock: number | null): Promise<SaleStatus | null> {
  for (const db of dbs.orderDbs) await db.query(`DELETE FROM orders WHERE sale_id = $1`, [id]);
  await dbs.primary.query(`UPDATE sales SET initial_stock = COALESCE($2::int, initial_stock), stock = COALESCE($2::int, initial_stock), reset_at = now() WHERE id = $1`, [id, stock]);
  return loadSale(dbs, id);
}

export interface Invariants {
  saleId: number;
  stockAtStart: number;
  stockLeft: number;
  /** units taken from the stock: stockAtStart − stockLeft */
  sold: number;
  /** orders holding a unit (pending + paid) */
  holding: number;
  ordersByStatus: Record<'pending' | 'paid' | 'failed' | 'rejected', number>;
  /** units sold beyond the stock: must be 0 */
  oversold: number;
  /** stockAtStart − stockLeft == holding (a leaked or double-counted unit breaks it) */
  stockConsistent: boolean;
  /** orders the app answered 2xx/202 that are in the database */
  acknowledgedInDb: number;
  /** the app's own count of 2xx/202 checkout answers since the last reset (null if unknown) */
  accepted: number | null;
  /** accepted − acknowledgedInDb when positive: must be 0 */
  acceptedButMissing: number | null;
  /** every queued order has ended (no pending orders) */
  drained: boolean;
}

export async function invariants(dbs: Databases, id: number, accepted: number | null): Promise<Invariants | null> {
  const sale = await loadSale(dbs, id);
  if (!sale) return null;
  const byStatus = { pending: 0, paid: 0, failed: 0, rejected: 0 };
  let acknowledgedInDb = 0;
  for (const db of dbs.orderDbs) {
    const rows = await db.query(`SELECT status, count(*)::int AS n, (count(*) FILTER (WHERE acknowledged))::int AS acked FROM orders WHERE sale_id = $1 GROUP BY status`, [id]);
    for (const r of rows) {
      const s = r.status as keyof typeof byStatus;
      byStatus[s] += Number(r.n);
      acknowledgedInDb += Number(r.acked);
    }
  }
  const holding = byStatus.pending + byStatus.paid;
  const sold = sale.initialStock - sale.stockLeft;
  return {
    saleId: id,
    stockAtStart: sale.initialStock,
    stockLeft: sale.stockLeft,
    sold,
    holding,
    ordersByStatus: byStatus,
    oversold: Math.max(0, holding - sale.initialStock, sold - sale.initialStock),
    stockConsistent: sold === holding,
    acknowledgedInDb,
    accepted,
    acceptedButMissing: accepted === null ? null : Math.max(0, accepted - acknowledgedInDb),
    drained: byStatus.pending === 0,
  };
}

/** Which of these order ids (answered 2xx by the app, as the client saw) are not in the database. */
export async function missingOrders(dbs: Databases, ids: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const db of dbs.orderDbs) {
    for (let i = 0; i < ids.length; i += 5000) {
      const rows = await db.query(`SELECT id FROM orders WHERE id = ANY($1::uuid[]) AND status <> 'rejected'`, [`{${ids.slice(i, i + 5000).join(',')}}`]);
      for (const r of rows) found.add(String(r.id));
    }
  }
  return ids.filter((id) => !found.has(id));
}
