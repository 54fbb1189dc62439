// k6 docs "Running k6": a GET and a check
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = { vus: 2, iterations: 6 };

export default function () {
  const res = http.get(`${__ENV.BASE}/ok`);
  check(res, { 'status is 200': (r) => r.status === 200, 'body is ok': (r) => r.body === 'ok' });
  sleep(0.01);
}
