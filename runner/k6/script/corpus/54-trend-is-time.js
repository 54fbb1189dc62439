// k6 docs k6/metrics Trend(name, [isTime]): a trend of plain numbers, and one of durations
import http from 'k6/http';
import { Trend } from 'k6/metrics';

const cartSize = new Trend('cart_size');
const serverTime = new Trend('server_time', true);

export const options = { iterations: 3 };

export default function () {
  const res = http.get(`${__ENV.BASE}/crocodiles/1`);
  cartSize.add(__ITER + 2, { kind: 'cart' });
  serverTime.add(res.timings.waiting);
}
