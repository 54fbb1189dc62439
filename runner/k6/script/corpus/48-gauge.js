// k6 docs Gauge: the last value added, with min and max; thresholds on value
import http from 'k6/http';
import { Gauge } from 'k6/metrics';

const queue = new Gauge('queue_depth');

export const options = {
  scenarios: { one: { executor: 'per-vu-iterations', vus: 1, iterations: 4 } },
  thresholds: { queue_depth: ['value==30', 'value>35'], 'queue_depth{kind:other}': ['value>0'] },
};

const depths = [10, 40, 20, 30];

export default function () {
  http.get(`${__ENV.BASE}/ok`);
  queue.add(depths[__ITER]);
}
