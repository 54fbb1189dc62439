import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { StampedeError } from '../../runner/errors.ts';
import { configFromFlags, needsRedis, parseTargetConfig } from './config.ts';

describe('target config', () => {
  it('defaults: the async shop, payment latency 50 ms, stock 100, 10,000 products', () => {
    const c = configFromFlags({}, {});
    expect(c).toMatchObject({ variant: 'async', workers: 1, pool: 10, pgbouncer: false, cache: 'none', queue: 'inline', paymentLatencyMs: 50, paymentFailureRate: 0, replica: false, shards: 1, sessions: 'memory', stock: 100, products: 10_000, port: 0 });
    expect(needsRedis(c)).toBe(false);
  });

  it('environment variables, overridden by flags', () => {
    const env = { STAMPEDE_TARGET_VARIANT: 'sync', STAMPEDE_TARGET_WORKERS: '3', STAMPEDE_TARGET_PGBOUNCER: 'true', DATABASE_URL: 'postgres://u@h:5432/d', REDIS_URL: 'redis://h:6379', STAMPEDE_TARGET_CACHE: 'redis' };
    const c = configFromFlags({ workers: '2', 'payment-latency-ms': '200' }, env);
    expect(c).toMatchObject({ variant: 'sync', workers: 2, pgbouncer: true, paymentLatencyMs: 200, databaseUrl: 'postgres://u@h:5432/d', redisUrl: 'redis://h:6379', cache: 'redis' });
    expect(needsRedis(c)).toBe(true);
  });

  it.each([
    [{ variant: 'nonsense' }, 'variant'],
    [{ workers: '0' }, 'workers'],
    [{ pool: 'ten' }, 'pool'],
    [{ cache: 'disk' }, 'cache'],
    [{ queue: 'kafka' }, 'queue'],
    [{ 'payment-failure-rate': '2' }, 'payment-failure-rate'],
    [{ shards: '1.5' }, 'shards'],
    [{ sessions: 'cookie' }, 'sessions'],
    [{ port: '70000' }, 'port'],
    [{ 'admin-token': 'short' }, 'admin-token'],
  ])('bad %o → STAMPEDE_E_CONFIG_INVALID naming --%s (exit 2)', (flags, name) => {
    try {
      configFromFlags(flags, {});
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(StampedeError);
      const err = e as StampedeError;
      expect(err.exitCode).toBe(2);
      expect(err.message).toContain(`--${name}`);
    }
  });

  it('a bad environment variable is named too', () => {
    expect(() => configFromFlags({}, { STAMPEDE_TARGET_WORKERS: 'many' })).toThrow(/STAMPEDE_TARGET_WORKERS/);
  });

  it('programmatic configs name the field', () => {
    expect(() => parseTargetConfig({ variant: 'x' })).toThrow(/variant \(--variant\)/);
    expect(() => parseTargetConfig({ nonsense: 1 })).toThrow(StampedeError);
  });

  it('the CLI: `stampede target --variant nonsense` exits 2 naming variant, no stack trace', () => {
    const r = spawnSync(process.execPath, ['runner/cli/bin.js', 'target', '--variant', 'nonsense'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('variant');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the CLI: an unknown flag exits 2', () => {
    const r = spawnSync(process.execPath, ['runner/cli/bin.js', 'target', '--turbo'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('turbo');
  });
});
