// a check whose callback makes a request
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const list = http.get(`${__ENV.BASE}/crocodiles`);
  check(list, {
    'first croc readable': (r) => http.get(`${__ENV.BASE}/crocodiles/${r.json('0.id')}`).status === 200,
    'list ok': (r) => r.status === 200,
  });
}
