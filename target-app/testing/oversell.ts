// The oversell check, shared by the test matrix: N distinct users check out at once against a
// small stock; afterwards (once the queue has drained) the shop's invariants must hold and
// every order id answered 2xx/202 must exist.
import { startTarget } from '../launcher/start.ts';
import type { TargetConfigInput } from '../launcher/config.ts';
import type { Invariants } from '../domain/sale.ts';
import { createTestDatabase, httpClient, loginUsers, waitFor } from './fixtures.ts';

export interface OversellOutcome {
  statuses: Record<number, number>;
  acceptedIds: string[];
  invariants: Invariants & { missingOrderIds: string[] };
  elapsedMs: number;
}

/** `embedded`: let the launcher start its own embedded PostgreSQL (the replica needs its data folder). */
export async function oversell(config: TargetConfigInput, buyers = 520, opts: { embedded?: boolean } = {}): Promise<OversellOutcome> {
  const db = opts.embedded ? null : await createTestDatabase();
  const target = await startTarget({
    ...(db ? { databaseUrl: db.url } : {}),
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    products: 200,
    stock: 100,
    paymentLatencyMs: 5,
    ...config,
  });
  const http = httpClient(target.url, buyers + 20);
  try {
    const tokens = await loginUsers(http, `buyer${Date.now()}_`, buyers);
    const t0 = performance.now();
    const replies = await Promise.all(
      tokens.map((t, i) => http.send('POST', '/checkout', { body: {}, headers: { authorization: `Bearer ${t}`, 'idempotency-key': `k-${i}` } })),
    );
    const elapsedMs = performance.now() - t0;
    const statuses: Record<number, number> = {};
    const acceptedIds: string[] = [];
    for (const r of replies) {
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status >= 200 && r.status < 300) acceptedIds.push((r.body as { orderId: string }).orderId);
    }
    const admin = { 'x-admin-token': target.adminToken };
    const invariants = await waitFor(
      async () => {
        const r = await http.post('/admin/invariants', { orderIds: acceptedIds }, admin);
        const inv = r.body as OversellOutcome['invariants'];
        return inv.drained ? inv : undefined;
      },
      30_000,
      'the queue to drain',
    );
    return { statuses, acceptedIds, invariants, elapsedMs };
  } finally {
    await http.close();
    await target.stop();
    await db?.drop();
  }
}
