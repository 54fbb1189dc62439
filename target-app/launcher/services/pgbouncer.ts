// A real PgBouncer (Debian's `pgbouncer`) in transaction pooling mode in front of the shop's
// database, on a free 127.0.0.1 port, as our foreground child.
//
// PgBouncer refuses to run as root, and run with `-u postgres` it still opens its files as
// root first; so as root we start it *as* `postgres` (spawn uid/gid — the effect of `-u
// postgres` without ever being root) with its ini and userlist in a temp folder owned by
// postgres. It logs to stderr (kept in the child's output tail for error messages).
//
// Routing: the upstream database is the named entry, plus a `*` fallback to any other
// database on the same server, so shard databases (shards.ts) go through the same bouncer by
// swapping the database name in the returned url. Server connections always log in as the
// upstream url's user (forced user in the connect string), so there is one pool per database
// of `poolSize` server connections. Clients authenticate to PgBouncer with the upstream
// url's password (scram-sha-256, plaintext userlist) or, when the url has none (the Debian
// cluster's trust auth), with trust.
//
// Transaction mode breaks session state (SET, advisory locks, temp tables, named prepared
// statements across transactions): the shop must keep its queries unnamed (pg's default).
import { writeFileSync, chownSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import { spawnChild } from './child.ts';
import { freePort, portOpen } from './free-port.ts';
import { parsePostgresUrl, withDatabase } from './pg-url.ts';
import type { PostgresUrlParts } from './pg-url.ts';
import { makeServiceDir, requireBinary, serverUser, waitUntilReady } from './support.ts';

export interface PgBouncerOptions {
  upstreamUrl: string;
  /** server connections per database (PgBouncer's default_pool_size) */
  poolSize: number;
  /** client connections accepted (max_client_conn); default 2000 */
  maxClientConn?: number;
}

export interface PgBouncerHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startPgBouncer(opts: PgBouncerOptions): Promise<PgBouncerHandle> {
  if (!Number.isInteger(opts.poolSize) || opts.poolSize < 1) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `pgbouncer pool size must be a whole number ≥ 1, got ${String(opts.poolSize)}`);
  }
  const maxClientConn = opts.maxClientConn ?? 2000;
  if (!Number.isInteger(maxClientConn) || maxClientConn < 1) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `pgbouncer maxClientConn must be a whole number ≥ 1, got ${String(opts.maxClientConn)}`);
  }
  const bin = requireBinary('pgbouncer', 'apt-get install pgbouncer', '--pgbouncer');
  const up = parsePostgresUrl(opts.upstreamUrl, 'the pgbouncer upstream url');
  const owner = serverUser('pgbouncer');
  const folder = makeServiceDir('pgbouncer', owner);
  const port = await freePort();

  const iniPath = path.join(folder.dir, 'pgbouncer.ini');
  const userlistPath = path.join(folder.dir, 'userlist.txt');
  writeOwned(userlistPath, `${quoteUserlist(up.user)} ${quoteUserlist(up.password ?? '')}\n`, owner);
  writeOwned(iniPath, iniText(up, { port, poolSize: opts.poolSize, maxClientConn, userlistPath }), owner);

  const child = spawnChild({
    name: 'pgbouncer',
    command: bin,
    args: [iniPath],
    cwd: folder.dir,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    // SIGTERM is PgBouncer's immediate shutdown; SIGINT would wait for every client to leave.
    stopSignal: 'SIGTERM',
    exitSignal: 'SIGTERM',
  });
  const stop = async () => {
    await child.stop();
    folder.remove();
  };

  const url = bouncerUrl(up, port);
  try {
    await waitUntilReady(child, () => portOpen(port), 10_000);
    await probe(url, up);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

function iniText(up: PostgresUrlParts, o: { port: number; poolSize: number; maxClientConn: number; userlistPath: string }): string {
  const server = (db: string | null) =>
    [
      `host=${up.host}`,
      `port=${up.port}`,
      ...(db === null ? [] : [`dbname=${connValue(db)}`]),
      `user=${connValue(up.user)}`,
      ...(up.password ? [`password=${connValue(up.password)}`] : []),
    ].join(' ');
  return [
    '; written by Stampede (target-app/launcher/services/pgbouncer.ts) for one run',
    '[databases]',
    `${iniKey(up.database)} = ${server(up.database)}`,
    `* = ${server(null)}`,
    '',
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${o.port}`,
    'unix_socket_dir =',
    // a flash sale opens hundreds of connections at once: a short backlog turns into 1 s SYN retries
    'listen_backlog = 4096',
    `auth_type = ${up.password ? 'scram-sha-256' : 'trust'}`,
    `auth_file = ${o.userlistPath}`,
    'pool_mode = transaction',
    `default_pool_size = ${o.poolSize}`,
    'min_pool_size = 0',
    'reserve_pool_size = 0',
    `max_client_conn = ${o.maxClientConn}`,
    // drivers send these; PgBouncer would otherwise refuse the connection
    'ignore_startup_parameters = extra_float_digits,options',
    'server_login_retry = 1',
    'log_connections = 0',
    'log_disconnections = 0',
    '',
  ].join('\n');
}

function bouncerUrl(up: PostgresUrlParts, port: number): string {
  return withDatabase(
    `postgres://${encodeURIComponent(up.user)}${up.password ? `:${encodeURIComponent(up.password)}` : ''}@127.0.0.1:${port}/`,
    up.database,
  );
}

/** One real query through the bouncer, so a wrong upstream password or a missing database fails here, named. */
async function probe(url: string, up: PostgresUrlParts): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (err) {
    throw new StampedeError(
      'STAMPEDE_E_TARGET_UNAVAILABLE',
      `pgbouncer started but could not reach database "${up.database}" at ${up.host}:${up.port} as "${up.user}": ${err instanceof Error ? err.message : String(err)}`,
      [],
      { cause: err },
    );
  } finally {
    await c.end().catch(() => undefined);
  }
}

function writeOwned(file: string, text: string, owner: { uid: number; gid: number } | null): void {
  writeFileSync(file, text, { mode: 0o600 });
  if (owner) chownSync(file, owner.uid, owner.gid);
}

/** userlist.txt: "name" "password", a double quote doubled. */
function quoteUserlist(v: string): string {
  return `"${v.replace(/"/g, '""')}"`;
}

/** A libpq-style connect-string value PgBouncer parses: quoted when it has spaces or quotes. */
function connValue(v: string): string {
  if (/^[A-Za-z0-9_.\-]+$/.test(v)) return v;
  if (/['\\\n]/.test(v)) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', 'the pgbouncer upstream url has a user, database or password with a quote, backslash or newline, which the generated pgbouncer.ini cannot carry');
  }
  return `'${v}'`;
}

function iniKey(db: string): string {
  if (!/^[A-Za-z0-9_]+$/.test(db)) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `the pgbouncer upstream database name "${db}" must be letters, digits and underscores`);
  }
  return db;
}
