// k6 docs "Tags and Groups": nested groups; checks inside carry the group path
import http from 'k6/http';
import { check, group } from 'k6';

export const options = {
  iterations: 3,
  thresholds: { 'group_duration{group:::visit product listing page::open one}': ['max<60000'], 'group_duration{group:::checkout}': ['max<0'] },
};

export default function () {
  group('visit product listing page', function () {
    const r = http.get(`${__ENV.BASE}/crocodiles`);
    check(r, { 'listing ok': (x) => x.status === 200 });
    group('open one', function () {
      const one = http.get(`${__ENV.BASE}/crocodiles/1`);
      check(one, { 'croc ok': (x) => x.status === 200 });
    });
  });
  group('checkout', () => {
    check(http.get(`${__ENV.BASE}/status/404`), { 'missing is 404': (x) => x.status === 404 });
  });
}
