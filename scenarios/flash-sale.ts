// The flash sale as it happens: a quiet catalogue phase, then at the sale's start the arrival
// rate of visitors jumps within one second to the peak (open model: ramping-arrival-rate, so
// a slow shop does not slow the crowd down), holds, and decays. Most visitors only browse; a
// share of them buy: log in, open the sale item, add it to the cart, check out with an
// idempotency key and follow the order. setup() resets the sale; teardown() checks the shop's
// invariants (no oversell, no accepted order missing, queue drained), which fail the run.
//
//   npx stampede run scenarios/flash-sale.ts --target-config variant=async,cache=redis
//   npx stampede compare scenarios/flash-sale.ts --matrix 'variant=sync,async;cache=none,redis'
//
// --env (defaults finish in about a minute on a 2-core machine):
//   PEAK=60        visitors per second at the sale's peak      QUIET=4     before and after it
//   BUY_SHARE=0.3  share of visitors who try to buy            STOCK=300   units on sale
// At the defaults ~18 buyers/s arrive and the stock sells out near the end of the peak, so the
// slow payment call (50 ms) is on the critical path for the whole peak: a sync shop, which blocks
// for it, falls behind; an async one does not.
//   WARMUP=10s     the quiet catalogue phase                   HOLD=20s    the peak
//   DECAY=10s      back to quiet                               THINK=1     think-time scale (0 = none)
//   TIMEOUT=10s    per request                                 DRAIN=20s   teardown's wait for queued orders
import type { Options } from 'k6/options';
import type { LifecycleContext, VU } from '../runner/scenario/api.ts';
import { browseJourney, buyJourney, checkInvariants, envNumber, envSeconds, INVARIANT_THRESHOLDS, resetSale, type SaleSetup } from './shop/journeys.ts';

const PEAK = envNumber('PEAK', 60);
const QUIET = envNumber('QUIET', 4);
const BUY_SHARE = Math.min(1, envNumber('BUY_SHARE', 0.3));
const WARMUP = envSeconds('WARMUP', 10);
const HOLD = envSeconds('HOLD', 20);
const DECAY = envSeconds('DECAY', 10);
const MAX_VUS = envNumber('MAX_VUS', 1500);

const s = (x: number) => `${Math.round(x * 1000)}ms`;
const browsers = (rate: number) => Math.max(0, Math.round(rate * (1 - BUY_SHARE)));
const buyers = (rate: number) => Math.max(0, Math.round(rate * BUY_SHARE));

export const options: Options = {
  scenarios: {
    // everyone looks at the catalogue; the crowd arrives when the sale opens
    browsers: {
      executor: 'ramping-arrival-rate',
      exec: 'browse',
      startRate: browsers(QUIET),
      timeUnit: '1s',
      preAllocatedVUs: 50,
      maxVUs: MAX_VUS,
      stages: [
        { duration: s(WARMUP), target: browsers(QUIET) },
        { duration: '1s', target: browsers(PEAK) },
        { duration: s(HOLD), target: browsers(PEAK) },
        { duration: s(DECAY), target: browsers(QUIET) },
      ],
      gracefulStop: '15s',
    },
    // nobody can buy before the sale opens
    buyers: {
      executor: 'ramping-arrival-rate',
      exec: 'buy',
      startRate: 0,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: MAX_VUS,
      stages: [
        { duration: s(WARMUP), target: 0 },
        { duration: '1s', target: buyers(PEAK) },
        { duration: s(HOLD), target: buyers(PEAK) },
        { duration: s(DECAY), target: 0 },
      ],
      gracefulStop: '15s',
    },
  },
  thresholds: {
    ...INVARIANT_THRESHOLDS,
    // what the sale's users feel (from the intended start: waiting for a busy shop counts)
    'http_req_latency{scenario:buyers}': ['p(99)<2000'],
    'http_req_latency{scenario:browsers}': ['p(99)<1000'],
    // a checkout's 409 (sold out) and 402 (declined) are expected statuses (CHECKOUT_ANSWERS in
    // shop/journeys.ts), not failed requests; buyers are also judged by their checks
    'http_req_failed{scenario:browsers}': ['rate<0.01'],
    'checks{scenario:buyers}': ['rate>0.99'],
  },
  setupTimeout: '60s',
  teardownTimeout: '90s',
};

export async function setup(ctx: LifecycleContext): Promise<SaleSetup> {
  return resetSale(ctx, 300);
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
