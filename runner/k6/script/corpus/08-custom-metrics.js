// k6 docs "Create custom metrics": Trend, Counter, Rate, with thresholds on them
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';

const waiting = new Trend('waiting_time', true);
const crocs = new Counter('crocodiles_seen');
const bigCroc = new Rate('big_croc');

export const options = {
  iterations: 4,
  thresholds: {
    waiting_time: ['max<60000'],
    crocodiles_seen: ['count==12'],
    big_croc: ['rate>0.5'],
    'crocodiles_seen{kind:list}': ['count>100'],
  },
};

export default function () {
  const r = http.get(`${__ENV.BASE}/crocodiles`);
  waiting.add(r.timings.waiting);
  crocs.add(r.json().length, { kind: 'list' });
  bigCroc.add(__ITER % 4 === 0);
}
