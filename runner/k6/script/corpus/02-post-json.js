// k6 docs http.post: a JSON body with a Content-Type header, read back with json()
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 3 };

export default function () {
  const payload = JSON.stringify({ email: 'aaa', password: 'bbb' });
  const params = { headers: { 'Content-Type': 'application/json' } };
  const res = http.post(`${__ENV.BASE}/echo`, payload, params);
  check(res, {
    'is 200': (r) => r.status === 200,
    'body echoed': (r) => JSON.parse(r.json('body')).email === 'aaa',
    'content type sent': (r) => r.json('headers.content-type') === 'application/json',
  });
}
