// Idempotent migrations. The schema is split the way the `shards` knob splits the data:
// inventory (products, users, the flash sale) always lives on the primary; orders, payments and
// carts live on each shard (on the primary too when there is one shard). Each migration runs
// under an advisory lock, so two launchers on one database never race.
import pg from 'pg';

const INVENTORY: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS products (
     id bigint PRIMARY KEY,
     name text NOT NULL,
     description text NOT NULL,
     price_cents integer NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS users (
     id bigserial PRIMARY KEY,
     username text NOT NULL UNIQUE,
     created_at timestamptz NOT NULL DEFAULT now())`,
  // No CHECK (stock >= 0): the conditional UPDATE is the guard, and the invariants report
  // would be blind to a broken guard if a constraint quietly turned oversells into errors.
  `CREATE TABLE IF NOT EXISTS sales (
     id integer PRIMARY KEY,
     product_id bigint NOT NULL REFERENCES products (id),
     price_cents integer NOT NULL,
     initial_stock integer NOT NULL,
     stock integer NOT NULL,
     reset_at timestamptz NOT NULL DEFAULT now())`,
];

const ORDERS: readonly string[] = [
  // acknowledged: the app answered this checkout with a 2xx/202 (the invariant "every accepted
  // order exists" compares the app's own count of such answers with these rows).
  `CREATE TABLE IF NOT EXISTS orders (
     id uuid PRIMARY KEY,
     user_id bigint NOT NULL,
     sale_id integer NOT NULL,
     status text NOT NULL CHECK (status IN ('pending', 'paid', 'failed', 'rejected')),
     idempotency_key text,
     amount_cents integer NOT NULL,
     acknowledged boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now())`,
  // One unit per user per sale: only orders holding stock count, so a user whose payment
  // failed (stock released) may try again.
  `CREATE UNIQUE INDEX IF NOT EXISTS orders_one_per_user ON orders (user_id, sale_id) WHERE status IN ('pending', 'paid')`,
  `CREATE UNIQUE INDEX IF NOT EXISTS orders_idempotency ON orders (user_id, idempotency_key)`,
  `CREATE INDEX IF NOT EXISTS orders_by_user ON orders (user_id, created_at DESC)`,
  `CREATE INDEX IF NOT EXISTS orders_by_sale_status ON orders (sale_id, status)`,
  `CREATE TABLE IF NOT EXISTS payments (
     id bigserial PRIMARY KEY,
     order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
     status text NOT NULL,
     latency_ms integer,
     created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE INDEX IF NOT EXISTS payments_by_order ON payments (order_id)`,
  `CREATE TABLE IF NOT EXISTS cart_items (
     user_id bigint NOT NULL,
     product_id bigint NOT NULL,
     quantity integer NOT NULL,
     PRIMARY KEY (user_id, product_id))`,
];

async function apply(url: string, statements: readonly string[]): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query('BEGIN');
    await c.query(`SELECT pg_advisory_xact_lock(4242001)`);
    for (const s of statements) await c.query(s);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await c.end();
  }
}

/** Applies the inventory schema to the primary and the order schema to every order database. */
export async function migrate(primaryUrl: string, orderDbUrls: readonly string[]): Promise<void> {
  await apply(primaryUrl, INVENTORY);
  for (const url of orderDbUrls) await apply(url, ORDERS);
}
