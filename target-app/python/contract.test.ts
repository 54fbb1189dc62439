// One contract for both shops: the same requests, in the same order, against the Node shop and
// the Python shop (each variant), all really started on databases of their own. Any difference
// in a route's status code or in a JSON body's shape (keys and value types, recursively) fails,
// as does a metric the runner scrapes that one shop exports and the other does not.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../runner/testing/requirements.ts';
import { DEFAULT_RULES } from '../../runner/orchestrate/server-series.ts';
import { parseTargetConfig, type TargetConfigInput } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { startTarget, type RunningTarget } from '../launcher/start.ts';
import { createTestDatabase, httpClient, stopEmbedded, type HttpClient, type TestDatabase } from '../testing/fixtures.ts';
import { shapeOf } from './shape.ts';

const skip = await needs(
  { name: 'python shop (sync)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync' })) },
  { name: 'python shop (async)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async' })) },
);

const queueSkip =
  skip ??
  (await needs({ name: 'python shop (celery)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async', queue: 'celery' })) })) ??
  (process.env.REDIS_URL ? null : await needs(requirements.redisServer));

interface Step {
  name: string;
  status: number;
  shape: string;
  setCookie: boolean;
}

interface Shop {
  label: string;
  target: RunningTarget;
  db: TestDatabase;
  http: HttpClient;
}

const shops: Shop[] = [];

async function start(label: string, config: TargetConfigInput): Promise<Shop> {
  const db = await createTestDatabase();
  const target = await startTarget({ databaseUrl: db.url, products: 50, stock: 1, paymentLatencyMs: 2, ...config });
  return { label, target, db, http: httpClient(target.url, 20) };
}

/** The whole contract, as one deterministic conversation; returns what each step saw. */
async function converse(shop: Shop): Promise<Step[]> {
  const { http, target } = shop;
  const steps: Step[] = [];
  const admin = { 'x-admin-token': target.adminToken };
  const json = { 'content-type': 'application/json' };
  const record = async (name: string, p: Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }>) => {
    const r = await p;
    steps.push({ name, status: r.status, shape: shapeOf(r.body), setCookie: r.headers['set-cookie'] !== undefined });
    return r;
  };
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => http.send(method, path, { ...(body !== undefined ? { body } : {}), headers });
  const raw = (method: string, path: string, rawBody: string, headers: Record<string, string>) => http.send(method, path, { rawBody, headers });

  await record('healthz', send('GET', '/healthz'));
  await record('readyz', send('GET', '/readyz'));
  // catalogue
  await record('product sale item', send('GET', '/products/1'));
  await record('product plain', send('GET', '/products/2'));
  await record('product unknown', send('GET', '/products/999999'));
  await record('product id not digits', send('GET', '/products/abc'));
  await record('product id 0', send('GET', '/products/0'));
  await record('product id too big', send('GET', '/products/99999999999'));
  await record('product list', send('GET', '/products'));
  await record('product list page', send('GET', '/products?page=2&pageSize=5'));
  await record('product list pageSize too big', send('GET', '/products?pageSize=500'));
  await record('product list page twice', send('GET', '/products?page=1&page=2'));
  await record('sale', send('GET', '/sale'));
  await record('sale unknown', send('GET', '/sale?id=2'));
  await record('sale id not digits', send('GET', '/sale?id=x'));
  // login
  await record('login empty object', send('POST', '/login', {}));
  await record('login bad username', send('POST', '/login', { username: 'a b' }));
  await record('login number', send('POST', '/login', { username: 5 }));
  await record('login extra key', send('POST', '/login', { username: 'alice', extra: 1 }));
  await record('login array', send('POST', '/login', []));
  await record('login bad json', raw('POST', '/login', '{"username":', json));
  await record('login json primitive', raw('POST', '/login', '"alice"', json));
  await record('login not json', raw('POST', '/login', 'username=alice', { 'content-type': 'application/x-www-form-urlencoded' }));
  await record('login too large', raw('POST', '/login', JSON.stringify({ username: 'x'.repeat(20_000) }), json));
  const alice = await record('login alice', send('POST', '/login', { username: 'alice' }));
  const bob = await record('login bob', send('POST', '/login', { username: 'bob' }));
  const aliceAuth = { authorization: `Bearer ${(alice.body as { token: string }).token}` };
  const bobCookie = { cookie: `sid=${(bob.body as { token: string }).token}` };
  // cart
  await record('cart no session', send('GET', '/cart'));
  await record('cart bad token', send('GET', '/cart', undefined, { authorization: 'Bearer nope' }));
  await record('cart empty', send('GET', '/cart', undefined, aliceAuth));
  await record('cart add', send('POST', '/cart', { productId: 2 }, aliceAuth));
  await record('cart add again (cookie session)', send('POST', '/cart', { productId: 2, quantity: 3 }, bobCookie));
  await record('cart id as string', send('POST', '/cart', { productId: '2' }, aliceAuth));
  await record('cart unknown product', send('POST', '/cart', { productId: 999999 }, aliceAuth));
  await record('cart quantity too big', send('POST', '/cart', { productId: 2, quantity: 100 }, aliceAuth));
  await record('cart boolean quantity', send('POST', '/cart', { productId: 2, quantity: true }, aliceAuth));
  // checkout (stock 1)
  await record('checkout no session', send('POST', '/checkout', {}));
  await record('checkout bad key', send('POST', '/checkout', {}, { ...aliceAuth, 'idempotency-key': 'has space' }));
  await record('checkout unknown sale', send('POST', '/checkout', { saleId: 2 }, aliceAuth));
  await record('checkout extra key', send('POST', '/checkout', { saleId: 1, x: 1 }, aliceAuth));
  const bought = await record('checkout paid', send('POST', '/checkout', {}, { ...aliceAuth, 'idempotency-key': 'k-1' }));
  await record('checkout replayed key', send('POST', '/checkout', {}, { ...aliceAuth, 'idempotency-key': 'k-1' }));
  await record('checkout second order', send('POST', '/checkout', undefined, aliceAuth));
  await record('checkout sold out', send('POST', '/checkout', {}, { ...bobCookie, 'idempotency-key': 'k-2' }));
  await record('checkout sold out replayed', send('POST', '/checkout', {}, { ...bobCookie, 'idempotency-key': 'k-2' }));
  const orderId = (bought.body as { orderId: string }).orderId;
  // orders
  await record('order', send('GET', `/orders/${orderId}`));
  await record('order with session', send('GET', `/orders/${orderId}`, undefined, aliceAuth));
  await record('order unknown', send('GET', '/orders/4b1d0c1e-5b7a-4c1e-9f00-000000000000'));
  await record('order not a uuid', send('GET', '/orders/not-a-uuid'));
  await record('orders', send('GET', '/orders', undefined, aliceAuth));
  await record('orders no session', send('GET', '/orders'));
  // admin
  await record('invariants no token', send('GET', '/admin/invariants'));
  await record('invariants wrong token', send('GET', '/admin/invariants', undefined, { 'x-admin-token': 'wrong-token-123' }));
  await record('invariants', send('GET', '/admin/invariants', undefined, admin));
  await record('invariants bearer', send('GET', '/admin/invariants', undefined, { authorization: `Bearer ${target.adminToken}` }));
  await record('invariants unknown sale', send('GET', '/admin/invariants?saleId=2', undefined, admin));
  await record('invariants with ids', send('POST', '/admin/invariants', { orderIds: [orderId, '4b1d0c1e-5b7a-4c1e-9f00-000000000000'] }, admin));
  await record('invariants bad ids', send('POST', '/admin/invariants', { orderIds: ['x'] }, admin));
  await record('reset no token', send('POST', '/admin/reset', {}));
  await record('reset negative stock', send('POST', '/admin/reset', { stock: -1 }, admin));
  await record('reset unknown sale', send('POST', '/admin/reset', { saleId: 9 }, admin));
  await record('reset', send('POST', '/admin/reset', { stock: 3 }, admin));
  await record('invariants after reset', send('GET', '/admin/invariants', undefined, admin));
  await record('sale after reset', send('GET', '/sale'));
  // unknown routes and methods
  await record('unknown route', send('GET', '/nope'));
  await record('unknown method', send('DELETE', '/cart', undefined, aliceAuth));
  return steps;
}

/** Checkouts that are declined (inline) or queued: 402 and 202 answers, replays, order progress. */
async function converseQueuedOrDeclined(shop: Shop): Promise<Step[]> {
  const { http, target } = shop;
  const steps: Step[] = [];
  const record = async (name: string, p: Promise<{ status: number; body: unknown; headers: Record<string, string | string[] | undefined> }>) => {
    const r = await p;
    steps.push({ name, status: r.status, shape: shapeOf(r.body), setCookie: r.headers['set-cookie'] !== undefined });
    return r;
  };
  const login = await http.post('/login', { username: 'carol' });
  const auth = { authorization: `Bearer ${(login.body as { token: string }).token}` };
  const first = await record('checkout', http.post('/checkout', {}, { ...auth, 'idempotency-key': 'q-1' }));
  await record('checkout replayed key', http.post('/checkout', {}, { ...auth, 'idempotency-key': 'q-1' }));
  const id = (first.body as { orderId: string }).orderId;
  // a queued order ends (declined here): its final state, as every shop reports it
  const end = Date.now() + 20_000;
  while (Date.now() < end && ((await http.get(`/orders/${id}`)).body as { status: string }).status === 'pending') await new Promise((r) => setTimeout(r, 100));
  await record('order ended', http.get(`/orders/${id}`));
  await record('checkout again after a decline', http.post('/checkout', {}, { ...auth, 'idempotency-key': 'q-2' }));
  await record('invariants', http.get('/admin/invariants', { 'x-admin-token': target.adminToken }));
  return steps;
}

/** Names of the metrics the runner derives series from that have samples in this exposition. */
async function scrapedNames(shop: Shop): Promise<Set<string>> {
  const text = (await shop.http.get('/metrics')).text;
  const present = new Set(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0] ?? ''));
  const wanted = DEFAULT_RULES.flatMap((r) => (r.kind === 'ratio' ? [r.a.name, r.b.name] : r.kind === 'mean' ? [r.sum.name, r.count.name] : [r.of.name]));
  return new Set(wanted.filter((n) => present.has(n)));
}

describe.skipIf(skip)('the same contract: node shop and python shop', () => {
  const seen = new Map<string, Step[]>();
  const metricNames = new Map<string, Set<string>>();

  beforeAll(async () => {
    shops.push(await start('node async', { shop: 'node', variant: 'async' }));
    shops.push(await start('python sync', { shop: 'python', variant: 'sync' }));
    shops.push(await start('python async', { shop: 'python', variant: 'async' }));
    for (const s of shops) {
      seen.set(s.label, await converse(s));
      metricNames.set(s.label, await scrapedNames(s));
    }
  }, 120_000);

  afterAll(async () => {
    for (const s of shops.splice(0)) {
      await s.http.close();
      await s.target.stop();
      await s.db.drop();
    }
    await stopEmbedded();
  });

  it('the conversation is non-trivial: every status class occurs', () => {
    const node = seen.get('node async') ?? [];
    const statuses = new Set(node.map((s) => s.status));
    for (const code of [200, 201, 400, 401, 404, 409, 413]) expect(statuses).toContain(code);
    expect(node.length).toBeGreaterThan(60);
  });

  const cells = [
    { name: 'inline, payment declined', nodeKnobs: { queue: 'inline', paymentFailureRate: 1 }, pyKnobs: { queue: 'inline', paymentFailureRate: 1 } },
    { name: 'queued, payment declined', nodeKnobs: { queue: 'bullmq', paymentFailureRate: 1 }, pyKnobs: { queue: 'celery', paymentFailureRate: 1 } },
  ] as const;
  for (const { name, nodeKnobs, pyKnobs } of cells)
  it.skipIf(nodeKnobs.queue !== 'inline' && queueSkip)(`${name}: the python shop (sync and async) answers as the node shop`, async () => {
    const run = async (label: string, config: TargetConfigInput) => {
      const shop = await start(label, { redisUrl: process.env.REDIS_URL, ...config });
      try {
        return await converseQueuedOrDeclined(shop);
      } finally {
        await shop.http.close();
        await shop.target.stop();
        await shop.db.drop();
      }
    };
    const node = await run('node', { shop: 'node', variant: 'async', ...nodeKnobs });
    expect(node.map((s) => s.status)).toEqual(nodeKnobs.queue === 'inline' ? [402, 402, 200, 402, 200] : [202, 202, 200, 202, 200]);
    for (const variant of ['sync', 'async'] as const) {
      const py = await run(`python ${variant}`, { shop: 'python', variant, ...pyKnobs });
      expect(py.map((s) => `${s.name}: ${s.status} ${s.shape}`)).toEqual(node.map((s) => `${s.name}: ${s.status} ${s.shape}`));
    }
  }, 120_000);

  for (const label of ['python sync', 'python async']) {
    it(`${label}: every step has the node shop's status, JSON shape and cookie`, () => {
      const node = seen.get('node async') ?? [];
      const py = seen.get(label) ?? [];
      expect(py.length).toBe(node.length);
      const diffs = node.flatMap((n, i) => {
        const p = py[i];
        if (!p) return [`${n.name}: missing`];
        const out: string[] = [];
        if (p.status !== n.status) out.push(`${n.name}: status ${p.status}, node ${n.status}`);
        if (p.shape !== n.shape) out.push(`${n.name}: shape ${p.shape}\n    node ${n.shape}`);
        if (p.setCookie !== n.setCookie) out.push(`${n.name}: set-cookie ${p.setCookie}, node ${n.setCookie}`);
        return out;
      });
      expect(diffs).toEqual([]);
    });

    it(`${label}: /metrics has every series metric the node shop has (node.js-only ones aside)`, () => {
      const node = [...(metricNames.get('node async') ?? [])].filter((n) => !n.startsWith('nodejs_'));
      const py = metricNames.get(label) ?? new Set<string>();
      expect(node.length).toBeGreaterThan(5);
      expect(node.filter((n) => !py.has(n))).toEqual([]);
    });
  }
});
