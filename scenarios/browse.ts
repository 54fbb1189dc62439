// Read-heavy catalogue traffic: visitors arriving at a steady rate (open model), each looking
// at a catalogue page, a few products (popularity skewed to the top 200, as real catalogues
// are, so a cache has something to do) and the sale's stock. No buying, no admin token needed.
//
//   npx stampede run scenarios/browse.ts --target-config variant=async,cache=memory
//   --env RATE=50 (visitors/s)  DURATION=30s  THINK=0.2 (think-time scale)  TIMEOUT=10s
import type { Options } from 'k6/options';
import type { VU } from '../runner/scenario/api.ts';
import { browseJourney, envNumber, envSeconds } from './shop/journeys.ts';

const RATE = envNumber('RATE', 50);
const DURATION = envSeconds('DURATION', 30);

export const options: Options = {
  scenarios: {
    browsers: {
      executor: 'constant-arrival-rate',
      exec: 'browse',
      rate: RATE,
      timeUnit: '1s',
      duration: `${Math.round(DURATION * 1000)}ms`,
      preAllocatedVUs: 20,
      maxVUs: envNumber('MAX_VUS', 1000),
      gracefulStop: '10s',
    },
  },
  thresholds: {
    'http_req_latency{name:GET /products/:id}': ['p(99)<500'],
    http_req_latency: ['p(99)<1000'],
    http_req_failed: ['rate<0.01'],
  },
};

export async function browse(vu: VU): Promise<void> {
  // shorter thinking than the sale's visitors: this scenario is about read throughput
  await browseJourney(vu, { views: 4, thinkMin: 0.1, thinkMax: 0.4 });
}
