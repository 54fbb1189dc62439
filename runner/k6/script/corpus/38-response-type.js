// params.responseType: 'none' discards the body, 'binary' gives an ArrayBuffer
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  check(http.get(`${__ENV.BASE}/ok`, { responseType: 'none' }), { 'no body': (r) => r.body === null && r.status === 200 });
  check(http.get(`${__ENV.BASE}/ok`, { responseType: 'binary' }), { 'binary body': (r) => r.body instanceof ArrayBuffer && r.body.byteLength === 2 });
}
