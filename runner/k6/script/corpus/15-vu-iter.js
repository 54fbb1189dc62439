// __VU and __ITER in request paths: per-vu-iterations gives every VU the same number of iterations
import http from 'k6/http';

export const options = { scenarios: { each: { executor: 'per-vu-iterations', vus: 3, iterations: 2 } } };

export default function () {
  http.get(`${__ENV.BASE}/echo?vu=${__VU}&iter=${__ITER}`);
}
