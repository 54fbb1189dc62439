// k6 docs "Environment variables": __ENV read at init, in options
import http from 'k6/http';

export const options = { vus: Number(__ENV.VUS || 1), iterations: Number(__ENV.ITERS || 2) };

export default function () {
  http.get(`${__ENV.BASE}/echo?from=${__ENV.FROM || 'default'}`);
}
