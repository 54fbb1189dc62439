// every k6/http method
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const B = `${__ENV.BASE}/echo`;
  const rs = [http.get(B), http.post(B, 'p'), http.put(B, 'u'), http.patch(B, 'a'), http.del(B), http.options(B), http.request('POST', B, 'r')];
  check(rs, { 'methods': (x) => x.map((r) => r.json('method')).join() === 'GET,POST,PUT,PATCH,DELETE,OPTIONS,POST' });
  check(http.head(B), { 'head': (r) => r.status === 200 && r.body === '' });
}
