// Steady, moderate load for a long time, to show drift: memory that grows, latency that creeps
// up, a pool or queue that slowly backs up. Read it with the server series in the report
// (memory_rss_mb, heap_used_mb, event_loop_lag_p99_ms, pool_waiting) against the timeline.
//
//   npx stampede run scenarios/soak.ts --target-config variant=async,cache=redis,queue=bullmq
//   --env RATE=20 (visitors/s)  DURATION=10m  BUY_SHARE=0.1  STOCK=100000  THINK=1
import type { Options } from 'k6/options';
import type { LifecycleContext, VU } from '../runner/scenario/api.ts';
import { browseJourney, buyJourney, checkInvariants, envNumber, envSeconds, INVARIANT_THRESHOLDS, resetSale, type SaleSetup } from './shop/journeys.ts';

const RATE = envNumber('RATE', 20);
const DURATION = envSeconds('DURATION', 600);
const BUY_SHARE = Math.min(1, envNumber('BUY_SHARE', 0.1));
const ms = (s: number) => `${Math.round(s * 1000)}ms`;

export const options: Options = {
  scenarios: {
    browsers: { executor: 'constant-arrival-rate', exec: 'browse', rate: Math.max(1, Math.round(RATE * (1 - BUY_SHARE))), timeUnit: '1s', duration: ms(DURATION), preAllocatedVUs: 20, maxVUs: 1000 },
    buyers: { executor: 'constant-arrival-rate', exec: 'buy', rate: Math.max(1, Math.round(RATE * BUY_SHARE * 10)), timeUnit: '10s', duration: ms(DURATION), preAllocatedVUs: 5, maxVUs: 500 },
  },
  thresholds: {
    ...INVARIANT_THRESHOLDS,
    http_req_latency: ['p(99)<1000'],
    'http_req_failed{scenario:browsers}': ['rate<0.01'],
    'checks{scenario:buyers}': ['rate>0.99'],
  },
  setupTimeout: '60s',
  teardownTimeout: '90s',
};

export async function setup(ctx: LifecycleContext): Promise<SaleSetup> {
  // enough stock for the whole soak, so buyers keep exercising the write path
  return resetSale(ctx, 100_000);
}

export async function browse(vu: VU): Promise<void> {
  await browseJourney(vu);
}

export async function buy(vu: VU): Promise<void> {
  await buyJourney(vu);
}

export async function teardown(ctx: LifecycleContext): Promise<void> {
  await checkInvariants(ctx);
}
