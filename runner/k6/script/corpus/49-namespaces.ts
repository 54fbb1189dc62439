// namespace imports (`import * as`) of k6 modules, and a local TypeScript module
import * as k6 from 'k6';
import * as http from 'k6/http';
import { csvLines, getJson, type Croc } from './lib/client.ts';

export const options = { iterations: 2 };

export default function (): void {
  const crocs = getJson<Croc[]>(`${__ENV.BASE}/crocodiles`);
  const one = k6.group('one', () => http.get(`${__ENV.BASE}/crocodiles/${crocs[1]!.id}`));
  k6.check(one, { 'namespaced calls': (r) => r.json('name') === 'croc-2' && crocs.length === 3, 'open() relative to the module': () => csvLines === 3 });
  k6.sleep(0.01);
}
