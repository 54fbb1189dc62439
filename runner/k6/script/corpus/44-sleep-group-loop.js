// loops with groups and sleeps: for, while, try/finally
import http from 'k6/http';
import { group, sleep, check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  let n = 0;
  for (let i = 1; i <= 2; i++) {
    group(`step ${i}`, () => {
      http.get(`${__ENV.BASE}/crocodiles/${i}`);
      sleep(0.01);
    });
  }
  while (n < 2) {
    try {
      http.get(`${__ENV.BASE}/ok`);
    } finally {
      n++;
    }
  }
  check(n, { 'loops ran': (x) => x === 2 });
}
