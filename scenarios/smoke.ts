// A few iterations of every journey, for CI: does the shop answer, do the journeys work, do
// the invariants hold? One VU, no think time, every check must pass.
//
//   npx stampede run scenarios/smoke.ts --target-config variant=async
//   --env ITERATIONS=5  STOCK=3 (fewer units than buyers: the sold-out path is exercised too)
import type { Options } from 'k6/options';
import type { LifecycleContext, VU } from '../runner/scenario/api.ts';
import { browseJourney, buyJourney, checkInvariants, envNumber, INVARIANT_THRESHOLDS, resetSale, type SaleSetup } from './shop/journeys.ts';

export const options: Options = {
  scenarios: {
    smoke: { executor: 'shared-iterations', vus: 1, iterations: envNumber('ITERATIONS', 5), maxDuration: '60s' },
  },
  thresholds: {
    ...INVARIANT_THRESHOLDS,
    // every request is checked; a checkout's 409 sold out is an expected status, so no request fails
    checks: ['rate==1'],
    http_req_failed: ['rate==0'],
  },
  setupTimeout: '60s',
  teardownTimeout: '60s',
};

export async function setup(ctx: LifecycleContext): Promise<SaleSetup> {
  return resetSale(ctx, 3);
}

export default async function (vu: VU): Promise<void> {
  await browseJourney(vu, { views: 2, thinkMin: 0, thinkMax: 0 });
  await buyJourney(vu);
}

export async function teardown(ctx: LifecycleContext): Promise<void> {
  await checkInvariants(ctx);
}
