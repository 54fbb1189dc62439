// Buyers only: every arrival logs in, adds the sale item to the cart and checks out with an
// idempotency key, then follows the order. Isolates the write path (the atomic stock decision,
// the payment call inline or through the queue) from catalogue reads. The invariants are
// checked at the end and fail the run.
//
//   npx stampede run scenarios/checkout.ts --target-config variant=async,queue=bullmq
//   --env RATE=20 (buyers/s)  DURATION=20s  STOCK=200  THINK=0.3  TIMEOUT=10s  DRAIN=20s
import type { Options } from 'k6/options';
import type { LifecycleContext, VU } from '../runner/scenario/api.ts';
import { buyJourney, checkInvariants, envNumber, envSeconds, INVARIANT_THRESHOLDS, resetSale, type SaleSetup } from './shop/journeys.ts';

const RATE = envNumber('RATE', 20);
const DURATION = envSeconds('DURATION', 20);

export const options: Options = {
  scenarios: {
    buyers: {
      executor: 'constant-arrival-rate',
      exec: 'buy',
      rate: RATE,
      timeUnit: '1s',
      duration: `${Math.round(DURATION * 1000)}ms`,
      preAllocatedVUs: 20,
      maxVUs: envNumber('MAX_VUS', 1000),
      gracefulStop: '15s',
    },
  },
  thresholds: {
    ...INVARIANT_THRESHOLDS,
    'http_req_latency{name:POST /checkout}': ['p(99)<2000'],
    // 409 sold out and 402 declined are expected statuses (not failed requests); buyers are
    // judged by their checks
    'checks{scenario:buyers}': ['rate>0.99'],
  },
  setupTimeout: '60s',
  teardownTimeout: '90s',
};

export async function setup(ctx: LifecycleContext): Promise<SaleSetup> {
  return resetSale(ctx, 200);
}

export async function buy(vu: VU): Promise<void> {
  await buyJourney(vu);
}

export async function teardown(ctx: LifecycleContext): Promise<void> {
  await checkInvariants(ctx);
}
