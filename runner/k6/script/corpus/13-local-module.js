// a script that imports helpers from a local module
import { getCroc, api } from './lib/api.js';
import { check } from 'k6';

export const options = { iterations: 3 };

export default function () {
  const all = api.list(__ENV.BASE);
  const c = getCroc(__ENV.BASE, all[0].id);
  check(c, { 'helpers returned values': (x) => x.name === 'croc-1' });
}
