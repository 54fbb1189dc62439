// Fault injection, the shop's dependencies: while buyers check out, the shop's own redis-server
// and its own PostgreSQL are SIGKILLed, kept away for a moment, and started again on the same
// port. The shop must not crash (no worker or process restarted), /readyz must answer 503
// naming the dependency while it is away and 200 soon after it is back, and the invariants
// must hold: nothing oversold, the stock accounted for, every order answered 2xx/202 in the
// database (and, with the queue, paid or failed). The instances are this file's own, never
// the machine's shared ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { startTarget, type RunningTarget } from '../launcher/start.ts';
import type { TargetConfigInput } from '../launcher/config.ts';
import { restartablePostgres, restartableRedis, type RestartableServer } from './fault-services.ts';
import { client, describeOutcome, metric, runScenario, type Client, type ScenarioOutcome } from './faults.ts';

const skip = await needs(requirements.redisServer);

interface Shop {
  pg: RestartableServer;
  redis: RestartableServer;
  target: RunningTarget;
  http: Client;
  stop(): Promise<void>;
}

async function shop(config: TargetConfigInput): Promise<Shop> {
  const pg = await restartablePostgres();
  const redis = await restartableRedis();
  const target = await startTarget({ databaseUrl: pg.url, redisUrl: redis.url, recoverAfterMs: 1000, paymentLatencyMs: 10, products: 50, ...config });
  const http = client(target.url);
  return {
    pg,
    redis,
    target,
    http,
    async stop() {
      await http.close();
      await target.stop();
      await redis.stop();
      await pg.stop();
    },
  };
}

/** The shop's processes as they were: nothing crashed and nothing was restarted. */
async function processes(s: Shop): Promise<string> {
  const sup = s.target.supervised();
  return JSON.stringify({ primary: sup.primary, payment: sup.payment, queueWorker: sup.queueWorker, workerRestarts: await metric(s.target.url, 'worker_restarts_total') });
}

function assertHeld(name: string, o: ScenarioOutcome, dependency: string, queued: boolean): void {
  console.log(describeOutcome(name, o));
  const inv = o.invariants;
  expect(o.traffic.acceptedIds.length).toBeGreaterThan(0);
  expect(o.acceptedAfterRecovery, 'checkouts accepted after the dependency came back').toBeGreaterThan(0);
  expect(o.traffic.checkouts['500'] ?? 0, 'internal errors').toBe(0);
  // while it was away, /readyz said 503 and named it
  expect(o.notReady.length).toBeGreaterThan(0);
  expect(o.notReady.every((s) => s.status === 503)).toBe(true);
  expect(o.notReady.some((s) => s.checks !== null && s.checks[dependency] !== undefined && s.checks[dependency] !== 'ok')).toBe(true);
  expect(o.recoveryMs, 'generous cap on /readyz 200 after the dependency is back').toBeLessThan(15_000);
  expect(inv.oversold).toBe(0);
  expect(inv.stockConsistent).toBe(true);
  expect(inv.checkedOrderIds).toBe(o.traffic.acceptedIds.length);
  expect(inv.missingOrderIds).toEqual([]);
  expect(inv.acceptedButMissing).toBe(0);
  if (queued) expect(inv.drained).toBe(true);
}

describe.skipIf(skip)('fault injection: Redis and PostgreSQL of the async shop (BullMQ queue)', () => {
  let s: Shop;
  beforeAll(async () => {
    s = await shop({ variant: 'async', workers: 2, queue: 'bullmq', sessions: 'redis', cache: 'redis' });
  }, 90_000);
  afterAll(async () => s?.stop(), 60_000);

  it('Redis SIGKILLed and started again empty: 503 naming it, then back; every accepted order still ends (jobs lost with Redis are re-enqueued from the database by the sweep)', async () => {
    const before = await processes(s);
    const o = await runScenario(s.target, s.http, 'redis', { inject: () => s.redis.kill('SIGKILL'), repair: () => s.redis.start() });
    assertHeld('redis', o, 'redis+queue', true);
    expect(await processes(s)).toBe(before);
    // while Redis was away the shop refused (503: logins need the session store, checkouts the
    // queue) rather than hanging or failing with 500
    expect((o.traffic.logins['503'] ?? 0) + (o.traffic.checkouts['503'] ?? 0), 'requests refused with 503 while Redis was away').toBeGreaterThan(0);
    expect(o.traffic.logins['500'] ?? 0).toBe(0);
  }, 110_000);

  it('PostgreSQL SIGKILLed and started again: no worker crashes, 503 naming the database, then 200', async () => {
    const before = await processes(s);
    const o = await runScenario(s.target, s.http, 'postgres-async', { inject: () => s.pg.kill('SIGKILL'), repair: () => s.pg.start() });
    assertHeld('postgres-async', o, 'database', true);
    expect(await processes(s)).toBe(before);
  }, 110_000);
});

describe.skipIf(skip)('fault injection: PostgreSQL of the sync shop (pg-native, inline payment)', () => {
  let s: Shop;
  beforeAll(async () => {
    s = await shop({ variant: 'sync', workers: 2, sessions: 'redis' });
  }, 90_000);
  afterAll(async () => s?.stop(), 60_000);

  it('PostgreSQL SIGKILLed and started again: no worker crashes, 503 naming the database, then 200', async () => {
    const before = await processes(s);
    const o = await runScenario(s.target, s.http, 'postgres-sync', { inject: () => s.pg.kill('SIGKILL'), repair: () => s.pg.start() }, { waitDrained: false });
    assertHeld('postgres-sync', o, 'database', false);
    expect(await processes(s)).toBe(before);
    // an inline checkout cut off by the outage was never answered 2xx: none of the accepted is pending
    expect(o.invariants.ordersByStatus.paid).toBeGreaterThanOrEqual(o.traffic.acceptedIds.length);
  }, 110_000);
});
