// module scope is per VU (k6 gives each VU its own runtime): a token fetched once per VU
import http from 'k6/http';
import { check } from 'k6';

let token = null;
let logins = 0;

export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };

export default function () {
  if (token === null) {
    token = http.post(`${__ENV.BASE}/login`, { user: `vu${__VU}`, password: 'secret' }).json('token');
    logins++;
  }
  const r = http.get(`${__ENV.BASE}/me`, { headers: { Authorization: `Bearer ${token}` }, jar: null });
  check(r, { 'my own token': (x) => x.json('user') === `t-vu${__VU}`, 'one login per VU': () => logins === 1 });
}
