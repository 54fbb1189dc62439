// The data services both shops run on, provisioned the same way for each (start.ts for the Node
// shop, python-shop.ts for the Python one), in order: the database (DATABASE_URL or an embedded
// PostgreSQL), Redis when a knob needs it (REDIS_URL or a redis-server from PATH), shard
// databases, the Node shop's migrations and seed (one schema and one data set for both shops),
// the replica (a copy of the seeded primary), and PgBouncer in front of the primary and shards.
// What cannot be had is refused with a message naming it; nothing silently falls back. Every
// service started registers its stop in `cleanups`, which the launcher runs in reverse order.
import { Redis } from 'ioredis';
import { StampedeError } from '../../runner/errors.ts';
import { databaseName, openDatabases, withDatabase, type DbUrls } from '../db/routing.ts';
import { migrate } from '../db/schema.ts';
import { SALE_ID, seedProducts } from '../db/seed.ts';
import { resetSale } from '../domain/sale.ts';
import { needsRedis, type TargetConfig } from './config.ts';
import { startEmbeddedPostgres } from './services/embedded-postgres.ts';
import { startPgBouncer } from './services/pgbouncer.ts';
import { startRedisServer } from './services/redis-server.ts';
import { startReplica } from './services/replica.ts';
import { createShardDatabases } from './services/shards.ts';
import { findBinary } from './services/support.ts';

export interface Cleanup {
  what: string;
  run: () => Promise<void>;
}

export interface Provisioned {
  /** the primary itself (migrations, seed, admin work) */
  primaryUrl: string;
  /** the shards themselves; empty = orders live on the primary */
  shardUrls: string[];
  /** what the shop's processes connect to: through PgBouncer when it is on */
  db: DbUrls;
  redisUrl: string | null;
  /** the replica's lag behind the primary, when there is a replica */
  lagSeconds: (() => Promise<number>) | null;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function redisReachable(url: string): Promise<string | null> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    await r.ping();
    return null;
  } catch (e) {
    return errText(e);
  } finally {
    r.disconnect();
  }
}

export async function provision(config: TargetConfig, instanceId: string, log: (line: string) => void, cleanups: Cleanup[]): Promise<Provisioned> {
  // The database.
  let primaryUrl = config.databaseUrl;
  if (!primaryUrl) {
    log('starting an embedded PostgreSQL (no DATABASE_URL)');
    const pgh = await startEmbeddedPostgres();
    cleanups.push({ what: 'embedded PostgreSQL', run: () => pgh.stop() });
    primaryUrl = pgh.url;
  }

  // Redis, only if a knob needs it.
  let redisUrl: string | null = null;
  if (needsRedis(config)) {
    const why = [config.cache === 'redis' && '--cache redis', config.sessions === 'redis' && '--sessions redis', config.queue !== 'inline' && `--queue ${config.queue}`].filter(Boolean).join(', ');
    if (config.redisUrl) {
      const err = await redisReachable(config.redisUrl);
      if (err) throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${why} needs Redis, and REDIS_URL (${config.redisUrl}) is not reachable: ${err}`);
      redisUrl = config.redisUrl;
    } else {
      if (!findBinary('redis-server')) throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${why} needs Redis: set REDIS_URL to a running Redis, or install redis-server (apt-get install redis-server)`);
      log('starting redis-server (no REDIS_URL)');
      const rh = await startRedisServer();
      cleanups.push({ what: 'redis-server', run: () => rh.stop() });
      redisUrl = rh.url;
    }
  }

  // Shards, schema, seed.
  let shardUrls: string[] = [];
  if (config.shards > 1) {
    const base = databaseName(primaryUrl).replace(/[^a-z0-9_]/g, '_').slice(0, 20) || 'shop';
    const shards = await createShardDatabases(primaryUrl, config.shards, `${base}_s${instanceId}`);
    cleanups.push({ what: 'shard databases', run: () => shards.drop() });
    shardUrls = shards.urls;
  }
  log('migrating and seeding');
  await migrate(primaryUrl, shardUrls.length > 0 ? shardUrls : [primaryUrl]);
  await seedProducts(primaryUrl, config.products);
  const seedDbs = openDatabases({ primary: primaryUrl, shards: shardUrls }, 'async', 2);
  try {
    await resetSale(seedDbs, SALE_ID, config.stock);
  } finally {
    await seedDbs.close();
  }

  // The replica copies the primary after the seed, so it starts with the same data.
  let replicaUrl: string | undefined;
  let lagSeconds: (() => Promise<number>) | null = null;
  if (config.replica) {
    log('starting a streaming replica');
    const rep = await startReplica({ primaryUrl });
    cleanups.push({ what: 'replica', run: () => rep.stop() });
    replicaUrl = rep.url;
    lagSeconds = () => rep.lagSeconds();
  }

  // PgBouncer in front of the primary (and, by database name, the shards).
  let appPrimary = primaryUrl;
  let appShards = shardUrls;
  if (config.pgbouncer) {
    if (!findBinary('pgbouncer')) throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', '--pgbouncer needs pgbouncer on PATH (apt-get install pgbouncer)');
    log('starting PgBouncer (transaction mode)');
    const bouncer = await startPgBouncer({ upstreamUrl: primaryUrl, poolSize: config.pool, maxClientConn: 5000 });
    cleanups.push({ what: 'PgBouncer', run: () => bouncer.stop() });
    appPrimary = bouncer.url;
    appShards = shardUrls.map((u) => withDatabase(bouncer.url, databaseName(u)));
  }

  return { primaryUrl, shardUrls, db: { primary: appPrimary, shards: appShards, ...(replicaUrl ? { replica: replicaUrl } : {}) }, redisUrl, lagSeconds };
}
