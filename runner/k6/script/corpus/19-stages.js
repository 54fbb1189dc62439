// k6 docs "stages" shortcut (ramping-vus)
import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  stages: [
    { duration: '500ms', target: 2 },
    { duration: '500ms', target: 0 },
  ],
};

export default function () {
  http.get(`${__ENV.BASE}/ok`);
  http.get(`${__ENV.BASE}/json`);
  sleep(0.05);
}
