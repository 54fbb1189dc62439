// startTarget(config): everything a configuration needs, really started, in order — the
// database (DATABASE_URL or an embedded PostgreSQL), Redis when a knob needs it (REDIS_URL or
// a redis-server from PATH), shard databases, migrations and seed, the replica, PgBouncer, the
// payment service, the BullMQ worker process, and the cluster primary with its workers.
// What cannot be had is refused with a message naming it; nothing silently falls back.
// stop() ends every child it started, in reverse order.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { StampedeError } from '../../runner/errors.ts';
import { databaseName, openDatabases, withDatabase, type DbUrls } from '../db/routing.ts';
import { migrate } from '../db/schema.ts';
import { SALE_ID, seedProducts } from '../db/seed.ts';
import { resetSale } from '../domain/sale.ts';
import { needsRedis, parseTargetConfig, type TargetConfig, type TargetConfigInput } from './config.ts';
import { startNodeChild, stopNodeChild } from './node-child.ts';
import { startPaymentService } from './payment-service.ts';
import { ACCEPTED_BASE_ENV, RUNTIME_ENV, type MetricsReply, type MetricsRequest, type Runtime } from './runtime.ts';
import { startEmbeddedPostgres } from './services/embedded-postgres.ts';
import { startPgBouncer } from './services/pgbouncer.ts';
import { startRedisServer } from './services/redis-server.ts';
import { startReplica } from './services/replica.ts';
import { createShardDatabases } from './services/shards.ts';
import { findBinary } from './services/support.ts';
import { supervise, type Supervised } from './supervise.ts';

export type { RunningTarget, StartOptions } from './running-target.ts';
import type { RunningTarget, StartOptions } from './running-target.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Asks a child for its metrics (as prom-client JSON) over IPC; null when it does not answer in time. */
function metricsOf(child: ChildProcess): (timeoutMs: number) => Promise<unknown[] | null> {
  let nextId = 1;
  const waits = new Map<number, (m: unknown[] | null) => void>();
  child.on('message', (m: Partial<MetricsReply>) => {
    if (m.t !== 'metrics-res' || typeof m.id !== 'number') return;
    waits.get(m.id)?.(Array.isArray(m.metrics) ? m.metrics : null);
    waits.delete(m.id);
  });
  return (timeoutMs) =>
    new Promise((resolve) => {
      if (!child.connected) return resolve(null);
      const id = nextId++;
      const timer = setTimeout(() => {
        waits.delete(id);
        resolve(null);
      }, timeoutMs);
      waits.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ t: 'metrics-req', id } satisfies MetricsRequest);
    });
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

export async function startTarget(input: TargetConfigInput | TargetConfig, opts: StartOptions = {}): Promise<RunningTarget> {
  const config = parseTargetConfig(input);
  if (config.shop === 'python') {
    const { startPythonTarget } = await import('./python-shop.ts');
    return startPythonTarget(config, opts);
  }
  const log = opts.log ?? (() => undefined);
  const instanceId = randomBytes(5).toString('hex');
  const adminToken = config.adminToken ?? randomBytes(18).toString('base64url');
  const cleanups: Array<{ what: string; run: () => Promise<void> }> = [];

  const stopAll = async () => {
    for (const c of cleanups.reverse().splice(0)) {
      await c.run().catch((e: unknown) => process.stderr.write(`stampede target: stopping ${c.what} failed: ${errText(e)}\n`));
    }
  };

  try {
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
      const why = [config.cache === 'redis' && '--cache redis', config.sessions === 'redis' && '--sessions redis', config.queue === 'bullmq' && '--queue bullmq'].filter(Boolean).join(', ');
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

    // The payment provider, the BullMQ worker and the cluster primary are kept running
    // (supervise.ts): one that dies is started again, the payment service and the primary on
    // the port they had, so every URL handed out stays valid.
    const say = (line: string) => process.stderr.write(`stampede target: ${line}\n`);
    const payment = await startPaymentService(config, say);
    cleanups.push({ what: 'payment service', run: () => payment.stop() });
    const paymentUrl = payment.url;

    const db: DbUrls = { primary: appPrimary, shards: appShards, ...(replicaUrl ? { replica: replicaUrl } : {}) };
    const runtime: Runtime = { config, instanceId, adminToken, db, redisUrl, paymentUrl };
    const env = { [RUNTIME_ENV]: JSON.stringify(runtime) };

    let queueMetrics: ((timeoutMs: number) => Promise<unknown[] | null>) | null = null;
    let queueWorker: Supervised | null = null;
    if (config.queue === 'bullmq') {
      queueWorker = await supervise({
        what: 'the BullMQ payment worker',
        log: say,
        start: () => startNodeChild(here('./queue-worker.ts'), env, 'the BullMQ payment worker', 30_000),
        onChild: (s) => {
          queueMetrics = metricsOf(s.child);
        },
      });
      const qw = queueWorker;
      cleanups.push({ what: 'queue worker', run: () => qw.stop((c) => stopNodeChild(c, 6000)) });
    }

    log(`starting ${config.workers} ${config.variant} worker process${config.workers > 1 ? 'es' : ''}`);
    // Checkouts accepted so far, counted here too: a restarted primary starts from this count,
    // so the invariants still compare every accepted order with the database.
    let accepted = 0;
    let appPort = config.port;
    const app = await supervise({
      what: 'the shop (cluster primary)',
      log: say,
      start: (restart) => {
        const rt: Runtime = restart === 0 ? runtime : { ...runtime, config: { ...config, port: appPort } };
        return startNodeChild(here('./primary.ts'), { [RUNTIME_ENV]: JSON.stringify(rt), [ACCEPTED_BASE_ENV]: String(accepted) }, 'the shop (cluster primary)', restart === 0 ? (opts.readyTimeoutMs ?? 60_000) : 60_000);
      },
      // The primary asks for replication lag (the launcher owns the replica handle) and for the
      // queue worker's metrics (the launcher started that process and holds its IPC channel).
      onChild: ({ child }) => {
        child.on('message', (m: { t?: string; id?: number; op?: string; n?: number }) => {
          if (m.t === 'accepted-total' && typeof m.n === 'number') {
            accepted = m.n;
            return;
          }
          if (m.t !== 'ask' || typeof m.id !== 'number') return;
          const reply = (value: unknown) => child.connected && child.send({ t: 'answer', id: m.id, value });
          if (m.op === 'lag' && lagSeconds) lagSeconds().then(reply, () => reply(null));
          else if (m.op === 'queue-metrics' && queueMetrics) queueMetrics(1500).then(reply, () => reply(null));
          else reply(null);
        });
      },
    });
    appPort = Number(app.ready.port);
    cleanups.push({ what: 'shop processes', run: () => app.stop((c) => stopNodeChild(c, 7000)) });
    const supervised = [payment.supervised, ...(queueWorker ? [queueWorker] : []), app];
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    let stopped: Promise<void> | null = null;
    return {
      url: `http://${host}:${appPort}`,
      adminToken,
      config,
      pids: () => supervised.map((x) => x.current()?.pid).filter((p): p is number => p !== undefined),
      supervised: () => {
        const of = (x: Supervised | null) => ({ pid: x?.current()?.pid ?? null, restarts: x?.restarts() ?? 0 });
        return { payment: of(payment.supervised), queueWorker: of(queueWorker), primary: of(app) };
      },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    if (e instanceof StampedeError) throw e;
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target could not start: ${errText(e)}`, [], { cause: e });
  }
}
