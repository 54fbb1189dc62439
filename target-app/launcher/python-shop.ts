// startPythonTarget(config): the Python shop (target-app/python/) on the same services as the
// Node shop, provisioned by the same code (provision.ts: the database, Redis when a knob needs
// it, the Node shop's own migrations and seed so both shops serve the same data, PgBouncer),
// the payment service — then the Celery payment worker
// (--queue celery) and Gunicorn (sync: Flask) or Uvicorn (async: FastAPI). Each Python server
// is exec'd in a process group of its own (services/child.ts: SIGTERM, then SIGKILL after a
// grace period; setpriv --pdeathsig where available). As for the Node shop (supervise.ts), the
// payment service, the Celery worker and the Gunicorn master / Uvicorn process are kept running:
// one that dies is started again, the servers on the port they had (Gunicorn replaces its own
// workers). stop() ends everything in reverse order.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { StampedeError } from '../../runner/errors.ts';
import { needsRedis, unsupportedByShop, type TargetConfig } from './config.ts';
import { startPaymentService } from './payment-service.ts';
import { provision, type Cleanup } from './provision.ts';
import { spawnChild, type Child } from './services/child.ts';
import { freePort } from './services/free-port.ts';
import { makeServiceDir, waitUntilReady } from './services/support.ts';
import type { RunningTarget, StartOptions } from './running-target.ts';
import { supervise, type Supervised } from './supervise.ts';

/** Debian's interpreter and Gunicorn: the python3 first on PATH may be another build without the packages. */
export const PYTHON = '/usr/bin/python3';
export const GUNICORN = '/usr/bin/gunicorn';
export const PYTHON_SHOP_DIR = fileURLToPath(new URL('../python/', import.meta.url));
/** Environment variable carrying the runtime object (target-app/python/stampede_shop/runtime.py). */
export const PY_RUNTIME_ENV = 'STAMPEDE_PY_SHOP_RUNTIME';

/** The Python modules each configuration imports, with the Debian package that provides each. */
function modulesFor(c: TargetConfig): Array<[string, string]> {
  const mods: Array<[string, string]> = [
    ['sqlalchemy', 'python3-sqlalchemy'],
    ['psycopg2', 'python3-psycopg2'],
    ['httpx', 'python3-httpx'],
    ['prometheus_client', 'python3-prometheus-client'],
  ];
  if (c.variant === 'sync') mods.push(['flask', 'python3-flask']);
  else mods.push(['fastapi', 'python3-fastapi'], ['uvicorn', 'python3-uvicorn'], ['asyncpg', 'python3-asyncpg']);
  if (needsRedis(c)) mods.push(['redis', 'python3-redis']);
  if (c.queue === 'celery') mods.push(['celery', 'python3-celery']);
  return mods;
}

/** Null when this machine can run the configuration; else what to install. */
export async function pythonShopMissing(c: TargetConfig): Promise<string | null> {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (apt-get install python3)`;
  if (c.variant === 'sync' && !existsSync(GUNICORN)) return `${GUNICORN} not found (apt-get install gunicorn)`;
  const mods = modulesFor(c);
  const script = `import importlib,sys\nmissing=[]\nfor m in sys.argv[1:]:\n  try: importlib.import_module(m)\n  except Exception: missing.append(m)\nprint(','.join(missing))`;
  const child = spawnChild({ name: 'python3 (module check)', command: PYTHON, args: ['-c', script, ...mods.map(([m]) => m)] });
  const info = await child.exited;
  if (info.code !== 0) return `${PYTHON} could not check its modules: ${child.output().trim().split('\n').slice(-1)[0] ?? ''}`;
  const missing = child.output().trim().split(',').filter(Boolean);
  if (missing.length === 0) return null;
  const pkgs = mods.filter(([m]) => missing.includes(m)).map(([, p]) => p);
  return `${PYTHON} lacks ${missing.join(', ')} (apt-get install ${pkgs.join(' ')})`;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Removes this instance's keys from a Redis it shares with others (REDIS_URL): its cache and
 * sessions (`stampede:<id>:`), its Celery queue and unacked bookkeeping (`stampede-<id>-`), and
 * kombu's binding set for the queue. SCAN, never KEYS: the server holds other tenants' keys.
 */
async function removeInstanceKeys(url: string, instanceId: string): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 1 });
  r.on('error', () => undefined);
  try {
    await r.connect();
    for (const pattern of [`stampede:${instanceId}:*`, `stampede-${instanceId}-*`, `_kombu.binding.stampede-${instanceId}-*`]) {
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await r.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    r.disconnect();
  }
}

async function httpOk(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The command line of the HTTP server: Gunicorn (Flask) for sync, Uvicorn (FastAPI) for async. */
export function serverCommand(c: TargetConfig, port: number): { command: string; args: string[] } {
  const bind = `${c.host}:${port}`;
  if (c.variant === 'sync') {
    const args = ['--config', 'python:stampede_shop.gunicorn_conf', '--workers', String(c.workers), '--bind', bind, '--graceful-timeout', '3', '--timeout', '120'];
    // threads > 1 makes Gunicorn use its gthread worker class; 1 keeps the plain sync workers
    if (c.threads > 1) args.push('--worker-class', 'gthread', '--threads', String(c.threads));
    else args.push('--worker-class', 'sync');
    args.push('--backlog', '2048', 'stampede_shop.sync_app:app');
    return { command: GUNICORN, args };
  }
  return {
    command: PYTHON,
    args: ['-m', 'uvicorn', 'stampede_shop.async_app:app', '--host', c.host, '--port', String(port), '--workers', String(c.workers), '--no-access-log', '--log-level', 'warning', '--backlog', '2048', '--timeout-keep-alive', '65'],
  };
}

/** A Python process the launcher keeps running (supervise.ts), stopped with its Child's stop(). */
interface KeptRunning {
  supervised: Supervised;
  stop(): Promise<void>;
}

/** The pids whose process group is `pgid` (from /proc: the group outlives its leader). */
function groupMembers(pgid: number): number[] {
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // field 5 is the process group; the command name (field 2) may hold spaces, so count from its ')'
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) out.push(Number(e));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * Starts a Python server with `launch` and starts it again when it dies. Each server leads a
 * process group of its own (spawnChild), and its workers are in it: when the leader dies
 * (Gunicorn's master SIGKILLed), its orphaned workers would go on serving on the inherited
 * listening socket — holding the port the replacement must bind — until they notice their
 * parent is gone. So the group is SIGKILLed with the leader, and the dead processes' live
 * prometheus_client files are removed (Gunicorn's child_exit hook, which does that for a
 * worker that dies, does not run when the master is gone).
 */
async function keepRunning(what: string, log: (line: string) => void, metricsDir: string, launch: (restart: number) => Promise<Child>): Promise<KeptRunning> {
  let current: Child | null = null;
  const supervised = await supervise({
    what,
    log,
    start: async (restart) => {
      const child = await launch(restart);
      current = child;
      return { child: child.process, ready: {} };
    },
    onChild: ({ child }) => {
      const pgid = child.pid;
      if (pgid === undefined) return;
      child.once('exit', () => {
        const members = groupMembers(pgid);
        try {
          process.kill(-pgid, 'SIGKILL');
        } catch {
          // the group is empty: nothing left behind
        }
        for (const pid of [pgid, ...members]) forgetLiveMetrics(metricsDir, pid);
      });
    },
  });
  return { supervised, stop: () => supervised.stop(async () => current?.stop()) };
}

/** prometheus_client's mark_process_dead: the live-mode gauge files of a process that is gone. */
function forgetLiveMetrics(metricsDir: string, pid: number): void {
  let files: string[] = [];
  try {
    files = readdirSync(metricsDir);
  } catch {
    return;
  }
  for (const f of files) if (f.startsWith('gauge_live') && f.endsWith(`_${pid}.db`)) rmSync(path.join(metricsDir, f), { force: true });
}

export async function startPythonTarget(config: TargetConfig, opts: StartOptions = {}): Promise<RunningTarget> {
  const refused = unsupportedByShop(config);
  if (refused.length > 0) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `target configuration: ${refused[0]?.[0]}: ${refused[0]?.[1]}`);
  const missing = await pythonShopMissing(config);
  if (missing) throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the python shop cannot start: ${missing}`);
  const log = opts.log ?? (() => undefined);
  const instanceId = randomBytes(5).toString('hex');
  const adminToken = config.adminToken ?? randomBytes(18).toString('base64url');
  const cleanups: Cleanup[] = [];
  const stopAll = async () => {
    for (const c of cleanups.reverse().splice(0)) {
      await c.run().catch((e: unknown) => process.stderr.write(`stampede target: stopping ${c.what} failed: ${errText(e)}\n`));
    }
  };

  try {
    const { db, redisUrl } = await provision(config, instanceId, log, cleanups);
    // A shared Redis (REDIS_URL) keeps other tenants' keys: this instance's are removed once its
    // servers have stopped (registered before them, so it runs after).
    if (redisUrl && config.redisUrl) {
      const shared = config.redisUrl;
      cleanups.push({ what: 'this shop\'s Redis keys', run: () => removeInstanceKeys(shared, instanceId) });
    }

    const say = (line: string) => process.stderr.write(`stampede target: ${line}\n`);
    const payment = await startPaymentService(config, say);
    cleanups.push({ what: 'payment service', run: () => payment.stop() });

    // Per-instance folder: the prometheus_client multiprocess files and the shared-state file.
    const state = makeServiceDir('pyshop', null);
    cleanups.push({ what: 'python shop folder', run: async () => state.remove() });
    const metricsDir = path.join(state.dir, 'metrics');
    mkdirSync(metricsDir);

    const runtime = {
      variant: config.variant,
      workers: config.workers,
      // With PgBouncer in front, `pool` sizes PgBouncer's server pool and each process may hold more clients (as the Node shop).
      pool: config.pgbouncer ? Math.max(config.pool, 50) : config.pool,
      poolOverflow: config.poolOverflow,
      cache: config.cache,
      cacheTtlMs: config.cacheTtlMs,
      queue: config.queue,
      sessions: config.sessions,
      recoverAfterMs: config.recoverAfterMs,
      bodyLimitBytes: config.bodyLimitBytes,
      pgbouncer: config.pgbouncer,
      adminToken,
      instanceId,
      databaseUrl: db.primary,
      replicaUrl: db.replica ?? null,
      redisUrl,
      paymentUrl: payment.url,
      stateDir: state.dir,
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      [PY_RUNTIME_ENV]: JSON.stringify(runtime),
      PROMETHEUS_MULTIPROC_DIR: metricsDir,
      PYTHONPATH: PYTHON_SHOP_DIR,
      PYTHONDONTWRITEBYTECODE: '1',
      PYTHONUNBUFFERED: '1',
    };

    let celery: KeptRunning | null = null;
    if (config.queue === 'celery') {
      log(`starting the Celery payment worker (threads pool, concurrency ${config.queueConcurrency})`);
      const readyFile = path.join(state.dir, 'celery-ready');
      celery = await keepRunning('the Celery payment worker', say, metricsDir, async () => {
        // written by the worker's worker_ready handler (tasks.py); a restart waits for a new one
        rmSync(readyFile, { force: true });
        const worker = spawnChild({
          name: 'celery worker',
          command: PYTHON,
          args: ['-m', 'celery', '-A', 'stampede_shop.tasks', 'worker', '--pool', 'threads', '--concurrency', String(config.queueConcurrency), '--loglevel', 'WARNING', '--without-gossip', '--without-mingle', '--without-heartbeat', '-n', `stampede-${instanceId}@%h`],
          env,
          cwd: PYTHON_SHOP_DIR,
          stopTimeoutMs: 6000,
        });
        await waitUntilReady(worker, async () => existsSync(readyFile), 60_000);
        return worker;
      });
      const worker = celery;
      cleanups.push({ what: 'celery worker', run: () => worker.stop() });
    }

    const port = config.port || (await freePort());
    const cmd = serverCommand(config, port);
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    const url = `http://${host}:${port}`;
    const serverName = config.variant === 'sync' ? 'Gunicorn (Flask)' : 'Uvicorn (FastAPI)';
    log(`starting ${serverName} with ${config.workers} worker${config.workers > 1 ? 's' : ''}`);
    // A restarted server binds the port it had (the URL handed out stays valid). The first start
    // waits for /readyz 200, as before; a restart only for /healthz 200, so a server that dies
    // while a dependency is away comes back and says what is missing on /readyz.
    const server = await keepRunning(`the shop (${serverName} master)`, say, metricsDir, async (restart) => {
      const child = spawnChild({ name: config.variant === 'sync' ? 'gunicorn' : 'uvicorn', command: cmd.command, args: cmd.args, env, cwd: PYTHON_SHOP_DIR, stopTimeoutMs: 5000 });
      await waitUntilReady(child, () => httpOk(`${url}${restart === 0 ? '/readyz' : '/healthz'}`), restart === 0 ? (opts.readyTimeoutMs ?? 60_000) : 60_000);
      return child;
    });
    cleanups.push({ what: 'python shop server', run: () => server.stop() });

    const kept = [payment.supervised, ...(celery ? [celery.supervised] : []), server.supervised];
    let stopped: Promise<void> | null = null;
    return {
      url,
      adminToken,
      config,
      pids: () => kept.map((x) => x.current()?.pid).filter((p): p is number => p !== undefined),
      supervised: () => {
        const of = (x: Supervised | undefined) => ({ pid: x?.current()?.pid ?? null, restarts: x?.restarts() ?? 0 });
        return { payment: of(payment.supervised), queueWorker: of(celery?.supervised), primary: of(server.supervised) };
      },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    if (e instanceof StampedeError) throw e;
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the python shop could not start: ${errText(e)}`, [], { cause: e });
  }
}
