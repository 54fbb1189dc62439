// map and filter with callbacks that make requests
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const ids = http.get(`${__ENV.BASE}/crocodiles`).json().map((c) => c.id);
  const names = ids.map((id) => http.get(`${__ENV.BASE}/crocodiles/${id}`).json('name'));
  const found = ids.filter((id) => http.get(`${__ENV.BASE}/crocodiles/${id}`).status === 200);
  check(names, { 'names in order': (n) => n.join(',') === 'croc-1,croc-2,croc-3', 'all found': () => found.length === 3 });
}
