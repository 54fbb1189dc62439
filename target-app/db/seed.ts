// Seed data, generated inside PostgreSQL (one INSERT … SELECT generate_series), so 10,000
// products take milliseconds rather than 10,000 round trips. Re-seeding is idempotent: the
// product table is only refilled when its size differs, and the sale is reset.
import pg from 'pg';

export const SALE_ID = 1;
/** the flash-sale item: the first product */
export const SALE_PRODUCT_ID = 1;

export async function seedProducts(primaryUrl: string, count: number): Promise<void> {
  const c = new pg.Client({ connectionString: primaryUrl });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT pg_advisory_xact_lock(4242002)`);
    const [row] = (await c.query<{ n: string; max: string | null }>('SELECT count(*) AS n, max(id) AS max FROM products')).rows;
    if (Number(row?.n) !== count || Number(row?.max) !== count) {
      await c.query('DELETE FROM sales');
      await c.query('DELETE FROM products');
      await c.query(
        `INSERT INTO products (id, name, description, price_cents)
         SELECT i, 'Product ' || i, 'A fine product, number ' || i || ', described at some length for a realistic payload.', 100 + (i * 37) % 9900
         FROM generate_series(1, $1::int) AS i`,
        [count],
      );
    }
    await c.query(
      `INSERT INTO sales (id, product_id, price_cents, initial_stock, stock) VALUES ($1, $2, 4999, 0, 0)
       ON CONFLICT (id) DO NOTHING`,
      [SALE_ID, SALE_PRODUCT_ID],
    );
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}
