// k6 docs "Error codes": a 404 has error_code 1404; a refused connection 1212
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const r = http.get(`${__ENV.BASE}/status/404`);
  check(r, { 'error_code 1404': (x) => x.error_code === 1404, 'status 404': (x) => x.status === 404 });
  const refused = http.get('http://127.0.0.1:1/nothing');
  check(refused, { 'refused 1212': (x) => x.error_code === 1212 && x.status === 0 && x.error !== '' });
}
