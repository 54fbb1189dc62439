// Login sessions: memory (a Map in each worker process — a login made on one worker is unknown
// to the others, as with per-process sessions behind a load balancer) or redis (shared: any
// worker can serve any user, the app stays stateless).
import { randomBytes } from 'node:crypto';
import type { Kv } from '../cache/kv.ts';

export interface Session {
  userId: number;
  username: string;
}

export interface SessionStore {
  readonly kind: 'memory' | 'redis';
  create(s: Session): Promise<string>;
  get(token: string): Promise<Session | null>;
}

const TTL_MS = 24 * 3600_000;

export function newToken(): string {
  return randomBytes(18).toString('base64url');
}

export function memorySessions(): SessionStore {
  const map = new Map<string, Session>();
  return {
    kind: 'memory',
    async create(s) {
      const t = newToken();
      map.set(t, s);
      return t;
    },
    async get(token) {
      return map.get(token) ?? null;
    },
  };
}

export function redisSessions(kv: Kv, prefix: string): SessionStore {
  return {
    kind: 'redis',
    async create(s) {
      const t = newToken();
      await kv.set(prefix + t, JSON.stringify(s), TTL_MS);
      return t;
    },
    async get(token) {
      const v = await kv.get(prefix + token);
      return v === null ? null : (JSON.parse(v) as Session);
    },
  };
}
