// k6 docs SharedArray: test data read once from a JSON file with open()
import http from 'k6/http';
import { check } from 'k6';
import { SharedArray } from 'k6/data';

const users = new SharedArray('users', function () {
  return JSON.parse(open('./data/users.json'));
});

export const options = { vus: 1, iterations: 6 };

export default function () {
  const user = users[__ITER % users.length];
  const res = http.post(`${__ENV.BASE}/login`, { user: user.username, password: user.password });
  check(res, { 'login accepted': (r) => r.status === 200, 'array is read-only': () => Object.isFrozen(users) });
}
