// The workers sweep against the real flash-sale shop (async variant, product reads): for each
// of 1, 2, 3 workers the shop is started (cluster workers, real PostgreSQL: DATABASE_URL or an
// embedded one, in a database of its own), measured twice with a closed model, and stopped.
// Short windows keep it under a minute; the numbers depend on the machine, so the test checks
// what must hold anywhere: every point measured without errors, every shop stopped, a fit.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, stopEmbedded, type TestDatabase } from '../../target-app/testing/fixtures.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';
import { startShop, type TargetStarter } from '../orchestrate/launch.ts';
import { validateTargetConfig } from '../orchestrate/target-config.ts';
import { capacityRequest } from '../testing/capacity-request.ts';
import { runCapacity } from './run-capacity.ts';

const FILE = new URL('./fixtures/product-read.ts', import.meta.url).pathname;
let db: TestDatabase | null = null;
afterAll(async () => {
  await db?.drop();
  await stopEmbedded();
});

const listening = (url: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = net.connect({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe('stampede capacity --sweep workers against the shop', () => {
  it('starts the shop with 1, 2, 3 workers, measures each twice, stops each, fits the USL', async () => {
    db = await createTestDatabase();
    const urls: string[] = [];
    const starter: TargetStarter = async (config, opts) => {
      const t = await startShop(config, opts);
      urls.push(t.url);
      return t;
    };
    const { config } = validateTargetConfig({ variant: 'async', databaseUrl: db.url, products: '1000' }, 'test');
    const t0 = performance.now();
    const doc = await runCapacity(
      await capacityRequest({
        file: FILE,
        env: { PRODUCTS: '1000' },
        sweep: { kind: 'workers', values: [1, 2, 3], repeat: 2, vus: 16, targetConfig: config, readyTimeoutMs: 60_000, starter, settle: { chunkMs: 2000, tolerance: 0.15, maxMs: 10_000 } },
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const s = doc.sweep!;
    process.stdout.write(
      `[sweep-shop] ${seconds.toFixed(1)} s; ${s.points.map((p) => `n=${p.n}: ${p.throughput}/s p99 ${p.latency?.p99} ms`).join(', ')}; ` +
        (s.usl ? `α=${s.usl.alpha.toFixed(4)} β=${s.usl.beta.toFixed(4)} γ=${s.usl.gamma.toFixed(1)} N*=${s.usl.peakConcurrency?.toFixed(2)} R²=${s.usl.r2.toFixed(3)}` : `no fit: ${s.uslError}`) +
        '\n',
    );
    expect(capacityDocumentSchema.safeParse(doc).success).toBe(true);
    expect(urls).toHaveLength(3);
    expect(new Set(urls).size).toBe(3);
    for (const u of urls) expect(await listening(u)).toBe(false);
    expect(s.points.map((p) => p.n)).toEqual([1, 1, 2, 2, 3, 3]);
    // each start was warmed up in 2 s chunks until two agreed within 15 % (or 10 s passed, with a warning)
    for (const p of s.points) expect(p.settleChunks!.length).toBeGreaterThanOrEqual(2);
    for (const p of s.points) {
      expect(p.errorRate).toBe(0);
      expect(p.throughput).toBeGreaterThan(50);
      expect(p.latency!.count).toBeGreaterThan(100);
    }
    expect(s.targetConfig).toMatchObject({ variant: 'async', products: '1000' });
    expect(s.targetConfig!.databaseUrl).toBe(db.url.replace(/\/\/[^@/]*@/, '//***@'));
    // six points at three worker counts: the fit runs (its quality is the machine's business)
    expect(s.usl).not.toBeNull();
    expect(s.usl!.gamma).toBeGreaterThan(0);
    expect(seconds).toBeLessThan(120);
  }, 180_000);
});
