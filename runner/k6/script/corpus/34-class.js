// a class whose methods make requests
import http from 'k6/http';
import { check } from 'k6';

class CrocClient {
  constructor(base) {
    this.base = base;
  }
  get(id) {
    return http.get(`${this.base}/crocodiles/${id}`);
  }
  names(ids) {
    const out = [];
    for (const id of ids) out.push(this.get(id).json('name'));
    return out;
  }
}

export const options = { iterations: 2 };

export default function () {
  const c = new CrocClient(__ENV.BASE);
  check(c.names([1, 2]), { 'class methods': (n) => n.join() === 'croc-1,croc-2' });
}
