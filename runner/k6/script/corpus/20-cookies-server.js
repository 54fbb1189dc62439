// k6 docs "Cookies": cookies the server sets are sent back by the VU's jar
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  http.get(`${__ENV.BASE}/cookies/set?my_cookie=hello&other=1`);
  const r = http.get(`${__ENV.BASE}/cookies`);
  check(r, { 'cookies sent back': (x) => x.json('cookie').includes('my_cookie=hello') && x.json('cookie').includes('other=1') });
}
