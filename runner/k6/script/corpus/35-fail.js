// k6 fail(): the iteration ends there (its later requests are not made)
import http from 'k6/http';
import { check, fail } from 'k6';

export const options = { iterations: 4 };

export default function () {
  const r = http.get(`${__ENV.BASE}/status/${__ITER % 2 === 0 ? 200 : 500}`);
  if (!check(r, { 'status 200': (x) => x.status === 200 })) fail('unexpected status');
  http.get(`${__ENV.BASE}/ok`);
}
