// k6 docs k6/execution: scenario.iterationInTest is unique per test (one sequence per scenario,
// whatever runs it); randomSeed() at init makes Math.random reproducible
import http from 'k6/http';
import exec from 'k6/execution';
import { check, randomSeed } from 'k6';

randomSeed(7);

export const options = {
  scenarios: {
    shared: { executor: 'shared-iterations', vus: 4, iterations: 20, exec: 'numbered' },
    seeded: { executor: 'per-vu-iterations', vus: 2, iterations: 1, exec: 'seeded' },
  },
};

export function numbered() {
  const n = exec.scenario.iterationInTest;
  http.get(`${__ENV.BASE}/echo?scenario=shared&n=${n}`);
  check(n, { 'same number within the iteration': (v) => v === exec.scenario.iterationInTest });
}

export function seeded() {
  http.get(`${__ENV.BASE}/echo?scenario=seeded&n=${exec.scenario.iterationInTest}&r=${Math.random()}`);
}
