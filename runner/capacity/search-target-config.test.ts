// `stampede capacity --target-config` without a sweep: the shop is started (async variant, real
// PostgreSQL: DATABASE_URL or an embedded one, in a database of its own), searched, and stopped.
// A short search (3 probes of 1 s + 2 s, product reads): what must hold anywhere is that the
// probes reached the started shop, that its admin token stayed out of the document, and that
// the shop is gone afterwards.
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, stopEmbedded, type TestDatabase } from '../../target-app/testing/fixtures.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';
import { startShop, type TargetStarter } from '../orchestrate/launch.ts';
import { validateTargetConfig } from '../orchestrate/target-config.ts';
import { capacityRequest } from '../testing/capacity-request.ts';
import { runCapacity } from './run-capacity.ts';
import { parseSlo } from './slo.ts';

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

describe('stampede capacity --target-config (no sweep)', () => {
  it('starts the shop, searches it, stops it', { timeout: 180_000 }, async () => {
    db = await createTestDatabase();
    const started: Array<{ url: string; adminToken: string }> = [];
    const starter: TargetStarter = async (config, opts) => {
      const t = await startShop(config, opts);
      started.push({ url: t.url, adminToken: t.adminToken });
      return t;
    };
    const { config } = validateTargetConfig({ variant: 'async', databaseUrl: db.url, products: '1000' }, 'test');
    const doc = await runCapacity(
      await capacityRequest({
        file: FILE,
        env: { PRODUCTS: '1000' },
        slo: parseSlo(['p(99)<500'], 'rate<0.01'),
        startRate: 20,
        maxProbes: 3,
        targetConfig: config,
        readyTimeoutMs: 60_000,
        starter,
      }),
    );
    expect(capacityDocumentSchema.safeParse(doc).success).toBe(true);
    expect(started).toHaveLength(1);
    const shop = started[0]!;
    expect(await listening(shop.url)).toBe(false);
    expect(doc.meta.target).toBe(shop.url);
    expect(doc.meta.targetConfig).toMatchObject({ variant: 'async', products: '1000' });
    expect(doc.meta.env).toEqual({ PRODUCTS: '1000' }); // the user's env: no BASE, no admin token
    expect(JSON.stringify(doc)).not.toContain(shop.adminToken);
    // between probes the started shop's /metrics was watched (its pool and queue gauges)
    expect(doc.settings.metricsUrl).toBe(`${shop.url}/metrics`);
    // the probes reached it: 20 product reads per second answered without errors
    expect(doc.probes.length).toBeGreaterThanOrEqual(1);
    const first = doc.probes[0]!;
    expect(first.rate).toBe(20);
    expect(first.errorRate).toBe(0);
    expect(first.requests).toBeGreaterThanOrEqual(35); // 2 s × 20/s, less what the graceful stop cut
    expect(doc.sizing!.journey!.requestsPerIteration).toBe(1);
  });
});
