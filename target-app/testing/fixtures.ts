// Test fixtures for the shop: a database of the test's own (CREATE DATABASE stampede_t_<random>
// on the server of DATABASE_URL, dropped after; without DATABASE_URL one embedded PostgreSQL
// per test file), and an HTTP client for 127.0.0.1 that can open many connections at once.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { Agent, request } from 'undici';
import { withDatabase } from '../db/routing.ts';
import { startEmbeddedPostgres } from '../launcher/services/embedded-postgres.ts';

let embedded: Promise<{ url: string; stop(): Promise<void> }> | null = null;

/** The server tests create their databases on. */
async function baseUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  embedded ??= startEmbeddedPostgres();
  return (await embedded).url;
}

/** Stops the embedded PostgreSQL of this test file, if one was started (afterAll). */
export async function stopEmbedded(): Promise<void> {
  if (embedded) await (await embedded).stop();
  embedded = null;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = await baseUrl();
  const name = `stampede_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(base, name),
    async drop() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  text: string;
}

/** A client with room for `connections` concurrent requests. */
export function httpClient(base: string, connections = 600) {
  const agent = new Agent({ connections, pipelining: 1, keepAliveTimeout: 2000, connect: { timeout: 30_000 } });
  async function send(method: string, path: string, opts: { body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    let body: string | undefined;
    if (opts.rawBody !== undefined) body = opts.rawBody;
    else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['content-type'] ??= 'application/json';
    }
    const res = await request(new URL(path, base), { method: method as 'GET', headers, body, dispatcher: agent, headersTimeout: 60_000, bodyTimeout: 60_000 });
    const text = await res.body.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text };
  }
  return {
    send,
    get: (path: string, headers?: Record<string, string>) => send('GET', path, headers ? { headers } : {}),
    post: (path: string, body?: unknown, headers?: Record<string, string>) => send('POST', path, { body, ...(headers ? { headers } : {}) }),
    close: () => agent.close(),
  };
}

export type HttpClient = ReturnType<typeof httpClient>;

/** Logs users in (a few at a time) and returns their bearer tokens. */
export async function loginUsers(http: HttpClient, prefix: string, n: number, parallel = 50): Promise<string[]> {
  const tokens: string[] = new Array<string>(n);
  let next = 0;
  const lane = async () => {
    while (next < n) {
      const i = next++;
      const r = await http.post('/login', { username: `${prefix}${i}` });
      if (r.status !== 200) throw new Error(`login ${prefix}${i}: ${r.status} ${r.text}`);
      tokens[i] = (r.body as { token: string }).token;
    }
  };
  await Promise.all(Array.from({ length: parallel }, lane));
  return tokens;
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
