// `k6/data` SharedArray: built once per engine thread by name (k6: once per test, shared
// read-only by every VU), frozen so that VU code cannot change it.
const arrays = new Map<string, readonly unknown[]>();

function deepFreeze<T>(v: T): T {
  if (v !== null && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v as Record<string, unknown>)) deepFreeze(x);
  }
  return v;
}

export class SharedArray {
  constructor(name: string, fn: () => unknown[]) {
    if (typeof name !== 'string' || name === '') throw new Error('new SharedArray(): the first argument is its name');
    if (typeof fn !== 'function') throw new Error(`new SharedArray(${JSON.stringify(name)}): the second argument is a function returning an array`);
    let data = arrays.get(name);
    if (data === undefined) {
      const made = fn();
      if (!Array.isArray(made)) throw new Error(`new SharedArray(${JSON.stringify(name)}): the function must return an array, got ${typeof made}`);
      data = deepFreeze(JSON.parse(JSON.stringify(made)) as unknown[]);
      arrays.set(name, data);
    }
    // k6's SharedArray is array-like (length, index, iteration, array methods): the frozen array itself
    return data as unknown as SharedArray;
  }
}

export default { SharedArray };
