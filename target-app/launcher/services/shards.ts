// Shard databases for `--shards N`: N databases `<prefix>_0 .. <prefix>_<N-1>` on the server of
// `baseUrl` (the same user and password), created fresh — a leftover from a killed run is
// dropped first, so a run never reads another run's orders. drop() removes them all,
// terminating connections still open to them (WITH (FORCE), PostgreSQL 13+).
//
// They share one server, so sharding here shows the partitioning logic and the cost of
// fan-out, not extra disk or CPU: say so when comparing results.
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import { withDatabase } from './pg-url.ts';

export interface ShardDatabases {
  urls: string[];
  drop(): Promise<void>;
}

const NAME = /^[a-z_][a-z0-9_]*$/;

export async function createShardDatabases(baseUrl: string, n: number, prefix: string): Promise<ShardDatabases> {
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `--shards must be a whole number from 1 to 64, got ${String(n)}`);
  }
  if (!NAME.test(prefix) || prefix.length > 50) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `shard database prefix "${prefix}" must be lower-case letters, digits and underscores (at most 50), starting with a letter or _`);
  }
  const names = Array.from({ length: n }, (_, i) => `${prefix}_${i}`);
  const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--shards: cannot connect to ${safeUrl(baseUrl)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    for (const name of names) {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      // CREATE DATABASE cannot run in a transaction block, and two at once on one template
      // fail with "source database is being accessed": one after another.
      await admin.query(`CREATE DATABASE ${name}`);
    }
  } catch (err) {
    await dropAll(admin, names).catch(() => undefined);
    await admin.end().catch(() => undefined);
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--shards: could not create the shard databases on ${safeUrl(baseUrl)}: ${err instanceof Error ? err.message : String(err)}`, [
      'the url\'s user needs CREATEDB (ALTER ROLE … CREATEDB)',
    ]);
  }
  await admin.end();

  let dropped: Promise<void> | null = null;
  return {
    urls: names.map((name) => withDatabase(baseUrl, name)),
    drop() {
      dropped ??= (async () => {
        const c = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5000 });
        await c.connect();
        try {
          await dropAll(c, names);
        } finally {
          await c.end();
        }
      })();
      return dropped;
    },
  };
}

async function dropAll(c: pg.Client, names: readonly string[]): Promise<void> {
  for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** The url without its password, for messages. */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return u.toString();
  } catch {
    return '(unparseable url)';
  }
}
