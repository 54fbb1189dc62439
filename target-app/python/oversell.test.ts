// Never oversell, never lose an accepted order — the Node shop's oversell check
// (target-app/testing/oversell.ts: 520 distinct users check out at once against a stock of 100)
// against the Python shop, in every variant × cache × queue, with several workers, through
// PgBouncer, and with a read replica.
import { afterAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { parseTargetConfig, type TargetConfigInput } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { stopEmbedded } from '../testing/fixtures.ts';
import { oversell } from '../testing/oversell.ts';

const pySkip = await needs(
  { name: 'python shop (sync, celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync', queue: 'celery', cache: 'redis' })) },
  { name: 'python shop (async, celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async', queue: 'celery', cache: 'redis' })) },
);
const redisSkip = pySkip ?? (process.env.REDIS_URL ? null : await needs(requirements.redisServer));
const pgbouncerSkip = pySkip ?? (await needs(requirements.pgbouncer));

afterAll(stopEmbedded);

const matrix: TargetConfigInput[] = [];
for (const variant of ['sync', 'async'] as const)
  for (const cache of ['none', 'memory', 'redis'] as const)
    for (const queue of ['inline', 'celery'] as const) matrix.push({ shop: 'python', variant, cache, queue });
// several processes: sessions must be shared (a memory session is known to one worker only)
matrix.push({ shop: 'python', variant: 'sync', workers: 2, threads: 4, sessions: 'redis', cache: 'memory' });
matrix.push({ shop: 'python', variant: 'async', workers: 2, sessions: 'redis', cache: 'redis', poolOverflow: 5 });
// through PgBouncer in transaction mode (asyncpg without its prepared-statement cache)
matrix.push({ shop: 'python', variant: 'async', pgbouncer: true, pool: 5 });
matrix.push({ shop: 'python', variant: 'sync', pgbouncer: true, pool: 5 });
// product reads on a streaming replica (embedded PostgreSQL: the replica copies its data folder);
// the stock decision stays on the primary, so the replica's lag cannot oversell
matrix.push({ shop: 'python', variant: 'sync', replica: true, cache: 'memory' });
matrix.push({ shop: 'python', variant: 'async', replica: true, queue: 'celery' });

describe.skipIf(pySkip)('python shop oversell: variant × cache × queue', () => {
  for (const c of matrix) {
    const usesRedis = c.cache === 'redis' || c.queue === 'celery' || c.sessions === 'redis';
    const label = Object.entries(c).filter(([k]) => k !== 'shop').map(([k, v]) => `${k}=${String(v)}`).join(' ');
    it.skipIf((usesRedis && redisSkip) || (c.pgbouncer === true && pgbouncerSkip))(`${label}: exactly 100 of 520 accepted and paid, none oversold or missing`, async () => {
      const o = await oversell(c, 520, { embedded: c.replica === true });
      const inv = o.invariants;
      expect(inv.oversold).toBe(0);
      expect(inv.stockConsistent).toBe(true);
      expect(inv.missingOrderIds).toEqual([]);
      expect(inv.acceptedButMissing).toBe(0);
      expect(o.acceptedIds.length).toBe(100);
      expect(inv.accepted).toBe(100);
      expect(inv.ordersByStatus.paid).toBe(100);
      expect(inv.ordersByStatus.pending).toBe(0);
      expect(inv.stockLeft).toBe(0);
      // every other buyer was told "sold out", none got an error
      expect(o.statuses[c.queue === 'celery' ? 202 : 201]).toBe(100);
      expect(o.statuses[409]).toBe(420);
    }, 120_000);
  }
});
