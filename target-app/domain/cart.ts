// Carts live with the user's orders (on the user's shard).
import type { Databases } from '../db/routing.ts';

export interface CartItem {
  productId: number;
  quantity: number;
}

export const CART_QUANTITY_MAX = 99;

export async function addToCart(dbs: Databases, userId: number, productId: number, quantity: number): Promise<CartItem[]> {
  const db = dbs.orderDbFor(userId);
  await db.query(
    `INSERT INTO cart_items (user_id, product_id, quantity) VALUES ($1, $2, $3)
     ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, ${CART_QUANTITY_MAX})`,
    [userId, productId, quantity],
  );
  return getCart(dbs, userId);
}

export async function getCart(dbs: Databases, userId: number): Promise<CartItem[]> {
  const rows = await dbs.orderDbFor(userId).query(`SELECT product_id, quantity FROM cart_items WHERE user_id = $1 ORDER BY product_id`, [userId]);
  return rows.map((r) => ({ productId: Number(r.product_id), quantity: Number(r.quantity) }));
}
