// http_req_failed thresholds: half of the requests fail (5xx), so rate<0.1 fails and rate<0.6 passes
import http from 'k6/http';

export const options = {
  iterations: 4,
  thresholds: { http_req_failed: ['rate<0.1'], 'http_req_failed{expected:half}': ['rate<0.6'], http_reqs: ['count==8'] },
};

export default function () {
  http.get(`${__ENV.BASE}/ok`, { tags: { expected: 'half' } });
  http.get(`${__ENV.BASE}/status/503`, { tags: { expected: 'half' } });
}
