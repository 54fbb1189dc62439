// Product reads (the replica when there is one) behind the cache. The flash-sale product
// carries its stock left, so its cached copy must be invalidated whenever the stock changes.
import type { Cache } from '../cache/cache.ts';
import type { Databases } from '../db/routing.ts';

export interface Product {
  id: number;
  name: string;
  description: string;
  priceCents: number;
  /** present on the flash-sale item */
  flashSale?: { saleId: number; priceCents: number; stockLeft: number };
}

export const productKey = (id: number) => `product:${id}`;
export const PAGE_SIZE_MAX = 100;

function toProduct(r: Record<string, unknown>): Product {
  const p: Product = { id: Number(r.id), name: String(r.name), description: String(r.description), priceCents: Number(r.price_cents) };
  if (r.sale_id !== null && r.sale_id !== undefined) p.flashSale = { saleId: Number(r.sale_id), priceCents: Number(r.sale_price_cents), stockLeft: Number(r.stock) };
  return p;
}

export function getProduct(dbs: Databases, cache: Cache, id: number): Promise<Product | null> {
  return cache.getOrLoad(productKey(id), async () => {
    const [r] = await dbs.read.query(
      `SELECT p.id, p.name, p.description, p.price_cents, s.id AS sale_id, s.price_cents AS sale_price_cents, s.stock
       FROM products p LEFT JOIN sales s ON s.product_id = p.id WHERE p.id = $1`,
      [id],
    );
    return r ? toProduct(r) : null;
  });
}

export async function listProducts(dbs: Databases, cache: Cache, page: number, pageSize: number): Promise<{ page: number; pageSize: number; products: Product[] }> {
  const products = await cache.getOrLoad(`products:${page}:${pageSize}`, async () => {
    const rows = await dbs.read.query(`SELECT id, name, description, price_cents FROM products ORDER BY id LIMIT $1 OFFSET $2`, [pageSize, (page - 1) * pageSize]);
    return rows.map(toProduct);
  });
  return { page, pageSize, products: products ?? [] };
}

export async function productExists(dbs: Databases, id: number): Promise<boolean> {
  const rows = await dbs.read.query(`SELECT 1 FROM products WHERE id = $1`, [id]);
  return rows.length > 0;
}
