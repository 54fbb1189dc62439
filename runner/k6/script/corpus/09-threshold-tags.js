// k6 docs "Thresholds": a threshold on a sub-metric by tag, one that passes and one that fails
import http from 'k6/http';

export const options = {
  iterations: 4,
  thresholds: {
    'http_req_duration{type:static}': ['p(95)<60000'],
    'http_reqs{type:api}': ['count>=4'],
    http_req_failed: ['rate<0.1'],
  },
};

export default function () {
  http.get(`${__ENV.BASE}/ok`, { tags: { type: 'static' } });
  http.get(`${__ENV.BASE}/status/500`, { tags: { type: 'api' } });
}
