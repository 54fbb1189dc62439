// k6 response headers have canonical names; request headers are sent as given
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const r = http.get(`${__ENV.BASE}/echo`, { headers: { 'X-Custom': 'abc', Accept: 'application/json' } });
  check(r, {
    'canonical Content-Type': (x) => x.headers['Content-Type'] === 'application/json',
    'custom header sent': (x) => x.json('headers.x-custom') === 'abc',
    'status_text': (x) => x.status_text === '200 OK',
  });
}
