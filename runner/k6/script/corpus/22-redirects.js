// k6 follows up to 10 redirects by default; params.redirects: 0 stops at the first
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const followed = http.get(`${__ENV.BASE}/redirect/3`);
  check(followed, { 'followed to the end': (r) => r.status === 200 && r.body === 'ok' });
  const stopped = http.get(`${__ENV.BASE}/redirect/3`, { redirects: 0 });
  check(stopped, { 'not followed': (r) => r.status === 302, 'location given': (r) => r.headers['Location'] === '/redirect/2' });
}
