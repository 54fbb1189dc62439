// Where each query goes. Inventory (products, users, the sale) lives on the primary; product
// and order-history reads go to the replica when there is one; orders, payments and carts go
// to the shard that owns the user (user_id mod N), or to the primary when unsharded.
import { asyncSql, syncSql, type Sql } from './sql.ts';

export interface DbUrls {
  /** the primary (or the PgBouncer in front of it) */
  primary: string;
  /** a streaming replica of the primary's server, if any */
  replica?: string;
  /** one URL per shard; empty = orders live on the primary */
  shards: readonly string[];
}

export interface Databases {
  primary: Sql;
  /** product reads: the replica, else the primary */
  read: Sql;
  sharded: boolean;
  /** every database holding orders, in shard order */
  orderDbs: readonly Sql[];
  orderDbFor(userId: number): Sql;
  /** order-history reads: the shard's database on the replica, else the shard */
  orderHistoryFor(userId: number): Sql;
  close(): Promise<void>;
}

/** The same server as `url` but another database (a shard's copy on the replica). */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export function openDatabases(urls: DbUrls, variant: 'sync' | 'async', pool: number): Databases {
  const open = (name: string, url: string): Sql => (variant === 'sync' ? syncSql(name, url) : asyncSql(name, url, pool));
  const primary = open('primary', urls.primary);
  const replica = urls.replica ? open('replica', urls.replica) : null;
  const shards = urls.shards.map((u, i) => open(`shard${i}`, u));
  const shardReplicas = urls.replica ? urls.shards.map((u, i) => open(`shard${i}_replica`, withDatabase(urls.replica as string, databaseName(u)))) : [];
  const orderDbs = shards.length > 0 ? shards : [primary];
  const historyDbs = shardReplicas.length > 0 ? shardReplicas : replica && shards.length === 0 ? [replica] : orderDbs;
  const pick = <T>(list: readonly T[], userId: number): T => list[userId % list.length] as T;
  const all = [primary, ...(replica ? [replica] : []), ...shards, ...shardReplicas];
  return {
    primary,
    read: replica ?? primary,
    sharded: shards.length > 0,
    orderDbs,
    orderDbFor: (userId) => pick(orderDbs, userId),
    orderHistoryFor: (userId) => pick(historyDbs, userId),
    close: async () => {
      await Promise.allSettled(all.map((s) => s.close()));
    },
  };
}
