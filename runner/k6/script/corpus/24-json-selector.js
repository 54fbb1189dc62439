// k6 docs Response.json(selector): gjson paths
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const r = http.get(`${__ENV.BASE}/json`);
  check(r, {
    'length with #': (x) => x.json('items.#') === 2,
    'index': (x) => x.json('items.1.id') === 2,
    'every id': (x) => JSON.stringify(x.json('items.#.id')) === '[1,2]',
    'escaped dot': (x) => x.json('nested.a\\.b') === 5,
    'missing is undefined': (x) => x.json('nope.nothing') === undefined,
    'whole body': (x) => x.json().name === 'stampede',
  });
}
