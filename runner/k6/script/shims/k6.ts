// `k6`: check, group, sleep, fail, randomSeed with k6's semantics on the native VU.
import type { ScriptContext } from '../runtime.ts';

type CheckSet = Record<string, unknown>;

/**
 * k6 check(): each named check is a function of the value (or a plain value, its truthiness);
 * every result is recorded into `checks`; returns true when all passed. A check function that
 * throws throws out of check() (k6 does not catch it). Where a check function makes requests,
 * the transform awaits check(), and the results are recorded once every function has finished.
 */
function check(ctx: ScriptContext, value: unknown, sets: CheckSet, tags?: Record<string, string>): boolean | Promise<boolean> {
  const vu = ctx.currentVu('check()');
  const names = Object.keys(sets ?? {});
  const results = names.map((name) => {
    const c = sets[name];
    return typeof c === 'function' ? (c as (v: unknown) => unknown)(value) : c;
  });
  const record = (values: unknown[]): boolean => {
    let all = true;
    names.forEach((name, i) => {
      const ok = Boolean(values[i]);
      all &&= ok;
      vu.check(null, { [name]: () => ok }, tags);
    });
    return all;
  };
  if (results.some((r) => r !== null && typeof r === 'object' && typeof (r as { then?: unknown }).then === 'function')) return Promise.all(results).then(record);
  return record(results);
}

/**
 * k6 group(): the group's name tags everything inside; returns what fn returns; its time goes
 * into group_duration, tagged with the group's own path (as k6).
 */
async function group<T>(ctx: ScriptContext, name: string, fn: () => T | Promise<T>): Promise<T> {
  if (typeof name !== 'string' || name === '') throw new Error('group(): expected a group name');
  if (name.includes('::')) throw new Error(`group(): the name ${JSON.stringify(name)} contains '::' (k6 forbids it)`);
  const vu = ctx.currentVu('group()');
  const state = ctx.state;
  const outer = typeof state.groupPath === 'string' ? state.groupPath : '';
  const path = `${outer}::${name}`;
  state.groupPath = path;
  const start = performance.now();
  try {
    return await vu.group(name, fn);
  } finally {
    state.groupPath = outer;
    vu.metric?.('trend', 'group_duration', performance.now() - start, { group: path });
  }
}

function sleep(ctx: ScriptContext, seconds: number): Promise<void> {
  return ctx.currentVu('sleep()').sleep(Number(seconds));
}

/** k6 fail(): ends the iteration with an error. */
export function fail(message?: string): never {
  throw new Error(message ?? 'fail() called');
}

/**
 * k6 randomSeed(): Math.random becomes a seeded generator (mulberry32). Math.random is one per
 * engine thread here (k6: one per VU, each VU its own runtime), so the seed is mixed with the
 * thread's index: thread 0 runs the sequence of `seed` itself, thread i that of
 * `(seed + i × 0x9e3779b9) mod 2³²` — reproducible run to run, distinct per thread (with
 * --threads 2 the two threads no longer draw the same numbers). Called at init, where there is
 * no VU yet (the load that reads options), it seeds thread 0's sequence; each VU's own init
 * seeds again with its thread.
 */
export function randomSeed(ctx: ScriptContext | null, seed: number): void {
  const thread = ctx?.vu?.threadIndex ?? 0;
  let a = (Math.floor(Number(seed)) + Math.imul(thread, 0x9e3779b9)) >>> 0;
  Math.random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The module as one script instance sees it. */
export function bind(ctx: ScriptContext): Record<string, unknown> {
  const ns = {
    check: (value: unknown, sets: CheckSet, tags?: Record<string, string>) => check(ctx, value, sets, tags),
    group: <T>(name: string, fn: () => T | Promise<T>) => group(ctx, name, fn),
    sleep: (seconds: number) => sleep(ctx, seconds),
    fail,
    randomSeed: (seed: number) => randomSeed(ctx, seed),
  };
  return { ...ns, default: ns };
}
