// randomSeed(): the same seed, the same sequence
import http from 'k6/http';
import { check, randomSeed } from 'k6';

export const options = { iterations: 1 };

export default function () {
  randomSeed(42);
  const a = [Math.random(), Math.random()];
  randomSeed(42);
  const b = [Math.random(), Math.random()];
  http.get(`${__ENV.BASE}/ok`);
  check(null, { 'reproducible': () => a[0] === b[0] && a[1] === b[1] && a[0] !== a[1] });
}
