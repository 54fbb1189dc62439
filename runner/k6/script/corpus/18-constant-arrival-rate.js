// k6 docs constant-arrival-rate: 20 iterations a second for 1 second
import http from 'k6/http';

export const options = {
  scenarios: {
    open: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s', preAllocatedVUs: 5, maxVUs: 10 },
  },
  thresholds: { iterations: ['count==20'], dropped_iterations: ['count==0'] },
};

export default function () {
  http.get(`${__ENV.BASE}/ok`);
}
