// k6 docs metrics: http_req_sending and http_req_receiving, built-in trends with the request's tags
import http from 'k6/http';

export const options = {
  iterations: 4,
  thresholds: { http_req_sending: ['max<60000'], 'http_req_receiving{kind:list}': ['max<60000'], 'http_req_receiving{kind:none}': ['max>0'] },
};

export default function () {
  http.get(`${__ENV.BASE}/crocodiles`, { tags: { kind: 'list' } });
}
