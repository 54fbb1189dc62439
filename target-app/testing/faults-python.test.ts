// Fault injection, the Python shop's own processes: while buyers check out, the Gunicorn master
// (its workers with it), the Celery payment worker (mid-payment), the payment service and the
// Uvicorn process are SIGKILLed. Each time the launcher must start the dead process again — the
// servers on the URL they advertised — /readyz must answer 200 again, and the invariants must
// hold: nothing oversold, the stock accounted for, every order answered 2xx/202 present in the
// database and ended (paid or failed). Real processes only: the shop runs on a PostgreSQL and a
// redis-server this file starts itself.
import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { parseTargetConfig, type TargetConfigInput } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { startTarget, type RunningTarget } from '../launcher/start.ts';
import { descendants, eventually, processGone } from '../launcher/services/test-helpers.ts';
import { assertProcessFaultHeld } from './fault-assertions.ts';
import { restartablePostgres, restartableRedis, type RestartableServer } from './fault-services.ts';
import { client, runScenario, type Client } from './faults.ts';

const shop = (variant: 'sync' | 'async'): TargetConfigInput => ({ shop: 'python', variant, workers: 2, queue: 'celery', sessions: 'redis', recoverAfterMs: 1000, paymentLatencyMs: 150, products: 50 });

const skip =
  (await needs(requirements.redisServer)) ??
  (await needs(
    { name: 'python shop (sync, celery)', missing: () => pythonShopMissing(parseTargetConfig(shop('sync'))) },
    { name: 'python shop (async, celery)', missing: () => pythonShopMissing(parseTargetConfig(shop('async'))) },
  ));

/** The prometheus_client multiprocess folder a running shop process was given. */
function multiprocDir(pid: number): string {
  const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const line = env.find((l) => l.startsWith('PROMETHEUS_MULTIPROC_DIR='));
  if (!line) throw new Error(`process ${pid} has no PROMETHEUS_MULTIPROC_DIR`);
  return line.slice('PROMETHEUS_MULTIPROC_DIR='.length);
}

/** Sums `size` over this Redis's keys matching `pattern` (the only shops on it are this file's). */
async function sumOver(redisUrl: string, pattern: string, size: (r: Redis, key: string) => Promise<number>): Promise<number> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let n = 0;
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const k of keys) n += await size(r, k);
    } while (cursor !== '0');
    return n;
  } finally {
    r.disconnect();
  }
}

/** Tasks the Celery workers took from the broker and have not acknowledged (kombu's unacked hash). */
const unackedTasks = (redisUrl: string) => sumOver(redisUrl, 'stampede-*-payments-unacked', (r, k) => r.hlen(k));
/** Tasks waiting in the broker's list for a worker. */
const waitingTasks = (redisUrl: string) => sumOver(redisUrl, 'stampede-*-payments', (r, k) => r.llen(k));

/** SIGKILLs a server's leader and waits until it and the workers it had are gone. */
async function killServer(pid: number): Promise<number[]> {
  const workers = descendants(pid);
  process.kill(pid, 'SIGKILL');
  expect(await eventually(() => processGone(pid))).toBe(true);
  // the launcher kills the dead leader's process group: no orphan keeps the port
  expect(await eventually(() => workers.every(processGone), 15_000)).toBe(true);
  return workers;
}

describe.skipIf(skip)('fault injection: the Python shop\'s processes', () => {
  let pg: RestartableServer;
  let redis: RestartableServer;
  let target: RunningTarget | null = null;
  let http: Client | null = null;

  const start = async (variant: 'sync' | 'async') => {
    await http?.close();
    await target?.stop();
    target = await startTarget({ ...shop(variant), databaseUrl: pg.url, redisUrl: redis.url });
    http = client(target.url);
    return { t: target, h: http };
  };

  beforeAll(async () => {
    pg = await restartablePostgres();
    redis = await restartableRedis();
    await start('sync');
  }, 120_000);
  afterAll(async () => {
    await http?.close();
    await target?.stop();
    await redis?.stop();
    await pg?.stop();
  }, 60_000);

  it('the Gunicorn master SIGKILLed: started again on the same port, its orphaned workers gone, restarts counted', async () => {
    const t = target as RunningTarget;
    const h = http as Client;
    const url = t.url;
    const old = t.supervised().primary.pid as number;
    let workers: number[] = [];
    const o = await runScenario(t, h, 'gunicorn-master', {
      async inject() {
        workers = await killServer(old);
      },
    });
    assertProcessFaultHeld('gunicorn-master', o);
    expect(workers.length).toBe(2);
    expect(t.url).toBe(url);
    expect(t.supervised().primary.restarts).toBe(1);
    expect(t.supervised().primary.pid).not.toBe(old);
    const health = await h.send('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(workers).not.toContain(health.body?.pid);
    // the accepted count lives in the instance's shared-state file: the new master's workers go on with it
    expect(o.invariants.accepted).toBeGreaterThanOrEqual(o.traffic.acceptedIds.length);
    // the dead workers' live-mode gauge files (their pools) were removed with them; the new ones count
    const master = t.supervised().primary.pid as number;
    const live = readdirSync(multiprocDir(master)).filter((f) => f.startsWith('gauge_live'));
    console.log(`[fault] gunicorn-master: live gauge files after the restart ${JSON.stringify(live)}`);
    const fileOf = (pid: number) => live.some((f) => f.endsWith(`_${pid}.db`));
    for (const pid of [old, ...workers]) expect(fileOf(pid), `a live gauge file of dead process ${pid}`).toBe(false);
    expect(descendants(master).some(fileOf), 'a live gauge file of a new worker').toBe(true);
  }, 120_000);

  it('the Celery worker SIGKILLed mid-payment: restarted, the tasks it held delivered again, every accepted order ends', async () => {
    const t = target as RunningTarget;
    const h = http as Client;
    const old = t.supervised().queueWorker.pid as number;
    let heldAtKill = 0;
    const o = await runScenario(t, h, 'celery-worker', {
      async inject() {
        // mid-payment: killed while it holds tasks it took from the broker and has not acknowledged
        expect(await eventually(async () => (heldAtKill = await unackedTasks(redis.url)) > 0, 10_000)).toBe(true);
        process.kill(old, 'SIGKILL');
        expect(await eventually(() => processGone(old))).toBe(true);
      },
    });
    assertProcessFaultHeld('celery-worker', o);
    // The backlog (built up while no worker ran) goes, and what the live worker holds it
    // finishes: a worker stalled on a full prefetch — or the recovery sweep re-queueing what it
    // cannot get to — would keep jobs waiting. At most the dead worker's copies stay
    // unacknowledged: the visibility timeout restores them (when the next worker starts, if they
    // are older than it by then, else at kombu's next periodic restore) and they run as no-ops;
    // they are not waited for here.
    let waiting = -1;
    let unacked = -1;
    const settled = await eventually(async () => (waiting = await waitingTasks(redis.url)) === 0 && (unacked = await unackedTasks(redis.url)) <= heldAtKill, 20_000);
    console.log(`[fault] celery-worker: tasks taken and not acknowledged when the worker was killed ${heldAtKill}; once settled: waiting ${waiting}, unacknowledged ${unacked}`);
    expect(settled, `jobs waiting ${waiting}, unacknowledged ${unacked}`).toBe(true);
    expect(t.supervised().queueWorker.restarts).toBe(1);
    expect(t.supervised().queueWorker.pid).not.toBe(old);
    expect(o.invariants.ordersByStatus.paid).toBeGreaterThan(0);
  }, 120_000);

  it('the payment service SIGKILLed: /readyz names it while it is away, it comes back on its port', async () => {
    const t = target as RunningTarget;
    const h = http as Client;
    const old = t.supervised().payment.pid as number;
    const o = await runScenario(t, h, 'payment', {
      async inject() {
        process.kill(old, 'SIGKILL');
      },
    });
    assertProcessFaultHeld('payment', o);
    expect(t.supervised().payment.restarts).toBe(1);
    expect(o.notReady.some((s) => s.status === 503 && s.checks !== null && s.checks.payment !== 'ok')).toBe(true);
    expect(o.invariants.ordersByStatus.paid).toBeGreaterThan(0);
  }, 120_000);

  it('the Uvicorn process SIGKILLed (two workers): started again on the same port, restarts counted', async () => {
    const { t, h } = await start('async');
    const url = t.url;
    const old = t.supervised().primary.pid as number;
    let workers: number[] = [];
    const o = await runScenario(t, h, 'uvicorn', {
      async inject() {
        workers = await killServer(old);
      },
    });
    assertProcessFaultHeld('uvicorn', o);
    expect(workers.length).toBeGreaterThanOrEqual(2);
    expect(t.url).toBe(url);
    expect(t.supervised().primary.restarts).toBe(1);
    expect(t.supervised().primary.pid).not.toBe(old);
  }, 150_000);
});
