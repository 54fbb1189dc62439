// The shop's metrics, on prom-client's global registry: the cluster primary asks each worker
// (and the BullMQ worker process) for exactly that registry as JSON and merges them with
// AggregatorRegistry.aggregate() — counters and histograms summed across processes, gauges
// combined as each says (`aggregator`).
import type pg from 'pg';
import client from 'prom-client';

const { Counter, Gauge, Histogram, register } = client;

let defaultsOn = false;
/** Default process metrics (CPU, memory, event-loop lag, GC, handles): once per process. */
export function collectDefaults(): void {
  if (defaultsOn) return;
  defaultsOn = true;
  client.collectDefaultMetrics({ eventLoopMonitoringPrecision: 10 });
}

export const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by route, method and status',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const cacheRequests = new Counter({
  name: 'cache_requests_total',
  help: 'cache lookups by cache kind and result (hit|miss)',
  labelNames: ['cache', 'result'] as const,
});

export const ordersTotal = new Counter({
  name: 'orders_total',
  help: 'checkout outcomes: accepted (2xx/202), rejected (duplicate), sold_out, payment_failed, error',
  labelNames: ['outcome'] as const,
});

export const paymentDuration = new Histogram({
  name: 'payment_duration_seconds',
  help: 'latency of the call to the payment provider, by outcome',
  labelNames: ['outcome', 'caller'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.2, 0.5, 1, 2, 5],
});

const pools = new Map<string, pg.Pool>();

export const dbMetrics = {
  waitSeconds: new Histogram({
    name: 'db_pool_wait_seconds',
    help: 'time a query waited for a pool connection',
    labelNames: ['db'] as const,
    buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
  }),
  clients: new Gauge({
    name: 'db_pool_clients',
    help: 'pg pool clients by state (total, idle, waiting = queued requests), summed over workers',
    labelNames: ['db', 'state'] as const,
    collect() {
      for (const [db, pool] of pools) {
        this.set({ db, state: 'total' }, pool.totalCount);
        this.set({ db, state: 'idle' }, pool.idleCount);
        this.set({ db, state: 'waiting' }, pool.waitingCount);
      }
    },
  }),
  watchPool(name: string, pool: pg.Pool): void {
    pools.set(name, pool);
  },
};

export { register };
