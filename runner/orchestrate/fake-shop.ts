// A tiny stand-in for the flash-sale shop, for tests of the runner's own logic (scraping, a
// target that dies, the scenarios' invariant checks): the shop's API shapes on a real
// node:http server with real prom-client metrics. It answers /admin/invariants with what the
// test asks for (STAMPEDE_FAKE_INVARIANTS, JSON), so a test can make it "lose" an order, and it
// exits by itself STAMPEDE_FAKE_DIE_AFTER_MS after the first request of the load (a crash mid-run). Run as a child process:
// `node --import tsx runner/orchestrate/fake-shop.ts`; it prints `{"port":N}` when listening.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import client from 'prom-client';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry });
const requests = new client.Counter({ name: 'http_request_duration_seconds_count', help: 'requests (as the shop histogram count)', labelNames: ['route'], registers: [registry] });
const orders = new client.Counter({ name: 'orders_total', help: 'orders by outcome', labelNames: ['outcome'], registers: [registry] });
const cache = new client.Counter({ name: 'cache_requests_total', help: 'cache lookups', labelNames: ['cache', 'result'], registers: [registry] });
const stock = Number(process.env.STAMPEDE_FAKE_STOCK ?? 10);
let sold = 0;
const dieAfter = Number(process.env.STAMPEDE_FAKE_DIE_AFTER_MS ?? 0);
let dying: NodeJS.Timeout | null = null;
const override = process.env.STAMPEDE_FAKE_INVARIANTS ? (JSON.parse(process.env.STAMPEDE_FAKE_INVARIANTS) as Record<string, unknown>) : {};

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const route = url.pathname.replace(/\/[0-9a-f-]{6,}$|\/\d+$/, '/:id');
  if (url.pathname !== '/metrics') requests.inc({ route });
  // a crash, not a shutdown: no draining, connections reset, the port closes at once
  if (dieAfter > 0 && !dying && url.pathname.startsWith('/products')) dying = setTimeout(() => process.exit(70), dieAfter);
  let body = '';
  req.on('data', (d: Buffer) => (body += d.toString()));
  req.on('end', () => {
    if (url.pathname === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    if (url.pathname === '/readyz' || url.pathname === '/healthz') return json(res, 200, { ok: true });
    if (url.pathname === '/products') return json(res, 200, { page: 1, pageSize: 20, products: [{ id: 1, name: 'P1', priceCents: 100 }] });
    if (url.pathname.startsWith('/products/')) {
      cache.inc({ cache: 'memory', result: Math.random() < 0.75 ? 'hit' : 'miss' });
      return json(res, 200, { id: Number(url.pathname.split('/')[2]), name: 'P', priceCents: 100 });
    }
    if (url.pathname === '/sale') return json(res, 200, { id: 1, productId: 1, priceCents: 4999, initialStock: stock, stockLeft: stock - sold });
    if (url.pathname === '/login') return json(res, 200, { id: 1, username: 'u', token: randomUUID() });
    if (url.pathname === '/cart') return json(res, 200, { items: [{ productId: 1, quantity: 1 }] });
    if (url.pathname === '/checkout') {
      if (sold >= stock) {
        orders.inc({ outcome: 'sold_out' });
        return json(res, 409, { error: 'sold_out', orderId: randomUUID(), status: 'rejected' });
      }
      sold++;
      orders.inc({ outcome: 'accepted' });
      return json(res, 201, { orderId: randomUUID(), status: 'paid' });
    }
    if (url.pathname.startsWith('/orders/')) return json(res, 200, { id: url.pathname.split('/')[2], status: 'paid' });
    if (url.pathname === '/admin/reset') {
      sold = 0;
      return json(res, 200, { id: 1, initialStock: stock, stockLeft: stock });
    }
    if (url.pathname === '/admin/invariants') {
      return json(res, 200, {
        saleId: 1,
        stockAtStart: stock,
        stockLeft: stock - sold,
        sold,
        holding: sold,
        ordersByStatus: { pending: 0, paid: sold, failed: 0, rejected: 0 },
        oversold: 0,
        stockConsistent: true,
        acknowledgedInDb: sold,
        accepted: sold,
        acceptedButMissing: 0,
        drained: true,
        ...override,
      });
    }
    json(res, 404, { error: 'not_found' });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
process.on('SIGTERM', () => process.exit(0));
