// k6 docs "Scenarios": two scenarios, each with its own exec function, tags and env
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  scenarios: {
    browse: { executor: 'shared-iterations', vus: 2, iterations: 4, exec: 'browse', tags: { flow: 'browse' } },
    buy: { executor: 'per-vu-iterations', vus: 1, iterations: 2, exec: 'buy', env: { ITEM: '3' } },
  },
  thresholds: { 'http_reqs{flow:browse}': ['count==4'], 'http_reqs{scenario:buy}': ['count==2'] },
};

export function browse() {
  http.get(`${__ENV.BASE}/crocodiles`);
}

export function buy() {
  const r = http.get(`${__ENV.BASE}/crocodiles/${__ENV.ITEM}`);
  check(r, { 'scenario env': (x) => x.json('id') === 3 });
}
