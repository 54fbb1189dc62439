// One small query interface over two very different drivers, so the domain code is written
// once: the async variant uses a pg Pool (event-loop concurrency, a waiting queue when the
// pool is exhausted), the sync variant uses pg-native's querySync, which blocks the whole
// process until PostgreSQL answers — the honest equivalent of a WSGI sync worker's driver.
// The sync methods still return promises (already settled), so awaiting them never lets the
// event loop accept other work while the query runs.
import pg from 'pg';
import Native from 'pg-native';
import { dbMetrics } from '../metrics/registry.ts';

export type Row = Record<string, unknown>;

export interface Sql {
  /** label used in metrics: primary, replica, shard0.. */
  readonly name: string;
  query<R extends Row = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  close(): Promise<void>;
}

/** A pg error's SQLSTATE and constraint, whichever driver raised it. */
export function pgErrorInfo(e: unknown): { code?: string; constraint?: string } {
  if (typeof e !== 'object' || e === null) return {};
  const o = e as { code?: unknown; constraint?: unknown; message?: unknown };
  const code = typeof o.code === 'string' ? o.code : undefined;
  const constraint = typeof o.constraint === 'string' ? o.constraint : undefined;
  if (code) return { code, ...(constraint ? { constraint } : {}) };
  // pg-native only has the message text: `duplicate key value violates unique constraint "x"`
  const msg = typeof o.message === 'string' ? o.message : '';
  const m = /unique constraint "([^"]+)"/.exec(msg);
  if (m) return { code: '23505', constraint: m[1] };
  return {};
}

/**
 * True when an error means the server or the connection is gone (refused, reset, terminated,
 * admin shutdown, too many clients) rather than a statement failing: the database is unavailable.
 */
export function isConnectionError(e: unknown): boolean {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTCONN|57P0[123]|53300|08\d{3})$/.test(code)) return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /Connection terminated|connection is closed|could not connect|connection to server .* failed|server closed the connection|no connection to the server|terminating connection|the database system is (starting up|shutting down)|Connection refused|timeout exceeded when trying to connect|too many clients|could not (send|receive) data/i.test(msg);
}

/** The async driver: a pg Pool of `max` connections, with its occupancy and wait time measured. */
export function asyncSql(name: string, url: string, max: number): Sql {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000 });
  // An idle client's backend error must not crash the worker (pg-pool docs). A checked-out
  // client has no pool listener: when its server goes away (restart, outage) it emits 'error'
  // as well as failing the query, and with no listener of its own that 'error' would end the
  // process. Every client gets one when it is created; the failed query still rejects.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    client.on('error', () => undefined);
  });
  dbMetrics.watchPool(name, pool);
  return {
    name,
    async query<R extends Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      const t0 = performance.now();
      const client = await pool.connect();
      dbMetrics.waitSeconds.observe({ db: name }, (performance.now() - t0) / 1000);
      let broken: Error | undefined;
      try {
        const res = await client.query<R>(text, params as unknown[]);
        return res.rows;
      } catch (e) {
        // A connection-level failure: the pool must discard this client, not hand it out again.
        if (isConnectionError(e)) broken = e instanceof Error ? e : new Error(String(e));
        throw e;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

/** The sync driver: one blocking libpq connection per process (one request at a time anyway). */
export function syncSql(name: string, url: string): Sql {
  let client: Native | null = null;
  const connect = (): Native => {
    if (client) return client;
    const c = new Native();
    c.connectSync(url);
    client = c;
    return c;
  };
  return {
    name,
    query<R extends Row>(text: string, params: readonly unknown[] = []): Promise<R[]> {
      try {
        const c = connect();
        const rows = c.querySync(text, params.map((p) => (p === null || p === undefined ? null : typeof p === 'object' ? JSON.stringify(p) : String(p)))) as R[];
        return Promise.resolve(rows);
      } catch (e) {
        // A broken connection is dropped so the next request reconnects.
        if (client && (isConnectionError(e) || /connection|terminat/i.test(String((e as Error).message)))) {
          try {
            client.end();
          } catch {
            /* already gone */
          }
          client = null;
        }
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    close() {
      if (client) {
        const c = client;
        client = null;
        return new Promise<void>((resolve) => c.end(() => resolve()));
      }
      return Promise.resolve();
    },
  };
}
