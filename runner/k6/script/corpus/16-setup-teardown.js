// k6 docs "Test lifecycle": setup() data reaches every VU and teardown()
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 3 };

export function setup() {
  const r = http.post(`${__ENV.BASE}/login`, { user: 'admin', password: 'secret' });
  return { token: r.json('token') };
}

export default function (data) {
  const r = http.get(`${__ENV.BASE}/me`, { headers: { Authorization: `Bearer ${data.token}` }, jar: null });
  check(r, { 'authorised with setup token': (x) => x.json('user') === 't-admin' });
}

export function teardown(data) {
  check(data, { 'teardown got the data': (d) => d.token === 't-admin' });
}
