// k6 docs http.batch with named requests
import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2 };

export default function () {
  const requests = {
    'front page': `${__ENV.BASE}/ok`,
    'features page': { method: 'GET', url: `${__ENV.BASE}/json`, params: { headers: { 'User-Agent': 'k6' } } },
  };
  const responses = http.batch(requests);
  check(responses, {
    'front page status was 200': (res) => res['front page'].status === 200,
    'features json': (res) => res['features page'].json('name') === 'stampede',
  });
}
