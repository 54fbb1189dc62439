// Measures the architecture ratios, one run each, against 127.0.0.1, for either shop:
//   product reads: async vs sync; a cache vs none (per variant); checkout: inline vs queued
//   (bullmq for the Node shop, Celery for the Python one) per variant, and async vs sync
//   checkouts per process, at payment latency 50 ms — the guide's claims as numbers.
// Run: DATABASE_URL=… REDIS_URL=… npx tsx target-app/bench/ratios.ts
//   BENCH_SHOP=node|python (default node), BENCH_ONLY=reads|checkouts, BENCH_SECONDS (8),
//   BENCH_LANES (100). Prints one line per measurement, the ratios, and the load average.
// Reads use autocannon (closed loop, 50 connections); checkouts use concurrent lanes of
// pre-logged-in distinct users (each buys once) against a stock large enough never to sell out.
// One worker process per shop: the ratios are per process.
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import type { TargetConfigInput } from '../launcher/config.ts';
import { startTarget } from '../launcher/start.ts';
import { createTestDatabase, httpClient, loginUsers } from '../testing/fixtures.ts';

// autocannon ships no types; the part used here, typed locally (no global module declaration
// that could clash with another one in the repository).
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  requests: Array<{ method: string; setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }>;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const SECONDS = Number(process.env.BENCH_SECONDS ?? '8');

async function withShop<T>(config: TargetConfigInput, fn: (url: string, token: string) => Promise<T>): Promise<T> {
  const db = await createTestDatabase();
  const t = await startTarget({ databaseUrl: db.url, ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}), products: 10_000, ...config });
  try {
    return await fn(t.url, t.adminToken);
  } finally {
    await t.stop();
    await db.drop();
  }
}

async function reads(config: TargetConfigInput): Promise<number> {
  return withShop(config, async (url) => {
    // product ids 2..501: the same set each run, so the cache can warm up
    let i = 0;
    const r = await autocannon({
      url,
      connections: 50,
      duration: SECONDS,
      requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: `/products/${2 + (i++ % 500)}` }) }],
    });
    const rps = r.requests.average;
    process.stdout.write(`reads ${JSON.stringify(config)}: ${rps.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non2xx ${r.non2xx}, errors ${r.errors}\n`);
    return rps;
  });
}

async function checkouts(config: TargetConfigInput, users = 4000, lanes = 100): Promise<number> {
  return withShop({ stock: 1_000_000, ...config }, async (url) => {
    const c = httpClient(url, lanes + 10);
    const tokens = await loginUsers(c, `bench${Date.now()}_`, users);
    let next = 0;
    let ok = 0;
    const lat: number[] = [];
    const end = performance.now() + SECONDS * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        while (performance.now() < end && next < tokens.length) {
          const tok = tokens[next++] as string;
          const s = performance.now();
          const r = await c.post('/checkout', {}, { authorization: `Bearer ${tok}` });
          lat.push(performance.now() - s);
          if (r.status === 201 || r.status === 202) ok++;
        }
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    await c.close();
    lat.sort((a, b) => a - b);
    const rps = ok / secs;
    process.stdout.write(`checkouts ${JSON.stringify(config)}: ${rps.toFixed(0)} accepted/s, p50 ${lat[Math.floor(lat.length / 2)]?.toFixed(1)} ms, p99 ${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)} ms (${ok} of ${lat.length}${next >= tokens.length ? ', ran out of users' : ''})\n`);
    return rps;
  });
}

const only = process.env.BENCH_ONLY ?? 'all';
const lanes = Number(process.env.BENCH_LANES ?? '100');
const shop = process.env.BENCH_SHOP === 'python' ? 'python' : 'node';
const queued = shop === 'python' ? 'celery' : 'bullmq';
const lines: string[] = [];
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const loadAtStart = load();
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
if (only === 'all' || only === 'reads') {
  const asyncReads = await reads({ shop, variant: 'async' });
  const syncReads = await reads({ shop, variant: 'sync' });
  const asyncRedis = await reads({ shop, variant: 'async', cache: 'redis', cacheTtlMs: 60_000 });
  const syncRedis = await reads({ shop, variant: 'sync', cache: 'redis', cacheTtlMs: 60_000 });
  lines.push(`${shop}: product reads async/sync: ${ratio(asyncReads, syncReads)}`);
  lines.push(`${shop}: product reads cache redis/none: async ${ratio(asyncRedis, asyncReads)}, sync ${ratio(syncRedis, syncReads)}`);
  if (shop === 'node') {
    const memReads = await reads({ shop, variant: 'async', cache: 'memory', cacheTtlMs: 60_000 });
    lines.push(`${shop}: product reads cache memory/none (async): ${ratio(memReads, asyncReads)}`);
  }
}
if (only === 'all' || only === 'checkouts') {
  const users = 4000;
  const asyncInline = await checkouts({ shop, variant: 'async', queue: 'inline', paymentLatencyMs: 50 }, users, lanes);
  const asyncQueued = await checkouts({ shop, variant: 'async', queue: queued, paymentLatencyMs: 50 }, users, lanes);
  const syncInline = await checkouts({ shop, variant: 'sync', queue: 'inline', paymentLatencyMs: 50 }, users, lanes);
  const syncQueued = await checkouts({ shop, variant: 'sync', queue: queued, paymentLatencyMs: 50 }, users, lanes);
  lines.push(`${shop}: checkouts per process async/sync (inline, payment 50 ms, ${lanes} concurrent buyers): ${ratio(asyncInline, syncInline)}`);
  lines.push(`${shop}: checkout ${queued}/inline (accepted per second): async ${ratio(asyncQueued, asyncInline)}, sync ${ratio(syncQueued, syncInline)}`);
}
lines.push(`load average at start ${loadAtStart}, at end ${load()} (${new Date().toISOString()})`);
process.stdout.write(lines.join('\n') + '\n');
