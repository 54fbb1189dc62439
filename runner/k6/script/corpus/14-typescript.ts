// k6 runs TypeScript (k6 ≥ 0.52): types are stripped
import http, { RefinedResponse, ResponseType } from 'k6/http';
import { check, sleep } from 'k6';
import { Options } from 'k6/options';

interface Croc {
  id: number;
  name: string;
}

export const options: Options = { vus: 1, iterations: 3 };

function fetchCroc(id: number): Croc {
  const r: RefinedResponse<ResponseType> = http.get(`${__ENV.BASE}/crocodiles/${id}`);
  return r.json() as unknown as Croc;
}

export default function (): void {
  const c = fetchCroc(__ITER + 1);
  check(c, { 'typed croc': (x: Croc) => x.id === __ITER + 1 });
  sleep(0.01);
}
