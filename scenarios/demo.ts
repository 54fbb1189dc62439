// The first scenario a newcomer sees: an open-model ramp (arrivals per second, not VUs) against
// the small demo shop that `npm start` starts itself. Run it with
//   npx stampede run scenarios/demo.ts --env BASE=http://127.0.0.1:PORT
import type { Options } from 'k6/options';
import type { VU } from '../runner/scenario/api.ts';

export const options: Options = {
  scenarios: {
    shoppers: {
      executor: 'ramping-arrival-rate',
      startRate: 20,
      timeUnit: '1s',
      preAllocatedVUs: 20,
      maxVUs: 200,
      stages: [
        { duration: '3s', target: 200 },
        { duration: '5s', target: 200 },
        { duration: '2s', target: 50 },
      ],
    },
  },
  thresholds: {
    http_req_latency: ['p(99)<250'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
  },
};

export default async function (vu: VU): Promise<void> {
  const base = vu.env.BASE ?? 'http://127.0.0.1:8080';
  const list = await vu.http.get(`${base}/products`, { name: 'GET /products' });
  vu.check(list, { 'list is 200': (r) => r.status === 200 });
  const id = 1 + Math.floor(Math.random() * 200);
  const page = await vu.http.get(`${base}/products/${id}`, { name: 'GET /products/:id' });
  vu.check(page, { 'product is 200': (r) => r.status === 200 });
}
