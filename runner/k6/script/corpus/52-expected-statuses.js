// http.setResponseCallback(http.expectedStatuses(...)): a 404 the script expects is not a failed
// request (k6's default callback is 200–399); a request's own responseCallback wins over it.
import http from 'k6/http';
import { check } from 'k6';

http.setResponseCallback(http.expectedStatuses(200, 404));
const onlyOk = http.expectedStatuses(200);

export const options = {
  iterations: 3,
  thresholds: {
    'http_req_failed{kind:expected404}': ['rate==0'],
    'http_req_failed{kind:strict}': ['rate==1'],
    'http_req_failed{kind:server}': ['rate==1'],
  },
};

export default function () {
  const missing = http.get(`${__ENV.BASE}/status/404`, { tags: { kind: 'expected404' } });
  check(missing, { 'a 404 is expected': (r) => r.status === 404 && r.expected === true });
  http.get(`${__ENV.BASE}/status/404`, { tags: { kind: 'strict' }, responseCallback: onlyOk });
  http.get(`${__ENV.BASE}/status/503`, { tags: { kind: 'server' } });
}
