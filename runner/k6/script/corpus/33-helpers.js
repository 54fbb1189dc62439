// helper chains: functions, arrow functions and object methods that reach k6 calls
import http from 'k6/http';
import { check, sleep } from 'k6';

export const options = { iterations: 2 };

const base = () => __ENV.BASE;
const fetchJson = (path) => http.get(`${base()}${path}`).json();
function think() {
  sleep(0.01);
}
const client = {
  croc(id) {
    const c = fetchJson(`/crocodiles/${id}`);
    think();
    return c;
  },
};

function journey() {
  const a = client.croc(1);
  const b = client.croc(2);
  return [a, b];
}

export default function () {
  const [a, b] = journey();
  check([a, b], { 'both crocs': () => a.id === 1 && b.id === 2 });
}
