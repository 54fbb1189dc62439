// The run-time side of a k6 script: one instance of the script per VU (k6 gives every VU its
// own JavaScript runtime, so module scope is per VU and survives iterations), each with its own
// ScriptContext — the VU it runs on, the phase, the k6 globals (__ENV, __VU, __ITER, open) — that
// the script's imports of k6 modules are bound to (`bind(ctx)` of a shim). A closure per
// instance, not AsyncLocalStorage: ALS's promise hooks would tax every promise of the engine
// thread, the engine's own included. And the sequential array helpers the transform rewrites
// `list.forEach(asyncFn)` into.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { VU } from '../../scenario/api.ts';
import { initEnv } from '../../scenario/init-env.ts';

/** What the shims need of a VU beyond the journey API (runner/engine/vu.ts VirtualUser). */
export interface ScriptVu extends VU {
  metric?(kind: 'trend' | 'counter' | 'rate' | 'gauge', name: string, value: number, tags?: Record<string, string>): void;
  /** the engine thread's index (0 in the main thread) */
  readonly threadIndex?: number;
  /** the next test-wide number of the VU's scenario, from one sequence shared by every engine thread */
  nextIterationInTest?(): number;
}

export type Phase = 'init' | 'setup' | 'vu' | 'teardown' | 'summary';

let scriptOptions: unknown;

/** Custom metrics the script declares (k6/metrics constructors), by name: thresholds on them are not "unknown metrics". */
export const declaredMetrics = new Set<string>();

/** Trends declared without isTime (k6: plain numbers, not durations): shown as numbers, not ms. */
export const untimedTrends = new Set<string>();

/** The script's `options` as it exported them (k6/execution test.options, scenario executors, maxRedirects). */
export function rawOptions(): unknown {
  return scriptOptions;
}

export class ScriptContext {
  /** null in the init context that reads `options` (k6's __VU 0) */
  readonly vu: ScriptVu | null;
  /** 'init': module scope is running (no requests allowed, as in k6); set before each call */
  phase: Phase = 'init';
  /** per-instance state of the shims (cookie jar, group path, ...) */
  readonly state: Record<string, unknown> = {};
  /** bound shim namespaces of this instance, by module */
  readonly modules = new Map<object, Record<string, unknown>>();

  constructor(vu: ScriptVu | null) {
    this.vu = vu;
  }

  /** The running VU; a k6-style error where k6 has none. */
  currentVu(what: string): ScriptVu {
    if (this.vu === null || this.phase === 'init') throw new Error(`${what}: not available in the init context (k6 allows it only in setup, VU code and teardown)`);
    return this.vu;
  }

  /** __ENV: the VU's env; in the init context that reads `options`, the env the script is loaded with */
  env(): Readonly<Record<string, string | undefined>> {
    return this.vu ? this.vu.env : initEnv();
  }

  vuId(): number {
    return this.vu && this.phase !== 'setup' && this.phase !== 'teardown' ? this.vu.idInTest : 0;
  }

  iter(): number {
    return this.vu && this.phase === 'vu' ? this.vu.iteration : 0;
  }

  /** k6 open(path, mode): relative to the script file that calls it, init context only. */
  open(dir: string, file: unknown, mode?: unknown): string | ArrayBuffer {
    if (this.phase !== 'init') throw new Error('open(): only available in the init context (k6 reads files once, at init)');
    if (typeof file !== 'string' || file === '') throw new Error('open(): expected a file path');
    const bytes = readFileSync(path.resolve(dir, file));
    if (mode === 'b') return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return bytes.toString('utf8');
  }
}

/** A shim module's namespace for this instance: its bind(ctx) when it has one (memoised), else the module itself. */
export function bound(mod: Record<string, unknown>, ctx: ScriptContext): Record<string, unknown> {
  const bind = mod.bind;
  if (typeof bind !== 'function') return mod;
  let ns = ctx.modules.get(mod);
  if (ns === undefined) {
    ns = (bind as (c: ScriptContext) => Record<string, unknown>)(ctx);
    ctx.modules.set(mod, ns);
  }
  return ns;
}

type Exports = Record<string, unknown>;
const INSTANCE = Symbol('stampede.k6.instance');
/** marks the exports of a k6 script (handleSummary is called only for those: k6's signature) */
export const K6_FUNCTION = Symbol.for('stampede.k6.function');

export function isK6Function(f: unknown): boolean {
  return typeof f === 'function' && (f as unknown as Record<symbol, unknown>)[K6_FUNCTION] === true;
}

/** A script's init function (its whole module scope, returning its exports). */
export interface Script {
  options: unknown;
  /** a wrapper with the native journey signature, or undefined when the export is no function */
  fn(name: string): ((vu: ScriptVu, data?: unknown) => unknown) | undefined;
}

interface Instance {
  exports: Exports;
  ctx: ScriptContext;
}

export function script(init: (ctx: ScriptContext) => Exports): Script {
  // k6 evaluates the init context once to read the options (__VU 0), then once per VU
  const first = init(new ScriptContext(null));
  scriptOptions = first.options;
  const instanceOf = (vu: ScriptVu): Instance => {
    const state = vu.state as Record<symbol, unknown>;
    let inst = state[INSTANCE] as Instance | undefined;
    if (inst === undefined) {
      const ctx = new ScriptContext(vu);
      inst = { exports: init(ctx), ctx };
      state[INSTANCE] = inst;
    }
    return inst;
  };
  return {
    options: first.options,
    fn(name) {
      if (typeof first[name] !== 'function') return undefined;
      const phase: Phase = name === 'setup' ? 'setup' : name === 'teardown' ? 'teardown' : name === 'handleSummary' ? 'summary' : 'vu';
      const w: (vu: ScriptVu, data?: unknown) => unknown = name === 'setup' ? (vu) => call(instanceOf(vu), name, phase, []) : (vu, data) => call(instanceOf(vu), name, phase, [data]);
      Object.defineProperty(w, K6_FUNCTION, { value: true });
      return w;
    },
  };
}

function call(inst: Instance, name: string, phase: Phase, args: unknown[]): unknown {
  const f = inst.exports[name] as (...a: unknown[]) => unknown;
  // one call at a time per VU (an iteration, setup or teardown): the phase holds until the next
  inst.ctx.phase = phase;
  // k6 empties the VU's cookie jar before every iteration unless options.noCookiesReset
  if (phase === 'vu' && (scriptOptions as { noCookiesReset?: unknown } | undefined)?.noCookiesReset !== true) delete inst.ctx.state.jar;
  return f(...args);
}

/**
 * The VU handleSummary() runs on: a script instance of its own (k6 runs it after the test, with
 * __VU 0), no requests, checks or sleeps.
 */
export function summaryVu(env: Record<string, string>): ScriptVu {
  const no = (what: string) => () => {
    throw new Error(`${what}: not available in handleSummary()`);
  };
  const refuse = no('http');
  return {
    id: 0,
    idInTest: 0,
    iteration: 0,
    scenario: '',
    env,
    state: {},
    http: { get: refuse, head: refuse, post: refuse, put: refuse, patch: refuse, del: refuse, request: refuse, expectedStatuses: refuse, setResponseCallback: refuse },
    check: no('check()'),
    sleep: no('sleep()'),
    group: no('group()'),
    tag: no('exec.vu.metrics.tags'),
  };
}

const SEQUENTIAL = Symbol.for('stampede.k6.sequential');

type Callback = (value: unknown, index: unknown, collection: unknown) => unknown;

/** Entries of what an array method was called on: arrays and array-likes by index; Map/Set as their forEach passes them. */
function entries(x: unknown): Array<[unknown, unknown]> {
  if (x instanceof Map) return [...x.entries()].map(([k, v]) => [v, k]);
  if (x instanceof Set) return [...x.values()].map((v) => [v, v]);
  const list = x as ArrayLike<unknown>;
  const out: Array<[unknown, unknown]> = [];
  for (let i = 0; i < list.length; i++) out.push([list[i], i]);
  return out;
}

/**
 * `list.method(asyncFn)` with k6's semantics (each callback runs to its end, in order, before
 * the next starts): what the transform puts where a callback makes blocking k6 calls.
 */
export async function each(method: string, target: unknown, cb: Callback, ...rest: unknown[]): Promise<unknown> {
  if (target === null || target === undefined) throw new TypeError(`Cannot read properties of ${String(target)} (reading '${method}')`);
  if (typeof cb !== 'function') throw new TypeError(`${method}: callback is not a function`);
  // a k6/html Selection has its own sequential each/map/filter (k6's callback arguments)
  const own = (target as Record<symbol, unknown>)[SEQUENTIAL];
  if (typeof own === 'function') return (own as (m: string, f: Callback) => Promise<unknown>).call(target, method, cb);
  if (method === 'each') throw new TypeError('each(): a callback that makes requests can be waited for only by a k6/html Selection\'s each()');
  const thisArg = rest[0];
  const items = entries(target);
  const run = (v: unknown, i: unknown) => cb.call(thisArg, v, i, target);
  switch (method) {
    case 'forEach':
      for (const [v, i] of items) await run(v, i);
      return undefined;
    case 'map': {
      const out: unknown[] = [];
      for (const [v, i] of items) out.push(await run(v, i));
      return out;
    }
    case 'flatMap': {
      const out: unknown[] = [];
      for (const [v, i] of items) {
        const r = await run(v, i);
        if (Array.isArray(r)) out.push(...(r as unknown[]));
        else out.push(r);
      }
      return out;
    }
    case 'filter': {
      const out: unknown[] = [];
      for (const [v, i] of items) if (await run(v, i)) out.push(v);
      return out;
    }
    case 'some':
      for (const [v, i] of items) if (await run(v, i)) return true;
      return false;
    case 'every':
      for (const [v, i] of items) if (!(await run(v, i))) return false;
      return true;
    case 'find':
      for (const [v, i] of items) if (await run(v, i)) return v;
      return undefined;
    case 'findIndex':
      for (const [v, i] of items) if (await run(v, i)) return i;
      return -1;
    case 'reduce':
    case 'reduceRight': {
      const list = method === 'reduce' ? items : [...items].reverse();
      let k = 0;
      let acc: unknown;
      if (rest.length > 0) acc = rest[0];
      else {
        if (list.length === 0) throw new TypeError('Reduce of empty array with no initial value');
        acc = list[0]?.[0];
        k = 1;
      }
      const reducer = cb as unknown as (a: unknown, v: unknown, i: unknown, c: unknown) => unknown;
      for (; k < list.length; k++) {
        const [v, i] = list[k] as [unknown, unknown];
        acc = await reducer(acc, v, i, target);
      }
      return acc;
    }
    default:
      throw new Error(`internal: no sequential form of ${method}`);
  }
}
