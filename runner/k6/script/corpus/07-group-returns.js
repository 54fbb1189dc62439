// k6: group() returns what its function returns
import http from 'k6/http';
import { check, group } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const id = group('find', () => http.get(`${__ENV.BASE}/crocodiles`).json('1.id'));
  const name = group('read', function () {
    return http.get(`${__ENV.BASE}/crocodiles/${id}`).json('name');
  });
  check(name, { 'group value flowed': (n) => n === 'croc-2' });
}
