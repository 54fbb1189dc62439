// options.tags on every sample, and a threshold that filters by it
import http from 'k6/http';

export const options = {
  tags: { team: 'crocs' },
  iterations: 3,
  thresholds: { 'http_reqs{team:crocs}': ['count==3'], 'iterations{team:crocs}': ['count==3'] },
};

export default function () {
  http.get(`${__ENV.BASE}/ok`);
}
