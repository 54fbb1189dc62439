// k6 empties each VU's cookie jar before every iteration (unless noCookiesReset)
import http from 'k6/http';
import { check } from 'k6';

export const options = { scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 2 } } };

export default function () {
  const before = http.get(`${__ENV.BASE}/cookies`).json('cookie');
  http.get(`${__ENV.BASE}/cookies/set?fresh=1`);
  check(before, { 'jar empty at the start of every iteration': (c) => c === '' });
}
