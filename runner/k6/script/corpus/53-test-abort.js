// k6 docs k6/execution test.abort([reason]): the whole test stops, as soon as the script says so
import http from 'k6/http';
import exec from 'k6/execution';

export const options = { vus: 1, duration: '30s' };

export default function () {
  const res = http.get(`${__ENV.BASE}/crocodiles/1`);
  // the fourth iteration decides the test is over: nothing after this line, no further iteration
  if (exec.vu.iterationInScenario === 3 && res.status === 200) exec.test.abort('enough crocodiles');
  http.get(`${__ENV.BASE}/ok`);
}
