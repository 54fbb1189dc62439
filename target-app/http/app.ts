// The shop's HTTP API (Express 5, JSON). Inputs are validated with zod before anything else
// happens; malformed input gets a 4xx with an error code, never a 500. The sync variant
// closes the connection after each response, as gunicorn's sync workers do, so a client is
// never pinned to a blocked process by keep-alive.
import { timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Cache } from '../cache/cache.ts';
import type { Databases } from '../db/routing.ts';
import { isConnectionError } from '../db/sql.ts';
import { addToCart, getCart } from '../domain/cart.ts';
import { getProduct, listProducts, productExists } from '../domain/catalogue.ts';
import { checkout } from '../domain/checkout.ts';
import { findOrder, userOrders, type Order } from '../domain/orders.ts';
import { getSale, invariants, missingOrders, resetSale } from '../domain/sale.ts';
import { loginUser } from '../domain/users.ts';
import { httpDuration } from '../metrics/registry.ts';
import type { PaymentClient } from '../payment/client.ts';
import type { OrderQueue } from '../queue/queue.ts';
import type { Session, SessionStore } from '../sessions/sessions.ts';
import * as S from './schemas.ts';

export interface AppDeps {
  variant: 'sync' | 'async';
  bodyLimitBytes: number;
  adminToken: string;
  dbs: Databases;
  cache: Cache;
  sessions: SessionStore;
  payments: PaymentClient;
  queue: OrderQueue | null;
  /** readiness of each dependency: null = ok, else what is wrong */
  readiness(): Promise<Record<string, string | null>>;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** checkout answers 2xx/202, counted across workers (see launcher/primary.ts) */
  accepted: { add(order: Order): void; count(): Promise<number | null>; reset(): Promise<void> };
  /** clears every worker's cache (memory caches live in each process) */
  clearCaches(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly details?: unknown,
  ) {
    super(code);
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new HttpError(400, 'invalid_input', { where, issues: r.error.issues.slice(0, 5).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })) });
}

function sessionToken(req: Request): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const cookie = req.headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === 'sid') return v.join('=') || null;
  }
  return null;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Errors that mean a dependency is down (answered 503), not a bug. */
function isUnavailable(e: unknown): boolean {
  const msg = e instanceof Error ? e.message : String(e);
  // ioredis with its offline queue full or closed, a BullMQ call while Redis is away
  return isConnectionError(e) || /timed out|Stream isn't writeable|Connection is closed|max retries per request|ECONNREFUSED/i.test(msg);
}

export function createApp(deps: AppDeps): express.Express {
  const { dbs, cache, sessions } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req, res, next) => {
    const t0 = performance.now();
    if (deps.variant === 'sync') res.setHeader('Connection', 'close');
    res.setHeader('X-Worker-Pid', String(process.pid));
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? 'unmatched';
      httpDuration.observe({ route, method: req.method, status: String(res.statusCode) }, (performance.now() - t0) / 1000);
    });
    next();
  });
  app.use(express.json({ limit: deps.bodyLimitBytes, strict: true }));
  // every POST takes JSON: a body of another type is refused, not read as an empty one (which
  // would run /checkout or /admin/reset with their defaults)
  app.use((req, _res, next) => {
    const length = req.headers['content-length'];
    const hasBody = length !== undefined ? length !== '0' : req.headers['transfer-encoding'] !== undefined;
    if (hasBody && req.method !== 'GET' && req.method !== 'HEAD' && !req.is('application/json')) return next(new HttpError(415, 'unsupported_media_type'));
    next();
  });

  const requireSession = async (req: Request): Promise<Session> => {
    const token = sessionToken(req);
    const s = token ? await sessions.get(token) : null;
    if (!s) throw new HttpError(401, 'not_logged_in');
    return s;
  };
  const optionalSession = async (req: Request): Promise<Session | null> => {
    const token = sessionToken(req);
    return token ? sessions.get(token) : null;
  };
  const requireAdmin = (req: Request): void => {
    const given = (req.headers['x-admin-token'] as string | undefined) ?? (req.headers.authorization?.startsWith('Bearer ') ? req.headers.authorization.slice(7) : undefined);
    if (!given || !sameToken(given, deps.adminToken)) throw new HttpError(401, 'admin_token_required');
  };

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, pid: process.pid, variant: deps.variant });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await deps.readiness();
    const ok = Object.values(checks).every((v) => v === null);
    res.status(ok ? 200 : 503).json({ ok, checks: Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v ?? 'ok'])) });
  });
  app.get('/metrics', async (_req, res) => {
    const m = await deps.metrics();
    res.setHeader('Content-Type', m.contentType);
    res.send(m.body);
  });

  app.get('/products/:id', async (req, res) => {
    const { id } = parse(S.productIdParam, req.params, 'path');
    const p = await getProduct(dbs, cache, id);
    if (!p) throw new HttpError(404, 'product_not_found');
    res.json(p);
  });
  app.get('/products', async (req, res) => {
    const q = parse(S.productListQuery, req.query, 'query');
    res.json(await listProducts(dbs, cache, q.page, q.pageSize));
  });
  app.get('/sale', async (req, res) => {
    const q = parse(S.saleQuery, req.query, 'query');
    const sale = await getSale(dbs, cache, q.id);
    if (!sale) throw new HttpError(404, 'sale_not_found');
    res.json(sale);
  });

  app.post('/login', async (req, res) => {
    const body = parse(S.loginBody, req.body, 'body');
    const user = await loginUser(dbs, body.username);
    const token = await sessions.create(user);
    res.setHeader('Set-Cookie', `sid=${token}; Path=/; HttpOnly; SameSite=Lax`);
    res.json({ ...user, token });
  });
  app.get('/cart', async (req, res) => {
    const s = await requireSession(req);
    res.json({ items: await getCart(dbs, s.userId) });
  });
  app.post('/cart', async (req, res) => {
    const s = await requireSession(req);
    const body = parse(S.cartBody, req.body, 'body');
    if (!(await productExists(dbs, body.productId))) throw new HttpError(404, 'product_not_found');
    res.json({ items: await addToCart(dbs, s.userId, body.productId, body.quantity) });
  });

  app.post('/checkout', async (req, res) => {
    const s = await requireSession(req);
    const body = parse(S.checkoutBody, req.body ?? {}, 'body');
    const rawKey = req.headers['idempotency-key'];
    const key = rawKey === undefined ? null : parse(S.idempotencyKey, rawKey, 'Idempotency-Key header');
    const answer = await checkout(
      { dbs, cache, payments: deps.payments, queue: deps.queue, onAccepted: (o) => deps.accepted.add(o) },
      { userId: s.userId, saleId: body.saleId, idempotencyKey: key },
    );
    res.status(answer.status).json(answer.body);
  });
  app.get('/orders/:id', async (req, res) => {
    const { id } = parse(S.orderIdParam, req.params, 'path');
    const s = await optionalSession(req);
    const order = await findOrder(dbs, id, s?.userId ?? null);
    if (!order) throw new HttpError(404, 'order_not_found');
    res.json(order);
  });
  app.get('/orders', async (req, res) => {
    const s = await requireSession(req);
    res.json({ orders: await userOrders(dbs, s.userId) });
  });

  app.post('/admin/reset', async (req, res) => {
    requireAdmin(req);
    const body = parse(S.resetBody, req.body ?? {}, 'body');
    const sale = await resetSale(dbs, body.saleId, body.stock ?? null);
    if (!sale) throw new HttpError(404, 'sale_not_found');
    await deps.clearCaches();
    await deps.accepted.reset();
    res.json(sale);
  });
  app.get('/admin/invariants', async (req, res) => {
    requireAdmin(req);
    const q = parse(S.invariantsQuery, req.query, 'query');
    const inv = await invariants(dbs, q.saleId, await deps.accepted.count());
    if (!inv) throw new HttpError(404, 'sale_not_found');
    res.json(inv);
  });
  app.post('/admin/invariants', async (req, res) => {
    requireAdmin(req);
    const body = parse(S.invariantsBody, req.body ?? {}, 'body');
    const inv = await invariants(dbs, body.saleId, await deps.accepted.count());
    if (!inv) throw new HttpError(404, 'sale_not_found');
    const missing = await missingOrders(dbs, body.orderIds);
    res.json({ ...inv, checkedOrderIds: body.orderIds.length, missingOrderIds: missing });
  });

  app.use((_req, _res, next) => next(new HttpError(404, 'not_found')));
  // Express recognises an error handler by its four parameters.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.code, ...(err.details ? { details: err.details } : {}) });
      return;
    }
    const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; message?: unknown };
    const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 0;
    if (status >= 400 && status < 500) {
      // body-parser and router errors: bad JSON, too large, bad encoding, undecodable path
      const code = e.type === 'entity.parse.failed' ? 'invalid_json' : e.type === 'entity.too.large' ? 'body_too_large' : typeof e.type === 'string' ? e.type.replace(/\./g, '_') : 'bad_request';
      res.status(status).json({ error: code });
      return;
    }
    if (isUnavailable(err)) {
      res.status(503).json({ error: 'unavailable', message: String(e.message ?? err) });
      return;
    }
    process.stderr.write(`[target-app ${process.pid}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    res.status(500).json({ error: 'internal' });
  });
  return app;
}
