// k6 options the shims implement: batchPerHost (at most 2 at once to one host), noCookiesReset
// (the jar survives iterations), throw (a failed request throws), discardResponseBodies
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 3 } },
  batch: 10,
  batchPerHost: 2,
  noCookiesReset: true,
  throw: true,
  discardResponseBodies: true,
  cloud: { name: 'ignored by Stampede, as by a local k6 run' },
};

export default function () {
  if (__ITER === 0) http.get(`${__ENV.BASE}/cookies/set?kept=yes`);
  const rs = http.batch([1, 2, 3, 4].map((i) => `${__ENV.BASE}/delay/${20 * i}`));
  const r = http.get(`${__ENV.BASE}/cookies`, { responseType: 'text' });
  check(r, {
    'cookie survived the iteration': (x) => x.json('cookie').includes('kept=yes'),
    'bodies discarded': () => rs.every((b) => b.body === null && b.status === 200),
  });
  if (__ITER === 2) http.get('http://127.0.0.1:1/refused');
}
