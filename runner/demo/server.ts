// A small local shop-like server for the demo and for tests that need "some real HTTP service":
// a product list, product pages with a little simulated work, and a login that sets a cookie.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    if (url.pathname === '/') return send(200, { ok: true });
    if (url.pathname === '/products') return send(200, { products: Array.from({ length: 20 }, (_, i) => ({ id: i + 1, name: `product ${i + 1}` })) });
    const m = /^\/products\/(\d+)$/.exec(url.pathname);
    if (m) {
      const id = Number(m[1]);
      if (id < 1 || id > 1000) return send(404, { error: 'not_found' });
      // a product page takes 1–5 ms, a few take 20 ms: a latency distribution with a tail
      const delay = id % 50 === 0 ? 20 : 1 + (id % 5);
      return void setTimeout(() => send(200, { id, name: `product ${id}`, price: id * 100 }), delay);
    }
    if (url.pathname === '/login' && req.method === 'POST') {
      req.resume();
      return void req.on('end', () => send(200, { ok: true }, { 'set-cookie': `session=${Math.random().toString(36).slice(2)}; Path=/` }));
    }
    send(404, { error: 'not_found' });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
