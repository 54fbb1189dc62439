// k6 docs http.cookieJar(): set a cookie by hand, read it, and a request-level cookie
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const jar = http.cookieJar();
  jar.set(`${__ENV.BASE}/cookies`, 'my_cookie', 'hello world');
  check(jar.cookiesForURL(`${__ENV.BASE}/cookies`), { 'jar has it': (c) => c.my_cookie[0] === 'hello world' });
  const r = http.get(`${__ENV.BASE}/cookies`, { cookies: { extra: 'x1' } });
  check(r, {
    'jar cookie sent': (x) => x.json('cookie').includes('my_cookie=hello world'),
    'request cookie sent': (x) => x.json('cookie').includes('extra=x1'),
  });
  jar.clear(`${__ENV.BASE}/cookies`);
  check(http.get(`${__ENV.BASE}/cookies`), { 'cleared': (x) => !x.json('cookie').includes('my_cookie') });
}
