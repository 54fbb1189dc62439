// The slow third-party payment provider: a separate small HTTP service on 127.0.0.1. Its
// latency and failure rate are knobs, so the checkout makes a real network call whose cost
// the flash sale has to survive (a sleep inside the shop's handler would hide that cost).
import http from 'node:http';
import { randomUUID } from 'node:crypto';

export interface PaymentServiceOptions {
  latencyMs: number;
  /** share of payments declined (HTTP 402), 0..1 */
  failureRate: number;
  random?: () => number;
}

const MAX_BODY = 4096;

export function createPaymentServer(opts: PaymentServiceOptions): http.Server {
  const random = opts.random ?? Math.random;
  let served = 0;
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && req.url === '/healthz') return send(200, { ok: true, served });
    if (req.method !== 'POST' || req.url !== '/pay') return send(404, { error: 'not_found' });
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        send(413, { error: 'too_large' });
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(400, { error: 'bad_json' });
      }
      const b = body as { orderId?: unknown; amountCents?: unknown };
      if (typeof b.orderId !== 'string' || typeof b.amountCents !== 'number') return send(400, { error: 'bad_request' });
      const declined = random() < opts.failureRate;
      setTimeout(() => {
        served++;
        if (declined) send(402, { status: 'declined', orderId: b.orderId });
        else send(200, { status: 'paid', orderId: b.orderId, ref: randomUUID() });
      }, opts.latencyMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  return server;
}
