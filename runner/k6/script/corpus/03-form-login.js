// k6 docs "Cookies": an object body is sent as a form; the session cookie is kept by the VU's jar
import http from 'k6/http';
import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export default function () {
  const login = http.post(`${__ENV.BASE}/login`, { user: `u${__VU}`, password: 'secret' });
  check(login, { 'logged in': (r) => r.status === 200, 'session cookie': (r) => r.cookies.sid[0].value === `s-u${__VU}` });
  const me = http.get(`${__ENV.BASE}/me`);
  check(me, { 'jar sent the cookie': (r) => r.json('user') === `s-u${__VU}` });
}
