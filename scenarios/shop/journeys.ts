// What the flash-sale shop's visitors do, shared by the shop scenarios (flash-sale, browse,
// checkout, smoke, soak). Journeys follow real users: look at the catalogue with think times,
// and — for buyers — log in, open the sale item, add it to the cart, check out once with an
// idempotency key (retried with the same key when the answer is lost), and poll a queued
// order until it settles. setup() resets the sale; teardown() reads the shop's invariants and
// records them as checks, which the scenarios' thresholds turn into a failed run.
//
// The shop's API (target-app/http/app.ts): GET /products?page&pageSize, GET /products/:id,
// GET /sale, POST /login {username} → {token}, POST /cart {productId}, POST /checkout {saleId}
// (Idempotency-Key header) → 201 paid | 202 pending | 409 sold_out/already_ordered | 402
// payment_failed, GET /orders/:id, POST /admin/reset {stock}, GET /admin/invariants.
import type { LifecycleContext, Response, VU } from '../../runner/scenario/api.ts';
import { initEnv } from '../../runner/scenario/init-env.ts';

/**
 * A number from --env (or the environment), or the default; a bad value fails loudly at load.
 * Without `env`, the env the scenario is loaded with (its module scope: init-env.ts).
 */
export function envNumber(name: string, fallback: number, env: Readonly<Record<string, string | undefined>> = initEnv()): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--env ${name}: expected a non-negative number, got ${JSON.stringify(raw)}`);
  return n;
}

/** A duration in seconds from --env ('20s', '2m' or a number of seconds). */
export function envSeconds(name: string, fallback: number, env: Readonly<Record<string, string | undefined>> = initEnv()): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (!m) throw new Error(`--env ${name}: expected a duration such as 20s or 2m, got ${JSON.stringify(raw)}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * unit;
}

export const SALE_ID = 1;
const JSON_HEADERS = { 'content-type': 'application/json' };

function base(env: Readonly<Record<string, string>>): string {
  const b = env.BASE ?? env.BASE_URL;
  if (!b) throw new Error('no target: run with --target-config (starts the shop) or --target URL (env BASE)');
  return b.replace(/\/$/, '');
}

/** Think time: uniform in [min, max] seconds, scaled by --env THINK (0 = no thinking). */
async function think(vu: VU, min: number, max: number): Promise<void> {
  const scale = envNumber('THINK', 1, vu.env);
  if (scale > 0) await vu.sleep((min + Math.random() * (max - min)) * scale);
}

/**
 * Popularity is skewed, as in real shops: 80 % of visitors stay on the first 10 catalogue pages
 * (the 200 most popular products), so a cache has a hot set to keep.
 */
function cataloguePage(vu: VU): number {
  const pages = Math.max(1, Math.floor(envNumber('PRODUCTS', 10_000, vu.env) / 20));
  return Math.random() < 0.8 ? 1 + Math.floor(Math.random() * Math.min(10, pages)) : 1 + Math.floor(Math.random() * pages);
}

function timeout(vu: VU): string {
  return vu.env.TIMEOUT ?? '10s';
}

/** A visitor who only looks: a catalogue page, a few products, the sale's stock. */
export async function browseJourney(vu: VU, opts: { views?: number; thinkMin?: number; thinkMax?: number } = {}): Promise<void> {
  const url = base(vu.env);
  const t = timeout(vu);
  const list = await vu.http.get(`${url}/products?page=${cataloguePage(vu)}&pageSize=20`, { name: 'GET /products', timeout: t });
  vu.check(list, { 'catalogue page 200': (r) => r.status === 200 });
  // visitors open products they saw on the page (a page past the catalogue's end shows none)
  const seen = (jsonField<Array<{ id: number }>>(list, 'products') ?? []).map((p) => p.id);
  const ids = seen.length > 0 ? seen : [1];
  const views = opts.views ?? 2 + Math.floor(Math.random() * 2);
  for (let i = 0; i < views; i++) {
    await think(vu, opts.thinkMin ?? 0.3, opts.thinkMax ?? 1.5);
    const id = ids[Math.floor(Math.random() * ids.length)] ?? 1;
    const p = await vu.http.get(`${url}/products/${id}`, { name: 'GET /products/:id', timeout: t });
    vu.check(p, { 'product 200': (r) => r.status === 200 });
  }
  const sale = await vu.http.get(`${url}/sale?id=${SALE_ID}`, { name: 'GET /sale', timeout: t });
  vu.check(sale, { 'sale status 200': (r) => r.status === 200 });
}

function jsonField<T>(r: Response, field: string): T | undefined {
  try {
    return (r.json() as Record<string, T>)[field];
  } catch {
    return undefined;
  }
}

/**
 * The checkout's answers: 201 paid, 202 queued, 402 payment declined, 409 sold out or already
 * ordered. They are expected statuses (k6's expectedStatuses): a sold-out sale is the shop
 * working, not a failed request, so http_req_failed and every report count them as answers.
 */
export const CHECKOUT_ANSWERS = [201, 202, 402, 409] as const;
const ANSWERED = new Set<number>(CHECKOUT_ANSWERS);

/** A buyer: the sale item, log in, add to cart, check out once (idempotently), follow the order. */
export async function buyJourney(vu: VU): Promise<void> {
  const url = base(vu.env);
  const t = timeout(vu);
  const sale = await vu.http.get(`${url}/sale?id=${SALE_ID}`, { name: 'GET /sale', timeout: t });
  vu.check(sale, { 'sale status 200': (r) => r.status === 200 });
  const productId = jsonField<number>(sale, 'productId') ?? 1;
  const item = await vu.http.get(`${url}/products/${productId}`, { name: 'GET /products/:id', timeout: t });
  vu.check(item, { 'product 200': (r) => r.status === 200 });
  await think(vu, 0.2, 1);

  // every buyer is a different person: one unit per user per sale is the shop's rule
  const username = `buyer-${vu.idInTest}-${vu.iteration}-${Math.random().toString(36).slice(2, 8)}`;
  const login = await vu.http.post(`${url}/login`, { username }, { name: 'POST /login', headers: JSON_HEADERS, timeout: t });
  const token = jsonField<string>(login, 'token');
  if (!vu.check(login, { 'login 200': (r) => r.status === 200 && typeof token === 'string' })) return;
  const auth = { ...JSON_HEADERS, authorization: `Bearer ${token}` };

  const cart = await vu.http.post(`${url}/cart`, { productId }, { name: 'POST /cart', headers: auth, timeout: t });
  vu.check(cart, { 'added to cart': (r) => r.status === 200 });
  await think(vu, 0.2, 0.8);

  // one key for this purchase: a lost answer is retried with the same key, never double-charged
  const key = `${username}-checkout`;
  let res = await vu.http.post(`${url}/checkout`, { saleId: SALE_ID }, { name: 'POST /checkout', headers: { ...auth, 'idempotency-key': key }, timeout: t, expectedStatuses: CHECKOUT_ANSWERS });
  if (res.status === 0 || res.status === 503) {
    await vu.sleep(0.5);
    res = await vu.http.post(`${url}/checkout`, { saleId: SALE_ID }, { name: 'POST /checkout (retry)', headers: { ...auth, 'idempotency-key': key }, timeout: t, expectedStatuses: CHECKOUT_ANSWERS });
  }
  vu.check(res, { 'checkout answered': (r) => ANSWERED.has(r.status) });
  if (res.status !== 201 && res.status !== 202) return;

  // an accepted order must exist; a queued one must settle (paid or failed)
  const orderId = jsonField<string>(res, 'orderId');
  let status = jsonField<string>(res, 'status');
  let seen = false;
  for (let poll = 0; poll < 20; poll++) {
    if (poll > 0 || res.status === 202) await vu.sleep(0.5);
    const o = await vu.http.get(`${url}/orders/${orderId ?? 'missing'}`, { name: 'GET /orders/:id', headers: auth, timeout: t });
    if (o.status === 200) {
      seen = true;
      status = jsonField<string>(o, 'status');
      if (status !== 'pending') break;
    } else if (o.status === 404) break;
    if (res.status === 201) break;
  }
  vu.check(seen, { 'accepted order exists': (s) => s });
  if (res.status === 202) vu.check(status, { 'queued order settled': (s) => s === 'paid' || s === 'failed' });
}

export interface SaleSetup {
  stock: number;
  productId: number;
}

/** setup(): the shop is up and the sale is reset to --env STOCK units. */
export async function resetSale(ctx: LifecycleContext, defaultStock: number): Promise<SaleSetup> {
  const url = base(ctx.env);
  const token = ctx.env.ADMIN_TOKEN;
  if (!token) throw new Error('ADMIN_TOKEN is not set: run with --target-config (the shop is started and its token passed), or --env ADMIN_TOKEN=<token printed by `stampede target`>');
  const stock = envNumber('STOCK', defaultStock, ctx.env);
  const r = await ctx.http.post(`${url}/admin/reset`, { saleId: SALE_ID, stock }, { headers: { ...JSON_HEADERS, 'x-admin-token': token }, timeout: '30s' });
  if (r.status !== 200) throw new Error(`POST /admin/reset answered ${r.status || r.error}: ${r.body.slice(0, 200)}`);
  const sale = r.json() as { productId?: number; initialStock?: number };
  return { stock: sale.initialStock ?? stock, productId: sale.productId ?? 1 };
}

export interface InvariantsSeen {
  oversold?: number;
  acceptedButMissing?: number | null;
  drained?: boolean;
  stockConsistent?: boolean;
  sold?: number;
  stockAtStart?: number;
}

/**
 * teardown(): waits (up to --env DRAIN, default 20 s) for queued orders to settle, then records
 * the invariants as checks: 'no oversell', 'no accepted order missing', 'queue drained', 'stock
 * consistent'. An answer that cannot be read fails them all: unverified is not correct.
 */
export async function checkInvariants(ctx: LifecycleContext): Promise<InvariantsSeen | null> {
  const url = base(ctx.env);
  const token = ctx.env.ADMIN_TOKEN ?? '';
  const deadline = Date.now() + envSeconds('DRAIN', 20, ctx.env) * 1000;
  let inv: InvariantsSeen | null = null;
  for (;;) {
    const r = await ctx.http.get(`${url}/admin/invariants?saleId=${SALE_ID}`, { headers: { 'x-admin-token': token }, timeout: '15s' });
    inv = null;
    if (r.status === 200) {
      try {
        inv = r.json() as InvariantsSeen;
      } catch {
        inv = null;
      }
    }
    if (!inv || inv.drained !== false || Date.now() > deadline) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  ctx.check(inv, {
    'no oversell': (i) => i?.oversold === 0,
    'no accepted order missing': (i) => i?.acceptedButMissing === 0,
    'queue drained': (i) => i?.drained === true,
    'stock consistent': (i) => i?.stockConsistent !== false && i !== null,
  });
  return inv;
}

/** The invariant checks as thresholds: any failure fails the run (exit 99). */
export const INVARIANT_THRESHOLDS = {
  'checks{check:no oversell}': ['rate==1'],
  'checks{check:no accepted order missing}': ['rate==1'],
  'checks{check:queue drained}': ['rate==1'],
  'checks{check:stock consistent}': ['rate==1'],
};
