// The Python shop with --replica: product and order-history reads go to the streaming replica
// (the Node shop's routing, target-app/db/routing.ts), the stock decision and everything else to
// the primary; /readyz checks the replica and /metrics exports its lag. Counted with the shop's
// own pool metrics: every query records db_pool_wait_seconds under the database it went to.
import { afterAll, describe, expect, it } from 'vitest';
import { needs } from '../../runner/testing/requirements.ts';
import { parseTargetConfig } from '../launcher/config.ts';
import { pythonShopMissing } from '../launcher/python-shop.ts';
import { startTarget } from '../launcher/start.ts';
import { httpClient, loginUsers, stopEmbedded, waitFor } from '../testing/fixtures.ts';

const skip = await needs(
  { name: 'python shop (sync)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'sync' })) },
  { name: 'python shop (async)', missing: () => pythonShopMissing(parseTargetConfig({ shop: 'python', variant: 'async' })) },
);
afterAll(stopEmbedded);

/** db_pool_wait_seconds_count{db="<db>"} of a /metrics text (0 when absent). */
function queriesOn(text: string, db: string): number {
  const m = new RegExp(`^db_pool_wait_seconds_count\\{db="${db}"\\} ([0-9.e+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

describe.skipIf(skip)('python shop with a read replica', () => {
  for (const variant of ['sync', 'async'] as const) {
    it(`${variant}: product and order-history reads are served by the replica, checkouts by the primary; its lag is exported`, async () => {
      // embedded PostgreSQL: the replica service copies the primary's data folder
      const t = await startTarget({ shop: 'python', variant, products: 100, stock: 10, replica: true, paymentLatencyMs: 5 });
      const c = httpClient(t.url, 8);
      try {
        const ready = await c.get('/readyz');
        expect(ready.status).toBe(200);
        expect((ready.body as { checks: Record<string, string> }).checks.replica).toBe('ok');
        const [token] = await loginUsers(c, `rep${variant}${Date.now()}_`, 1, 1);
        const auth = { authorization: `Bearer ${token}` };

        // Each scrape also reads the lag: one query on the primary and one on the replica. (The
        // sync app reads it while it renders, so a scrape's own pair shows in the next one; the
        // async app reads it first. Between two scrapes, either way, one pair is counted.)
        const before = (await c.get('/metrics')).text;
        for (let i = 0; i < 20; i++) expect((await c.get(`/products/${i + 1}`)).status).toBe(200);
        const afterReads = (await c.get('/metrics')).text;
        expect(queriesOn(afterReads, 'replica') - queriesOn(before, 'replica')).toBe(20 + 1);
        expect(queriesOn(afterReads, 'primary') - queriesOn(before, 'primary')).toBe(1);
        expect(afterReads).toMatch(/^replication_lag_seconds [0-9.e+-]+$/m);

        // the checkout decides on the primary; the history, read on the replica, shows the order once replayed
        const r = await c.post('/checkout', {}, { ...auth, 'idempotency-key': 'rep-1' });
        expect(r.status).toBe(201);
        const orderId = (r.body as { orderId: string }).orderId;
        const seen = await waitFor(async () => {
          const h = await c.get('/orders', auth);
          const ids = ((h.body as { orders?: Array<{ id: string }> }).orders ?? []).map((o) => o.id);
          return ids.includes(orderId) ? ids : undefined;
        }, 10_000, 'the order in the replica-served history');
        expect(seen).toContain(orderId);
        const afterCheckout = (await c.get('/metrics')).text;
        expect(queriesOn(afterCheckout, 'primary') - queriesOn(afterReads, 'primary')).toBeGreaterThan(1);
        const inv = (await c.get('/admin/invariants', { 'x-admin-token': t.adminToken })).body as { oversold: number; stockLeft: number; stockConsistent: boolean };
        expect(inv).toMatchObject({ oversold: 0, stockLeft: 9, stockConsistent: true });
      } finally {
        await c.close();
        await t.stop();
      }
    }, 120_000);
  }
});
