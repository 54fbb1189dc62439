// params.responseType: 'none' discards the body, 'binary' gives an ArrayBuffer of the bytes as
// they came; a Uint8Array body is sent byte for byte
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  check(http.get(`${__ENV.BASE}/ok`, { responseType: 'none' }), { 'no body': (r) => r.body === null && r.status === 200 });
  check(http.get(`${__ENV.BASE}/ok`, { responseType: 'binary' }), { 'binary body': (r) => r.body instanceof ArrayBuffer && r.body.byteLength === 2 });
  const bin = http.get(`${__ENV.BASE}/bytes`, { responseType: 'binary' });
  check(bin, {
    'every byte value intact': (r) => {
      const b = new Uint8Array(r.body);
      return b.length === 256 && b.every((v, i) => v === i);
    },
  });
  const upload = new Uint8Array(256).map((_, i) => 255 - i);
  check(http.post(`${__ENV.BASE}/echo`, upload.buffer, { headers: { 'content-type': 'application/octet-stream' } }), { 'upload answered': (r) => r.status === 200 });
}
