// k6 docs k6/execution: scenario and VU information
import http from 'k6/http';
import exec from 'k6/execution';
import { scenario } from 'k6/execution';
import { check } from 'k6';

export const options = { scenarios: { unique: { executor: 'shared-iterations', vus: 2, iterations: 6 } } };

export default function () {
  http.get(`${__ENV.BASE}/echo?n=${exec.scenario.iterationInTest}`);
  check(exec, {
    'scenario name': (e) => e.scenario.name === 'unique',
    'executor': (e) => e.scenario.executor === 'shared-iterations',
    'named import': () => scenario.name === 'unique' && scenario.iterationInTest === exec.scenario.iterationInTest,
    'vu id': (e) => e.vu.idInTest === __VU,
    'same number within the iteration': (e) => e.scenario.iterationInTest === e.scenario.iterationInTest,
  });
}
