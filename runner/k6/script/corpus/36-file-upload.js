// k6 docs "Multipart requests": http.file in a form body
import http from 'k6/http';
import { check } from 'k6';

const text = open('./data/crocs.csv');

export const options = { iterations: 1 };

export default function () {
  const data = { field: 'this is a standard form field', file: http.file(text, 'crocs.csv', 'text/csv') };
  const r = http.post(`${__ENV.BASE}/echo`, data);
  check(r, {
    'multipart': (x) => x.json('headers.content-type').startsWith('multipart/form-data; boundary='),
    'file in body': (x) => x.json('body').includes('filename="crocs.csv"') && x.json('body').includes('1,Bert'),
    'field in body': (x) => x.json('body').includes('this is a standard form field'),
  });
}
