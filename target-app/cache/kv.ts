// A tiny key-value interface over Redis that both variants implement: the async variant with
// ioredis, the sync variant through the blocking bridge (the process waits for Redis).
import { Redis } from 'ioredis';

export interface Kv {
  get(key: string): Promise<string | null>;
  /** ttlMs 0 = no expiry */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  del(keys: readonly string[]): Promise<void>;
  /** removes every key under the prefix (admin reset) */
  clearPrefix(prefix: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function redisClient(url: string, extra: { maxRetriesPerRequest?: number | null } = {}): Redis {
  const r = new Redis(url, { lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: 2, connectTimeout: 3000, ...extra });
  // Errors surface on the commands that fail; an unhandled 'error' event would crash the worker.
  r.on('error', () => undefined);
  return r;
}

/** Runs one Redis command and returns its reply: the shape both Kv implementations share. */
export type RedisCall = (command: string, args: ReadonlyArray<string | number>) => Promise<unknown>;

export function kvOver(call: RedisCall, close: () => Promise<void>): Kv {
  return {
    async get(key) {
      const v = await call('get', [key]);
      return typeof v === 'string' ? v : null;
    },
    async set(key, value, ttlMs) {
      await call('set', ttlMs > 0 ? [key, value, 'PX', ttlMs] : [key, value]);
    },
    async del(keys) {
      if (keys.length > 0) await call('del', [...keys]);
    },
    async clearPrefix(prefix) {
      // SCAN, never KEYS: the server may hold other tenants' keys.
      let cursor = '0';
      do {
        const reply = (await call('scan', [cursor, 'MATCH', `${prefix}*`, 'COUNT', 500])) as [string, string[]];
        cursor = reply[0];
        if (reply[1].length > 0) await call('del', reply[1]);
      } while (cursor !== '0');
    },
    async ping() {
      await call('ping', []);
    },
    close,
  };
}

export function asyncKv(url: string): Kv {
  const r = redisClient(url);
  return kvOver(
    (command, args) => r.call(command, ...args),
    async () => {
      r.disconnect();
    },
  );
}
