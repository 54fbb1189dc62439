// k6 docs check() with tags, and a threshold on the tagged checks
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 4,
  thresholds: { 'checks{myTag:hola}': ['rate>0.9'], 'checks{myTag:adios}': ['rate>0.9'] },
};

export default function () {
  const res = http.get(`${__ENV.BASE}/ok`);
  check(res, { 'status is 200': (r) => r.status === 200 }, { myTag: 'hola' });
  check(res, { 'status is 201': (r) => r.status === 201 }, { myTag: 'adios' });
}
