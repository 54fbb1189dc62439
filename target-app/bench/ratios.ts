// Measures the ratios issue 4 asks for, one run each, against 127.0.0.1:
//   product reads: async vs sync; cache memory/redis vs none; checkout: inline vs bullmq at
//   payment latency 50 ms. Run: DATABASE_URL=… REDIS_URL=… npx tsx target-app/bench/ratios.ts
// Reads use autocannon (closed loop, 50 connections); checkouts use 100 concurrent lanes of
// pre-logged-in distinct users (each buys once) against a stock large enough never to sell out.
import { createRequire } from 'node:module';
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
const lines: string[] = [];
if (only === 'all' || only === 'reads') {
  const asyncReads = await reads({ variant: 'async' });
  const syncReads = await reads({ variant: 'sync' });
  const memReads = await reads({ variant: 'async', cache: 'memory', cacheTtlMs: 60_000 });
  const redisReads = await reads({ variant: 'async', cache: 'redis', cacheTtlMs: 60_000 });
  lines.push(`product reads async/sync: ${(asyncReads / syncReads).toFixed(2)}×`);
  lines.push(`product reads cache memory/none: ${(memReads / asyncReads).toFixed(2)}×, redis/none: ${(redisReads / asyncReads).toFixed(2)}×`);
}
if (only === 'all' || only === 'checkouts') {
  const inline = await checkouts({ queue: 'inline', paymentLatencyMs: 50 }, 4000, lanes);
  const queued = await checkouts({ queue: 'bullmq', paymentLatencyMs: 50 }, 4000, lanes);
  lines.push(`checkout bullmq/inline (accepted per second, payment 50 ms, ${lanes} concurrent buyers): ${(queued / inline).toFixed(2)}×`);
}
process.stdout.write(lines.join('\n') + '\n');
