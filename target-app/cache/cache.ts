// The cache in front of product and sale reads: none | memory (per process) | redis (shared by
// every worker). Values are JSON strings; hits and misses are counted. A memory cache is only
// invalidated in the process that changed the stock — other workers serve their copy until
// the TTL ends, which is exactly the staleness a per-process cache has in production.
import { cacheRequests } from '../metrics/registry.ts';
import type { Kv } from './kv.ts';

export interface Cache {
  readonly kind: 'none' | 'memory' | 'redis';
  /** the cached value, or load() stored for ttl */
  getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null>;
  invalidate(keys: readonly string[]): Promise<void>;
  clear(): Promise<void>;
}

export function noCache(): Cache {
  return {
    kind: 'none',
    getOrLoad: (_key, load) => load(),
    invalidate: async () => undefined,
    clear: async () => undefined,
  };
}

export function memoryCache(ttlMs: number, maxEntries = 50_000): Cache {
  const entries = new Map<string, { value: unknown; expires: number }>();
  return {
    kind: 'memory',
    async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
      const e = entries.get(key);
      if (e && e.expires > Date.now()) {
        cacheRequests.inc({ cache: 'memory', result: 'hit' });
        return e.value as T;
      }
      cacheRequests.inc({ cache: 'memory', result: 'miss' });
      const value = await load();
      if (value !== null) {
        if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
        entries.set(key, { value, expires: Date.now() + ttlMs });
      }
      return value;
    },
    async invalidate(keys) {
      for (const k of keys) entries.delete(k);
    },
    async clear() {
      entries.clear();
    },
  };
}

export function redisCache(kv: Kv, ttlMs: number, prefix: string): Cache {
  return {
    kind: 'redis',
    async getOrLoad<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
      const hit = await kv.get(prefix + key);
      if (hit !== null) {
        cacheRequests.inc({ cache: 'redis', result: 'hit' });
        return JSON.parse(hit) as T;
      }
      cacheRequests.inc({ cache: 'redis', result: 'miss' });
      const value = await load();
      if (value !== null) await kv.set(prefix + key, JSON.stringify(value), ttlMs);
      return value;
    },
    invalidate: (keys) => kv.del(keys.map((k) => prefix + k)),
    clear: () => kv.clearPrefix(prefix),
  };
}
