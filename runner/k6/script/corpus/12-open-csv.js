// k6 docs open(): a CSV file read at init and parsed by hand
import http from 'k6/http';
import { check } from 'k6';

const rows = open('./data/crocs.csv').trim().split('\n').slice(1).map((l) => l.split(','));

export const options = { iterations: 2 };

export default function () {
  const [id, name] = rows[__ITER % rows.length];
  const r = http.get(`${__ENV.BASE}/crocodiles/${id}`);
  check(r, { 'croc from csv': (x) => x.json('id') === Number(id) && name.length > 0 });
}
