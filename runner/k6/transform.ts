// Rewrites one journey (or setup/teardown/helper) function from Stampede's VU API to k6's API.
// Input: the function's source as Function.prototype.toString() gives it (tsx has stripped the
// types). The rewrite works on tokens (strings, templates, comments and regexes are never
// touched) and knows a closed list of constructs; anything else is a Refusal naming the
// construct, never dropped. Supported: see README.md in this folder.
import { matching, nextSig, prevSig, splitArgs, tokenize, TokenizeError, type Token } from './tokenize.ts';

export type FunctionKind = 'journey' | 'setup' | 'teardown' | 'helper';

export interface Refusal {
  construct: string;
  message: string;
  /** a regular expression (source) that finds the construct in the scenario's own source, for its line */
  find?: string;
}

/** What the rewritten code needs from the script's prelude. */
export type Need = 'http' | 'check' | 'sleep' | 'group' | 'exec' | 'state' | 'tag' | 'params' | 'body' | 'send' | 'timers';

/** What the exporter knows about the script's other top-level functions while rewriting one of them. */
export interface CallContext {
  /** for each top-level function: the parameter positions that receive the VU (possibly none) */
  fns: ReadonlyMap<string, ReadonlySet<number>>;
  /** top-level functions that are synchronous once rewritten: `await f()` drops its `await` */
  syncFns: ReadonlySet<string>;
}

/** A VU (or setup/teardown context) passed as argument `index` to the top-level function `callee`. */
export interface VuArgument {
  callee: string;
  index: number;
}

const NO_CALLS: CallContext = { fns: new Map(), syncFns: new Set() };

export interface TransformedFunction {
  params: string[];
  body: string;
  async: boolean;
  needs: Set<Need>;
  /** identifiers the code refers to but does not declare (module variables, imports, unknown globals) */
  free: Set<string>;
  refusals: Refusal[];
  /** where the VU is handed to another top-level function (the exporter then rewrites that function's parameter too) */
  vuArgs: VuArgument[];
}

const HTTP_METHODS: Record<string, { k6: string; shape: 'url' | 'body' | 'request' }> = {
  get: { k6: 'get', shape: 'url' },
  head: { k6: 'head', shape: 'url' },
  post: { k6: 'post', shape: 'body' },
  put: { k6: 'put', shape: 'body' },
  patch: { k6: 'patch', shape: 'body' },
  del: { k6: 'del', shape: 'body' },
  request: { k6: 'request', shape: 'request' },
};

const VU_MEMBERS: Record<string, { k6: string; need?: Need }> = {
  env: { k6: '__ENV' },
  id: { k6: '__VU' },
  iteration: { k6: '__ITER' },
  idInTest: { k6: 'exec.vu.idInTest', need: 'exec' },
  scenario: { k6: 'exec.scenario.name', need: 'exec' },
  state: { k6: '__vuState', need: 'state' },
};

/** Globals a k6 script has (goja, ES2015+ with k6's additions). Anything else free is refused. */
export const K6_GLOBALS = new Set([
  'Math', 'JSON', 'Date', 'String', 'Number', 'Boolean', 'Object', 'Array', 'Error', 'TypeError', 'RangeError', 'SyntaxError', 'RegExp', 'Map', 'Set',
  'WeakMap', 'WeakSet', 'Promise', 'Symbol', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI',
  'decodeURI', 'console', 'undefined', 'NaN', 'Infinity', 'globalThis', 'ArrayBuffer', 'Uint8Array', 'Int8Array', 'Uint16Array', 'Int16Array',
  'Uint32Array', 'Int32Array', 'Float32Array', 'Float64Array', 'DataView', 'BigInt', 'Reflect', 'Proxy', 'arguments', '__ENV', '__VU', '__ITER',
]);

const KEYWORDS = new Set([
  'async', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'export', 'extends', 'false',
  'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'let', 'new', 'null', 'of', 'return', 'super', 'switch', 'this', 'throw', 'true',
  'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'static', 'get', 'set',
]);

/** k6's timers (`k6/timers`, imported when used). */
export const K6_TIMERS = new Set(['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval']);

/** Names the rewrite introduces (declared by the script's prelude). */
const GENERATED = new Set(['http', 'check', 'sleep', 'group', 'exec', '__vuState', '__k6Params', '__k6Body', '__k6Tag', '__k6Send']);

/**
 * Rewrites one function. Journeys, setup and teardown receive the VU (or the lifecycle context)
 * as their first parameter; a helper receives it at `vuParams` (positions found at its call
 * sites). VU parameters are dropped from the k6 function, and so are VU arguments at calls to
 * helpers that take them (`calls.fns`).
 */
export function transformFunction(source: string, kind: FunctionKind, where: string, vuParams: ReadonlySet<number> = new Set(kind === 'helper' ? [] : [0]), calls: CallContext = NO_CALLS): TransformedFunction {
  const refusals: Refusal[] = [];
  const needs = new Set<Need>();
  const empty = (message: string): TransformedFunction => ({ params: [], body: '', async: false, needs, free: new Set(), refusals: [{ construct: where, message }], vuArgs: [] });
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    return empty(`cannot read its source (${e instanceof TokenizeError ? e.message : String(e)})`);
  }
  if (/\{\s*\[native code\]\s*\}\s*$/.test(source)) return empty('a native or bound function has no source to export');
  const head = parseHead(tokens);
  if (!head) return empty('not a function, arrow function or method the exporter can read');

  const paramTexts = head.params.map(([a, b]) => tokens.slice(a, b).map((t) => t.text).join('').trim());
  const vuNames = new Set<string>();
  const kept: Array<[number, number]> = [];
  head.params.forEach((range, i) => {
    const text = paramTexts[i] ?? '';
    if (!vuParams.has(i)) {
      kept.push(range);
      return;
    }
    if (!/^[A-Za-z_$][\w$]*$/.test(text)) {
      refusals.push({ construct: `${where}: parameter ${text}`, message: 'the VU parameter must be a plain name (destructuring it or giving it a default hides which VU features are used)' });
    } else vuNames.add(text);
  });
  if (kind === 'setup' && kept.length > 0) refusals.push({ construct: `${where}: parameter ${kept.map(([a, b]) => tokens.slice(a, b).map((t) => t.text).join('').trim()).join(', ')}`, message: 'setup() takes only the context' });

  const out = new Rewriter(tokens, vuNames, refusals, needs, where, calls);
  // parameters are rewritten too: a default such as `env = process.env` becomes `env = __ENV`
  const params = kept.map(([a, b]) => out.emit(a, b).trim());
  let body = head.exprBody ? `return ${out.emit(head.bodyFrom, head.bodyTo).trim()};` : out.emit(head.bodyFrom, head.bodyTo);
  body = dropNeedlessAsync(body);
  const bodyTokens = tokenize(body);
  const isAsync = head.async && bodyTokens.some((t) => t.type === 'ident' && t.text === 'await');
  const paramTokens = tokenize(params.join(', '));
  const known = new Set([...params.flatMap(bindingNames), ...GENERATED, ...vuNames]);
  const free = freeIdentifiers([...paramTokens, { type: 'punct', text: ';', start: 0 }, ...bodyTokens], known);
  return { params, body, async: isAsync, needs, free, refusals, vuArgs: out.vuArgs };
}

export interface TransformedStatement {
  text: string;
  needs: Set<Need>;
  free: Set<string>;
  refusals: Refusal[];
  vuArgs: VuArgument[];
}

/** Rewrites a top-level statement that is not a function (a constant the functions use): no VU there, but `process.env` and the rest apply. */
export function transformStatement(source: string, where: string, calls: CallContext = NO_CALLS): TransformedStatement {
  const refusals: Refusal[] = [];
  const needs = new Set<Need>();
  let tokens: Token[];
  try {
    tokens = tokenize(source);
  } catch (e) {
    return { text: '', needs, free: new Set(), refusals: [{ construct: where, message: `cannot read its source (${e instanceof TokenizeError ? e.message : String(e)})` }], vuArgs: [] };
  }
  const out = new Rewriter(tokens, new Set(), refusals, needs, where, calls);
  const text = out.emit(0, tokens.length);
  return { text, needs, free: freeIdentifiers(tokenize(text), new Set(GENERATED)), refusals, vuArgs: out.vuArgs };
}

interface Head {
  async: boolean;
  params: Array<[number, number]>;
  bodyFrom: number;
  bodyTo: number;
  exprBody: boolean;
}

function parseHead(tokens: Token[]): Head | null {
  let i = nextSig(tokens, 0);
  let isAsync = false;
  if (tokens[i]?.text === 'async') {
    isAsync = true;
    i = nextSig(tokens, i + 1);
  }
  let open: number;
  if (tokens[i]?.text === 'function') {
    i = nextSig(tokens, i + 1);
    if (tokens[i]?.text === '*') return null;
    if (tokens[i]?.type === 'ident') i = nextSig(tokens, i + 1);
    open = i;
  } else if (tokens[i]?.type === 'ident' && tokens[nextSig(tokens, i + 1)]?.text === '=>') {
    const arrow = nextSig(tokens, i + 1);
    return bodyAfter(tokens, [[i, i + 1]], nextSig(tokens, arrow + 1), isAsync);
  } else if (tokens[i]?.type === 'ident' && tokens[nextSig(tokens, i + 1)]?.text === '(') {
    open = nextSig(tokens, i + 1); // method shorthand: name(vu) { ... }
  } else open = i;
  if (tokens[open]?.text !== '(') return null;
  const close = matching(tokens, open);
  if (close < 0) return null;
  const params = splitArgs(tokens, open, close);
  let j = nextSig(tokens, close + 1);
  if (tokens[j]?.text === '=>') j = nextSig(tokens, j + 1);
  return bodyAfter(tokens, params, j, isAsync);
}

function bodyAfter(tokens: Token[], params: Array<[number, number]>, j: number, isAsync: boolean): Head | null {
  if (tokens[j]?.text === '{') {
    const end = matching(tokens, j);
    if (end < 0) return null;
    return { async: isAsync, params, bodyFrom: j + 1, bodyTo: end, exprBody: false };
  }
  return { async: isAsync, params, bodyFrom: j, bodyTo: tokens.length, exprBody: true };
}

class Rewriter {
  readonly vuArgs: VuArgument[] = [];
  constructor(
    private readonly t: Token[],
    private readonly vus: ReadonlySet<string>,
    private readonly refusals: Refusal[],
    private readonly needs: Set<Need>,
    private readonly where: string,
    private readonly calls: CallContext,
  ) {}

  private text(from: number, to: number): string {
    return this.t.slice(from, to).map((x) => x.text).join('');
  }

  private isVu(k: number): boolean {
    const tok = this.t[k];
    if (tok?.type !== 'ident' || !this.vus.has(tok.text)) return false;
    const p = this.t[prevSig(this.t, k)];
    return !(p && (p.text === '.' || p.text === '?.'));
  }

  /** An identifier at k that names a top-level function (not a property access or an object key). */
  private topLevelFn(k: number): string | null {
    const tok = this.t[k];
    if (tok?.type !== 'ident' || !this.calls.fns.has(tok.text)) return null;
    const p = this.t[prevSig(this.t, k)];
    if (p && (p.text === '.' || p.text === '?.')) return null;
    const n = this.t[nextSig(this.t, k + 1)];
    if (n?.text === ':' && p && (p.text === '{' || p.text === ',')) return null;
    return tok.text;
  }

  /** `f(a, vu, b)` where f is a top-level function: VU arguments are recorded, and dropped where f's parameter is a VU one. */
  private rewriteCall(name: string, k: number): { text: string; next: number } {
    const open = nextSig(this.t, k + 1);
    const close = matching(this.t, open);
    if (close < 0) return { text: name, next: k + 1 };
    const vuAt = this.calls.fns.get(name) ?? new Set<number>();
    const args: string[] = [];
    splitArgs(this.t, open, close).forEach(([a, b], index) => {
      const first = nextSig(this.t, a);
      const single = this.isVu(first) && nextSig(this.t, first + 1) >= b;
      if (single) this.vuArgs.push({ callee: name, index });
      if (vuAt.has(index)) {
        if (!single) {
          const text = this.text(a, b).trim();
          const lead = (this.t[first]?.text ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          this.refuse(`${name}(…${text}…)`, `${name}() receives the VU at parameter ${index + 1} elsewhere, but something else here; pass the VU itself, or use a separate function`, `\\b${name}\\s*\\((?:[^()]*,)?\\s*${lead}`);
        }
        return;
      }
      args.push(this.emit(a, b).trim());
    });
    return { text: `${name}(${args.join(', ')})`, next: close + 1 };
  }

  /** `await new Promise((r) => setTimeout(r, ms))` — the usual sleep — at k (the `await`): its end and the delay's range. */
  private sleepIdiom(k: number): { next: number; delay: [number, number] } | null {
    const seq = (from: number, texts: string[]): number | null => {
      let i = from;
      for (const x of texts) {
        i = nextSig(this.t, i);
        if (this.t[i]?.text !== x) return null;
        i++;
      }
      return i;
    };
    const afterNew = seq(k + 1, ['new', 'Promise', '(']);
    if (afterNew === null) return null;
    const promiseOpen = afterNew - 1;
    const promiseClose = matching(this.t, promiseOpen);
    let i = nextSig(this.t, afterNew);
    let resolve: string | undefined;
    if (this.t[i]?.text === '(') {
      resolve = this.t[nextSig(this.t, i + 1)]?.text;
      const c = seq(nextSig(this.t, i + 1) + 1, [')']);
      if (c === null) return null;
      i = c;
    } else {
      resolve = this.t[i]?.text;
      i++;
    }
    if (!resolve || !/^[A-Za-z_$][\w$]*$/.test(resolve)) return null;
    const afterArrow = seq(i, ['=>', 'setTimeout', '(', resolve, ',']);
    if (afterArrow === null) return null;
    const timeoutOpen = prevSig(this.t, prevSig(this.t, prevSig(this.t, afterArrow)));
    const timeoutClose = matching(this.t, timeoutOpen);
    if (timeoutClose < 0 || nextSig(this.t, timeoutClose + 1) !== promiseClose) return null;
    return { next: promiseClose + 1, delay: [afterArrow, timeoutClose] };
  }

  /** Emits tokens [from, to) with every known VU construct rewritten. */
  emit(from: number, to: number): string {
    let out = '';
    for (let k = from; k < to; k++) {
      const tok = this.t[k];
      if (!tok) break;
      // tsx's keepNames wrapper: __name(fn, "name") → fn
      if (tok.type === 'ident' && tok.text === '__name' && this.t[nextSig(this.t, k + 1)]?.text === '(') {
        const open = nextSig(this.t, k + 1);
        const close = matching(this.t, open);
        const args = splitArgs(this.t, open, close);
        if (close > 0 && args[0]) {
          out += this.emit(args[0][0], args[0][1]).trim();
          k = close;
          continue;
        }
      }
      // await before a call that is synchronous in k6: dropped
      if (tok.type === 'ident' && tok.text === 'await') {
        const idiom = this.sleepIdiom(k);
        if (idiom) {
          this.needs.add('sleep');
          out += `sleep((${this.emit(idiom.delay[0], idiom.delay[1]).trim()}) / 1000)`;
          k = idiom.next - 1;
          continue;
        }
        const n = nextSig(this.t, k + 1);
        const callee = this.topLevelFn(n);
        if (callee && this.calls.syncFns.has(callee) && this.t[nextSig(this.t, n + 1)]?.text === '(') {
          k = n - 1;
          continue;
        }
        if (this.isVu(n) && this.t[nextSig(this.t, n + 1)]?.text === '.') {
          const member = this.t[nextSig(this.t, nextSig(this.t, n + 1) + 1)]?.text;
          if (member === 'http' || member === 'sleep' || member === 'group') {
            k = n - 1;
            continue;
          }
        }
      }
      if (this.isVu(k)) {
        const r = this.rewriteVu(k, to);
        out += r.text;
        k = r.next - 1;
        continue;
      }
      // initEnv() (runner/scenario/init-env.ts: the env the scenario is loaded with) is k6's
      // init-context __ENV
      if (tok.type === 'ident' && tok.text === 'initEnv' && this.t[prevSig(this.t, k)]?.text !== '.') {
        const open = nextSig(this.t, k + 1);
        const close = nextSig(this.t, open + 1);
        if (this.t[open]?.text === '(' && this.t[close]?.text === ')') {
          out += '__ENV';
          k = close;
          continue;
        }
      }
      const fn = this.topLevelFn(k);
      if (fn) {
        if (this.t[nextSig(this.t, k + 1)]?.text === '(') {
          const r = this.rewriteCall(fn, k);
          out += r.text;
          k = r.next - 1;
          continue;
        }
        if ((this.calls.fns.get(fn)?.size ?? 0) > 0) {
          this.refuse(`${fn} (as a value)`, `${fn}() takes the VU; the exporter rewrites direct calls of it only`, `\\b${fn}\\b(?!\\s*\\()`);
        }
      }
      // a scenario reading the process environment reads k6's __ENV
      if (tok.type === 'ident' && tok.text === 'process' && this.t[prevSig(this.t, k)]?.text !== '.') {
        const dot = nextSig(this.t, k + 1);
        const env = nextSig(this.t, dot + 1);
        if (this.t[dot]?.text === '.' && this.t[env]?.text === 'env') {
          out += '__ENV';
          k = env;
          continue;
        }
      }
      if (tok.type === 'ident' && tok.text === 'headers') this.checkHeaderAccess(k);
      if (tok.type === 'ident' && tok.text === 'latency' && this.t[prevSig(this.t, k)]?.text === '.' && this.t[prevSig(this.t, prevSig(this.t, k))]?.text === 'timings') {
        this.refuse('.timings.latency', 'k6 responses have no latency from the intended start (k6 has no coordinated-omission-corrected latency)');
      }
      // the same phase, k6's name
      if (tok.type === 'ident' && tok.text === 'tlsHandshaking' && this.t[prevSig(this.t, k)]?.text === '.' && this.t[prevSig(this.t, prevSig(this.t, k))]?.text === 'timings') {
        out += 'tls_handshaking';
        continue;
      }
      out += tok.text;
    }
    return out;
  }

  private refuse(construct: string, message: string, find?: string): void {
    this.refusals.push(find === undefined ? { construct, message } : { construct, message, find });
  }

  private checkHeaderAccess(k: number): void {
    const p = this.t[prevSig(this.t, k)];
    if (!p || (p.text !== '.' && p.text !== '?.')) return;
    const n = nextSig(this.t, k + 1);
    let name: string | undefined;
    if (this.t[n]?.text === '[' && this.t[nextSig(this.t, n + 1)]?.type === 'string') name = this.t[nextSig(this.t, n + 1)]?.text.slice(1, -1);
    else if (this.t[n]?.text === '.' || this.t[n]?.text === '?.') name = this.t[nextSig(this.t, n + 1)]?.text;
    if (name !== undefined && /^[a-z]/.test(name) && name.includes('-')) {
      this.refuse(`.headers[${JSON.stringify(name)}]`, `Stampede lower-cases response header names, k6 canonicalises them ("${name.replace(/(^|-)([a-z])/g, (_m, a: string, b: string) => a + b.toUpperCase())}"): write the canonical name in the scenario`, `headers\\s*(\\[\\s*['"\\x60]|\\??\\.\\s*)${name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}`);
    }
  }

  /** `vu.<member>...` at k → its k6 form and the index after what was consumed. */
  private rewriteVu(k: number, to: number): { text: string; next: number } {
    const vu = this.t[k]?.text ?? '';
    const dot = nextSig(this.t, k + 1);
    if (this.t[dot]?.text !== '.') {
      // found in the source by the two tokens before it (`go(vu`, `= vu`, `return vu`)
      const p1 = prevSig(this.t, k);
      const p2 = prevSig(this.t, p1);
      const before = [this.t[p2]?.text, this.t[p1]?.text].filter((x): x is string => x !== undefined).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      this.refuse(`${vu} (the VU object itself)`, `using the VU object as a value is not translatable (it can be passed as an argument to a function of the scenario or its local modules, which is rewritten too); call ${vu}.http/${vu}.check/... instead`, `${before.join('\\s*')}\\s*${vu}\\b`);
      return { text: vu, next: k + 1 };
    }
    const m = nextSig(this.t, dot + 1);
    const member = this.t[m]?.text ?? '';
    const after = nextSig(this.t, m + 1);
    if (member === 'http') {
      const dot2 = after;
      const meth = nextSig(this.t, dot2 + 1);
      const name = this.t[meth]?.text ?? '';
      const open = nextSig(this.t, meth + 1);
      const spec = Object.hasOwn(HTTP_METHODS, name) ? HTTP_METHODS[name] : undefined;
      if (this.t[dot2]?.text !== '.' || !spec || this.t[open]?.text !== '(') {
        this.refuse(`${vu}.http${this.t[dot2]?.text === '.' ? `.${name}` : ''}`, 'only direct calls vu.http.get/head/post/put/patch/del/request(...) are translated');
        return { text: this.text(k, m + 1), next: m + 1 };
      }
      const close = matching(this.t, open);
      if (close < 0 || close > to) {
        this.refuse(`${vu}.http.${name}(`, 'unbalanced parentheses');
        return { text: '', next: to };
      }
      const args = splitArgs(this.t, open, close).map(([a, b]) => ({ text: this.emit(a, b).trim(), pure: this.pure(a, b) }));
      this.needs.add('http');
      return { text: this.httpCall(spec, args), next: close + 1 };
    }
    if (member === 'check' || member === 'sleep' || member === 'group') {
      this.needs.add(member);
      return { text: member, next: m + 1 };
    }
    if (member === 'tag') {
      this.needs.add('tag');
      this.needs.add('exec');
      return { text: '__k6Tag', next: m + 1 };
    }
    const mapped = Object.hasOwn(VU_MEMBERS, member) ? VU_MEMBERS[member] : undefined;
    if (mapped) {
      if (mapped.need) this.needs.add(mapped.need);
      return { text: mapped.k6, next: m + 1 };
    }
    this.refuse(`${vu}.${member}`, `not part of the VU API the exporter translates (http, check, sleep, group, env, id, idInTest, iteration, scenario, state, tag)`);
    return { text: this.text(k, m + 1), next: m + 1 };
  }

  /** A side-effect-free argument can be evaluated twice (body and params). */
  private pure(a: number, b: number): boolean {
    for (let k = a; k < b; k++) {
      const x = this.t[k];
      if (x && x.type === 'punct' && ['(', '=', '++', '--', '+=', '-=', '??='].includes(x.text)) return false;
      if (x && x.type === 'ident' && (x.text === 'await' || x.text === 'new' || x.text === 'yield')) return false;
    }
    return true;
  }

  private httpCall(spec: { k6: string; shape: 'url' | 'body' | 'request' }, args: Array<{ text: string; pure: boolean }>): string {
    const a = args.map((x) => x.text);
    if (spec.shape === 'url') {
      const [url = 'undefined', params] = a;
      if (params === undefined) return `http.${spec.k6}(${url})`;
      this.needs.add('params');
      return `http.${spec.k6}(${url}, __k6Params(${params}))`;
    }
    const method = spec.shape === 'request' ? a.shift() : undefined;
    const pureBody = (spec.shape === 'request' ? args[2] : args[1])?.pure ?? true;
    const [url = 'undefined', body, params] = a;
    if (body === undefined && params === undefined) return method ? `http.request(${method}, ${url})` : `http.${spec.k6}(${url})`;
    if (!pureBody) {
      // the body has calls or side effects: evaluate it once, in a helper that builds both
      this.needs.add('send');
      this.needs.add('params');
      this.needs.add('body');
      return `__k6Send(${method ?? JSON.stringify(spec.k6 === 'del' ? 'DELETE' : spec.k6.toUpperCase())}, ${url}, ${body ?? 'undefined'}, ${params ?? 'undefined'})`;
    }
    if (body !== undefined && /^(["'])(?:\\.|(?!\1).)*\1$/s.test(body)) {
      // a string literal body needs no conversion, and sets no JSON content type
      const p = params === undefined ? '' : `, __k6Params(${params})`;
      if (params !== undefined) this.needs.add('params');
      return method ? `http.request(${method}, ${url}, ${body}${p})` : `http.${spec.k6}(${url}, ${body}${p})`;
    }
    this.needs.add('params');
    this.needs.add('body');
    const b = body ?? 'undefined';
    const rest = `__k6Body(${b}), __k6Params(${params ?? 'undefined'}, ${b})`;
    return method ? `http.request(${method}, ${url}, ${rest})` : `http.${spec.k6}(${url}, ${rest})`;
  }
}

/** Removes `async` from functions whose body no longer awaits (k6's group() needs a sync function). */
export function dropNeedlessAsync(code: string): string {
  let tokens = tokenize(code);
  for (let guard = 0; guard < 1000; guard++) {
    let changed = false;
    for (let k = 0; k < tokens.length; k++) {
      if (tokens[k]?.type !== 'ident' || tokens[k]?.text !== 'async') continue;
      const range = functionRange(tokens, k);
      if (!range) continue;
      const awaits = tokens.slice(range[0], range[1]).some((t) => t.type === 'ident' && t.text === 'await');
      if (awaits) continue;
      const n = nextSig(tokens, k + 1);
      tokens = tokenize(tokens.slice(0, k).map((t) => t.text).join('') + tokens.slice(n).map((t) => t.text).join(''));
      changed = true;
      break;
    }
    if (!changed) break;
  }
  return tokens.map((t) => t.text).join('');
}

/** The body token range of the function whose `async` keyword is at k. */
function functionRange(tokens: Token[], k: number): [number, number] | null {
  let i = nextSig(tokens, k + 1);
  if (tokens[i]?.text === 'function') {
    i = nextSig(tokens, i + 1);
    if (tokens[i]?.type === 'ident') i = nextSig(tokens, i + 1);
  }
  if (tokens[i]?.text === '(') {
    const c = matching(tokens, i);
    if (c < 0) return null;
    i = nextSig(tokens, c + 1);
  } else if (tokens[i]?.type === 'ident') i = nextSig(tokens, i + 1);
  else return null;
  if (tokens[i]?.text === '=>') i = nextSig(tokens, i + 1);
  if (tokens[i]?.text === '{') {
    const c = matching(tokens, i);
    return c < 0 ? null : [i, c];
  }
  // expression body: to the first depth-0 , ) ] } ;
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j];
    if (t?.type !== 'punct') continue;
    if ('([{'.includes(t.text)) depth++;
    else if (')]}'.includes(t.text)) {
      if (depth === 0) return [i, j];
      depth--;
    } else if ((t.text === ',' || t.text === ';') && depth === 0) return [i, j];
  }
  return [i, tokens.length];
}

/** Names bound by a parameter or declaration pattern: `a`, `{ a, b: c }`, `[x, y = 1]`, `...rest`. */
function bindingNames(pattern: string): string[] {
  const tokens = tokenize(pattern.replace(/=.*$/s, ''));
  const names: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.type !== 'ident' || KEYWORDS.has(t.text)) continue;
    if (tokens[nextSig(tokens, k + 1)]?.text === ':') continue;
    names.push(t.text);
  }
  return names;
}

/** Identifiers referenced but not declared inside the code (approximate scope analysis: declared anywhere counts). */
export function freeIdentifiers(tokens: Token[], known: Set<string>): Set<string> {
  const declared = new Set(known);
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.type !== 'ident') continue;
    const n = nextSig(tokens, k + 1);
    if (t.text === 'const' || t.text === 'let' || t.text === 'var') {
      const first = tokens[n];
      if (first?.type === 'ident') declared.add(first.text);
      else if (first && (first.text === '{' || first.text === '[')) {
        const c = matching(tokens, n);
        for (const name of bindingNames(tokens.slice(n, c + 1).map((x) => x.text).join(''))) declared.add(name);
      }
    } else if ((t.text === 'function' || t.text === 'class') && tokens[n]?.type === 'ident') {
      declared.add(tokens[n]?.text ?? '');
    } else if (t.text === 'catch' && tokens[n]?.text === '(') {
      const c = matching(tokens, n);
      for (const name of bindingNames(tokens.slice(n + 1, c).map((x) => x.text).join(''))) declared.add(name);
    }
    // parameters of arrows and functions
    if (tokens[n]?.text === '=>') declared.add(t.text);
  }
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.text !== '(') continue;
    const c = matching(tokens, k);
    if (c < 0) continue;
    const after = tokens[nextSig(tokens, c + 1)]?.text;
    const before = tokens[prevSig(tokens, k)];
    const isFnParams = after === '=>' || (after === '{' && before?.type === 'ident' && (before.text === 'function' || tokens[prevSig(tokens, prevSig(tokens, k))]?.text === 'function'));
    if (isFnParams) for (const [a, b] of splitArgs(tokens, k, c)) for (const name of bindingNames(tokens.slice(a, b).map((x) => x.text).join(''))) declared.add(name);
  }
  const free = new Set<string>();
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.type !== 'ident' || KEYWORDS.has(t.text) || declared.has(t.text) || K6_GLOBALS.has(t.text)) continue;
    const p = tokens[prevSig(tokens, k)];
    if (p && (p.text === '.' || p.text === '?.')) continue;
    const n = tokens[nextSig(tokens, k + 1)];
    // object literal key `{ name: ... }` (not a ternary's branch)
    if (n?.text === ':' && p && (p.text === '{' || p.text === ',')) continue;
    free.add(t.text);
  }
  return free;
}

/** The index of the bracket opening the one closing at `close` ( ')' ']' '}' ), counting nesting backwards. */
function matchingBack(tokens: readonly Token[], close: number): number {
  const c = tokens[close]?.text;
  const open = c === ')' ? '(' : c === ']' ? '[' : '{';
  let depth = 0;
  for (let k = close; k >= 0; k--) {
    const t = tokens[k];
    if (!t || t.type !== 'punct') continue;
    if (t.text === c) depth++;
    else if (t.text === open) {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** Where the member-access chain ending just before `dot` starts (`a.b[c](d)` → `a`); -1 when it cannot tell. */
function receiverStart(t: readonly Token[], dot: number): number {
  let j = prevSig(t, dot);
  for (let guard = 0; guard < 1000; guard++) {
    const x = t[j];
    if (!x) return -1;
    let start: number;
    if (x.text === ')' || x.text === ']') {
      const o = matchingBack(t, j);
      if (o < 0) return -1;
      const p = t[prevSig(t, o)];
      // a call or an index continues the chain; a parenthesised expression starts it
      if (p && ((p.type === 'ident' && !KEYWORDS.has(p.text)) || p.text === ')' || p.text === ']')) {
        j = prevSig(t, o);
        continue;
      }
      start = o;
    } else if ((x.type === 'ident' && !KEYWORDS.has(x.text)) || x.type === 'string' || x.type === 'template') start = j;
    else if (x.type === 'ident' && x.text === 'this') start = j;
    else return -1;
    const p = prevSig(t, start);
    if (t[p]?.text === '.' || t[p]?.text === '?.') {
      j = prevSig(t, p);
      continue;
    }
    return start;
  }
  return -1;
}

/**
 * `r.json()` → `/** @type {any} *\/ (r.json())`. Stampede's `json<T>()` is typed by the scenario
 * (a type argument or an `as` cast, erased with the types); k6 types it as any JSON value, so a
 * checked script would reject `r.json().field`. The cast stands for the scenario's own type. Applied
 * to formatted code (a formatter would move the comment away from its parentheses).
 */
export function typeJsonResults(code: string): string {
  const t = tokenize(code);
  const before = new Map<number, string>();
  const after = new Map<number, string>();
  for (let k = 0; k < t.length; k++) {
    if (t[k]?.type !== 'ident' || t[k]?.text !== 'json') continue;
    const dot = prevSig(t, k);
    if (t[dot]?.text !== '.' && t[dot]?.text !== '?.') continue;
    const open = nextSig(t, k + 1);
    const close = nextSig(t, open + 1);
    if (t[open]?.text !== '(' || t[close]?.text !== ')') continue;
    const start = receiverStart(t, dot);
    if (start < 0) continue;
    before.set(start, (before.get(start) ?? '') + '/** @type {any} */ (');
    after.set(close, (after.get(close) ?? '') + ')');
  }
  return t.map((x, i) => (before.get(i) ?? '') + x.text + (after.get(i) ?? '')).join('');
}
