// k6 docs k6/encoding: base64 for a Basic Authorization header
import http from 'k6/http';
import encoding from 'k6/encoding';
import { b64decode } from 'k6/encoding';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const credentials = 'user:passwd';
  const encoded = encoding.b64encode(credentials);
  const r = http.get(`${__ENV.BASE}/echo`, { headers: { Authorization: `Basic ${encoded}` } });
  check(r, {
    'header sent': (x) => x.json('headers.authorization') === 'Basic dXNlcjpwYXNzd2Q=',
    'decodes back': () => b64decode(encoded, 'std', 's') === credentials,
    'rawurl has no padding': () => encoding.b64encode('a', 'rawurl') === 'YQ',
  });
}
