// k6 docs http.batch: several requests at once, the responses in the same order
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const responses = http.batch([
    ['GET', `${__ENV.BASE}/crocodiles/1`, null, { tags: { ctype: 'images' } }],
    ['GET', `${__ENV.BASE}/crocodiles/2`],
    `${__ENV.BASE}/crocodiles/3`,
  ]);
  check(responses[0], { 'first croc': (r) => r.json('id') === 1 });
  check(responses[2], { 'third croc': (r) => r.json('name') === 'croc-3' });
}
