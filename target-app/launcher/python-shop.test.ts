// The shop=python launcher path: knobs the Python shop lacks are refused by name (at validation,
// before anything starts), the server command lines, and a real start/stop that leaves no
// process behind — Gunicorn's master, its workers, the payment service.
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { validateTargetConfig } from '../../runner/orchestrate/target-config.ts';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { createTestDatabase, stopEmbedded } from '../testing/fixtures.ts';
import { parseTargetConfig } from './config.ts';
import { pythonShopMissing, serverCommand } from './python-shop.ts';
import { startTarget } from './start.ts';

afterAll(stopEmbedded);

function refusal(input: Record<string, unknown>): string {
  try {
    parseTargetConfig(input);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('shop knob: what each shop refuses', () => {
  it('python refuses shards, bullmq, and threads for async — naming the knob', () => {
    expect(refusal({ shop: 'python', shards: 2 })).toMatch(/^target configuration: shards \(--shards\): the python shop does not support shards/);
    expect(refusal({ shop: 'python', queue: 'bullmq' })).toMatch(/queue \(--queue\): the python shop queues with celery/);
    expect(refusal({ shop: 'python', variant: 'async', threads: 4 })).toMatch(/threads \(--threads\): threads are for the sync variant/);
  });
  it('node refuses celery, threads and pool overflow', () => {
    expect(refusal({ queue: 'celery' })).toMatch(/queue \(--queue\): celery is the python shop's queue/);
    expect(refusal({ shop: 'node', threads: 2 })).toMatch(/threads \(--threads\): the node shop has no threads knob/);
    expect(refusal({ poolOverflow: 5 })).toMatch(/poolOverflow \(--pool-overflow\): the node shop's pg pool has no overflow/);
  });
  it('accepts what each shop has; defaults are node', () => {
    expect(refusal({ shop: 'python', variant: 'sync', threads: 8, poolOverflow: 5, queue: 'celery', cache: 'redis', sessions: 'redis', pgbouncer: true })).toBe('accepted');
    expect(refusal({ shop: 'python', replica: true })).toBe('accepted');
    expect(parseTargetConfig({}).shop).toBe('node');
  });
  it('a --target-config / matrix cell is refused the same way, with the key as written', () => {
    expect(() => validateTargetConfig({ shop: 'python', shards: '2' }, '--target-config')).toThrow(/^--target-config: shards: the python shop does not support shards/);
    expect(validateTargetConfig({ shop: 'python', variant: 'async', workers: '4' }, '--target-config').config).toMatchObject({ shop: 'python', variant: 'async', workers: 4 });
  });
});

describe('server command lines', () => {
  it('sync: Gunicorn sync workers, or gthread with --threads; async: Uvicorn with --workers', () => {
    const sync = serverCommand(parseTargetConfig({ shop: 'python', variant: 'sync', workers: 3 }), 8000);
    expect(sync.command).toBe('/usr/bin/gunicorn');
    expect(sync.args.join(' ')).toContain('--workers 3 --bind 127.0.0.1:8000');
    expect(sync.args.join(' ')).toContain('--worker-class sync');
    const gthread = serverCommand(parseTargetConfig({ shop: 'python', variant: 'sync', threads: 4 }), 8000);
    expect(gthread.args.join(' ')).toContain('--worker-class gthread --threads 4');
    const asyncCmd = serverCommand(parseTargetConfig({ shop: 'python', variant: 'async', workers: 2 }), 8001);
    expect(asyncCmd.command).toBe('/usr/bin/python3');
    expect(asyncCmd.args.join(' ')).toMatch(/-m uvicorn stampede_shop\.async_app:app .*--port 8001 --workers 2/);
  });
});

const skip = await needs({ name: 'python shop (sync)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync' })) });

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe.skipIf(skip)('start and stop', () => {
  it('runs Gunicorn in its own process group; stop() leaves no master, worker or payment service', async () => {
    const db = await createTestDatabase();
    const t = await startTarget({ shop: 'python', variant: 'sync', workers: 2, databaseUrl: db.url, products: 10 });
    try {
      const pids = t.pids();
      expect(pids.length).toBe(2); // payment service, gunicorn master
      const master = pids[pids.length - 1] as number;
      // its own session/process group, not ours: a Ctrl-C in the terminal does not reach it
      const stat = readFileSync(`/proc/${master}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      expect(Number(stat[2])).toBe(master); // pgid
      expect(Number(stat[2])).not.toBe(process.pid);
      const workers = children(master);
      expect(workers.length).toBe(2);
      const health = (await (await fetch(`${t.url}/healthz`)).json()) as { variant: string; pid: number };
      expect(health.variant).toBe('sync');
      expect(workers).toContain(health.pid);
      await t.stop();
      for (const pid of [...pids, ...workers]) expect(alive(pid)).toBe(false);
    } finally {
      await t.stop();
      await db.drop();
    }
  }, 60_000);
});

const sharedRedisSkip =
  skip ??
  (await needs({ name: 'python shop (celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async', queue: 'celery' })) })) ??
  (await needs(requirements.redisUrl));

async function scanCount(r: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await r.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  return n;
}

describe.skipIf(sharedRedisSkip)('a shared Redis (REDIS_URL)', () => {
  it('stop() removes the shop\'s own keys: sessions, cache, Celery queue bookkeeping', async () => {
    const r = new Redis(process.env.REDIS_URL as string);
    const db = await createTestDatabase();
    const bindings = await scanCount(r, '_kombu.binding.stampede-*');
    try {
      const t = await startTarget({ shop: 'python', variant: 'async', queue: 'celery', cache: 'redis', sessions: 'redis', databaseUrl: db.url, redisUrl: process.env.REDIS_URL, products: 10, paymentLatencyMs: 5 });
      let token = '';
      try {
        const login = (await (await fetch(`${t.url}/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"keys"}' })).json()) as { token: string };
        token = login.token;
        const co = await fetch(`${t.url}/checkout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
        expect(co.status).toBe(202);
        await fetch(`${t.url}/sale`);
        expect(await scanCount(r, `stampede:*:sess:${token}`)).toBe(1);
        expect(await scanCount(r, '_kombu.binding.stampede-*')).toBe(bindings + 1);
      } finally {
        await t.stop();
      }
      expect(await scanCount(r, `stampede:*:sess:${token}`)).toBe(0);
      expect(await scanCount(r, '_kombu.binding.stampede-*')).toBe(bindings);
    } finally {
      r.disconnect();
      await db.drop();
    }
  }, 60_000);
});
