// params.timeout: a slow response is cut off with k6's request timeout error code
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const r = http.get(`${__ENV.BASE}/delay/2000`, { timeout: '200ms' });
  check(r, { 'timed out': (x) => x.status === 0 && x.error_code === 1050 });
}
