import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isStampedeError } from '../../../runner/errors.ts';
import { needs, requirements } from '../../../runner/testing/requirements.ts';
import { liveChildPids } from './child.ts';
import { startRedisServer } from './redis-server.ts';
import { portClosed, portOf, processGone } from './test-helpers.ts';

const skip = await needs(requirements.redisServer);

describe.skipIf(skip)('startRedisServer', () => {
  it('starts a private redis-server that answers, without persistence, and stop() ends it', async () => {
    const before = new Set(liveChildPids());
    const t0 = performance.now();
    const redis = await startRedisServer();
    const startMs = performance.now() - t0;
    const pid = liveChildPids().find((p) => !before.has(p));
    expect(pid).toBeDefined();
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(portOf(redis.url)).not.toBe(6379);

    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    await client.connect();
    expect(await client.ping()).toBe('PONG');
    await client.set('k', 'v');
    expect(await client.get('k')).toBe('v');
    const cfg = (await client.config('GET', 'save', 'appendonly')) as string[];
    const asMap = Object.fromEntries(cfg.flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1]]] : [])));
    expect(asMap).toEqual({ save: '', appendonly: 'no' });
    client.disconnect();

    await redis.stop();
    expect(processGone(pid ?? -1)).toBe(true);
    expect(await portClosed(portOf(redis.url))).toBe(true);
    console.log(`redis-server start ${startMs.toFixed(0)} ms`);
  });
});

describe('startRedisServer without redis-server installed', () => {
  it('throws STAMPEDE_E_TARGET_UNAVAILABLE naming redis-server', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const err = await startRedisServer().then(
        () => null,
        (e: unknown) => e,
      );
      expect(isStampedeError(err)).toBe(true);
      if (!isStampedeError(err)) return;
      expect(err.code).toBe('STAMPEDE_E_TARGET_UNAVAILABLE');
      expect(err.message).toContain('redis-server');
      expect(err.details.join(' ')).toContain('apt-get install redis-server');
    } finally {
      process.env.PATH = path;
    }
  });
});
