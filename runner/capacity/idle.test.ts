// Between probes: the Prometheus text scrape and the wait until waiting-work gauges read 0,
// against a real HTTP server whose queue drains.
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../testing/fixtures.ts';
import { parsePrometheusText, waitForIdle, waitingSamples } from './idle.ts';

const SHOP = `# HELP db_pool_clients pg pool clients
# TYPE db_pool_clients gauge
db_pool_clients{db="primary",state="total"} 10
db_pool_clients{db="primary",state="idle"} 4
db_pool_clients{db="primary",state="waiting"} 3
# TYPE db_pool_wait_seconds histogram
db_pool_wait_seconds_bucket{db="primary",le="0.001"} 5
db_pool_wait_seconds_count{db="primary"} 9
bullmq_queue_waiting{queue="payments"} 0
nodejs_active_handles 12
`;

describe('idle detection', () => {
  it('finds the waiting gauges and ignores histogram series and other gauges', () => {
    const w = waitingSamples(parsePrometheusText(SHOP));
    expect(w.map((s) => [s.name, s.labels.state ?? s.labels.queue, s.value])).toEqual([
      ['db_pool_clients', 'waiting', 3],
      ['bullmq_queue_waiting', 'payments', 0],
    ]);
  });

  let server: TestServer | undefined;
  afterAll(() => server?.close());

  it('waits until the queue gauge reads 0', async () => {
    const drainedAt = performance.now() + 600;
    server = await startServer((_req, res) => res.end(`queue_depth ${performance.now() < drainedAt ? 7 : 0}\n`));
    const r = await waitForIdle({ metricsUrl: `${server.url}/metrics`, cooldownMs: 100, pollMs: 50 });
    expect(r.method).toBe('metrics');
    expect(r.waitedMs).toBeGreaterThanOrEqual(550);
    expect(r.detail).toMatch(/queue_depth all 0/);
  });

  it('falls back to the fixed cool-down when there is nothing to watch', async () => {
    const r = await waitForIdle({ metricsUrl: null, cooldownMs: 120 });
    expect(r).toMatchObject({ method: 'fixed' });
    expect(r.waitedMs).toBeGreaterThanOrEqual(115);
    const dead = await waitForIdle({ metricsUrl: 'http://127.0.0.1:1/metrics', cooldownMs: 0 });
    expect(dead.detail).toMatch(/did not answer 200/);
  });
});
