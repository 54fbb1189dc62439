// the syntax forms a transform must get right: expression-bodied arrows, IIFEs, template
// literals, for...of over batch, Object.keys().forEach, spread of map, switch, labels,
// default exports written as async functions with asyncRequest, nested declarations
import http from 'k6/http';
import { check, group } from 'k6';

const B = () => __ENV.BASE;
const get = (id) => http.get(`${B()}/crocodiles/${id}`);

export const options = { iterations: 1 };

export default async function () {
  const viaAsync = await http.asyncRequest('GET', `${B()}/crocodiles/1`);
  const label = `${get(2).json('name')}/${(() => get(3).json('id'))()}`;
  let total = 0;
  for (const r of http.batch([`${B()}/ok`, `${B()}/ok`])) total += r.status;
  const byKey = {};
  Object.keys({ a: 1, b: 2 }).forEach((k, i) => {
    byKey[k] = get(i + 1).json('id');
  });
  const names = [...[1, 2].map((id) => get(id).json('name'))];
  let kind;
  switch (get(1).status) {
    case 200:
      kind = 'ok';
      break;
    default:
      kind = 'bad';
  }
  outer: for (const i of [1, 2, 3]) {
    if (hit(i) === 3) break outer;
  }
  function hit(i) {
    return get(i).json('id');
  }
  const fromGroup = group('g', () => [1].map((id) => get(id).status)[0]);
  check(null, {
    'asyncRequest awaited by the script': () => viaAsync.status === 200,
    'template': () => label === 'croc-2/3',
    'batch in for-of': () => total === 400,
    'keys forEach': () => byKey.a === 1 && byKey.b === 2,
    'spread map': () => names.join() === 'croc-1,croc-2',
    'switch': () => kind === 'ok',
    'group map': () => fromGroup === 200,
  });
}
