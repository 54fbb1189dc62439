// jslib k6-utils by its usual URL (vendored, not fetched)
import http from 'k6/http';
import { check } from 'k6';
import { randomIntBetween, randomItem, uuidv4, randomString } from 'https://jslib.k6.io/k6-utils/1.4.0/index.js';

export const options = { iterations: 5 };

export default function () {
  const id = randomIntBetween(1, 3);
  const name = randomItem(['Bert', 'Ernie']);
  const r = http.get(`${__ENV.BASE}/crocodiles/${id}`, { headers: { 'X-Request-Id': uuidv4() } });
  check(r, {
    'id in range': (x) => x.json('id') >= 1 && x.json('id') <= 3,
    'item from list': () => name === 'Bert' || name === 'Ernie',
    'uuid shape': () => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(uuidv4()),
    'random string': () => randomString(8).length === 8,
  });
}
