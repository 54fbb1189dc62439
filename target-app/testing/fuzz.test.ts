// Malformed input never gets a 5xx and never brings a worker down: a few hundred generated bad
// requests (bad JSON, wrong types, huge bodies, unknown ids, bad headers, undecodable paths).
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { startTarget } from '../launcher/start.ts';
import { createTestDatabase, httpClient, loginUsers, stopEmbedded } from './fixtures.ts';

afterAll(stopEmbedded);

/** A small deterministic PRNG, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const weirdValues: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 31, 2 ** 53, '', '1', 'x'.repeat(300), [], [1], {}, { a: 1 }, '💥', '\u0000', 'NaN', '1e3', '<script>'];
const paths = ['/products/', '/products/0', '/products/-1', '/products/abc', '/products/1.5', '/products/99999999999', '/products/%E0%A4%A', '/products/1%00', '/orders/not-a-uuid', '/orders/00000000-0000-0000-0000-000000000000', '/orders/%ZZ', '/products?page=0', '/products?page=-3', '/products?page=abc', '/products?pageSize=1000', '/products?page=1&page=2', '/sale?id=abc', '/sale?id=999', '/nope', '/admin/invariants', '/admin/invariants?saleId=x', '/' + 'a'.repeat(5000)];
const posts = ['/login', '/cart', '/checkout', '/admin/reset', '/admin/invariants'];

describe('bad input fuzz', () => {
  it('400 malformed requests: no 5xx, every answer a JSON error code, process alive', async () => {
    const db = await createTestDatabase();
    const t = await startTarget({ databaseUrl: db.url, products: 50, bodyLimitBytes: 4096 });
    const c = httpClient(t.url, 32);
    try {
      const [tok] = await loginUsers(c, `fuzz${Date.now()}_`, 1, 1);
      const auth = { authorization: `Bearer ${tok}` };
      const admin = { 'x-admin-token': t.adminToken };
      const rand = rng(42);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
      const statuses: Record<number, number> = {};
      const bad: string[] = [];
      for (let i = 0; i < 400; i++) {
        const kind = i % 8;
        let r;
        if (kind === 0) r = await c.get(pick(paths), pick([{}, auth, admin]));
        else if (kind === 1) r = await c.send('POST', pick(posts), { rawBody: pick(['{', '{"a":', 'null', '[]', '"x"', '{"username":}', '\u0000\u0001', '{"a":1}}', 'x'.repeat(100)]), headers: { 'content-type': 'application/json', ...pick([{}, auth, admin]) } });
        else if (kind === 2) r = await c.send('POST', pick(posts), { body: { username: pick(weirdValues), productId: pick(weirdValues), quantity: pick(weirdValues), saleId: pick(weirdValues), stock: pick(weirdValues), orderIds: pick(weirdValues) }, headers: { ...auth, ...admin } });
        else if (kind === 3) r = await c.send('POST', pick(posts), { rawBody: JSON.stringify({ username: 'x'.repeat(10_000) }), headers: { 'content-type': 'application/json', ...auth } });
        else if (kind === 4) r = await c.send('POST', '/checkout', { body: pick([{}, { saleId: pick(weirdValues) }, { extra: 1 }]), headers: { ...auth, 'idempotency-key': pick(['', ' ', 'a b', 'ü', 'x'.repeat(300), 'ok-key']) } });
        else if (kind === 5) r = await c.send('POST', '/cart', { body: { productId: Math.floor(rand() * 1000) + 51, quantity: 1 }, headers: auth });
        else if (kind === 6) r = await c.get(pick(['/cart', '/orders', '/admin/invariants']), pick<Record<string, string>>([{ authorization: 'Bearer nonsense' }, { cookie: 'sid=' }, { cookie: ';;;=' }, { authorization: 'Basic abc' }, { 'x-admin-token': 'wrong' }]));
        else r = await c.send('POST', pick(posts), { rawBody: '{"username":"a"}', headers: { 'content-type': pick(['text/plain', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded', 'application/json; charset=nope']), ...auth } });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status >= 500) bad.push(`#${i} ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400 && typeof (r.body as { error?: unknown } | null)?.error !== 'string') bad.push(`#${i} ${r.status} without an error code: ${r.text.slice(0, 100)}`);
      }
      // A body far over the limit, and a raw request that is not HTTP at all.
      const huge = await c.send('POST', '/login', { rawBody: JSON.stringify({ username: 'y'.repeat(200_000) }), headers: { 'content-type': 'application/json' } });
      expect(huge.status).toBe(413);
      await new Promise<void>((resolve) => {
        const u = new URL(t.url);
        const s = net.connect(Number(u.port), u.hostname, () => s.end('GARBAGE / HTTP/9.9\r\n\r\n'));
        s.on('data', () => undefined);
        s.on('close', () => resolve());
        s.on('error', () => resolve());
      });
      process.stderr.write(`fuzz statuses: ${JSON.stringify(statuses)}\n`);
      expect(bad).toEqual([]);
      expect(Object.keys(statuses).every((s) => Number(s) < 500)).toBe(true);
      expect((await c.get('/healthz')).status).toBe(200);
      expect((await c.get('/readyz')).status).toBe(200);
    } finally {
      await c.close();
      await t.stop();
      await db.drop();
    }
  });
});
