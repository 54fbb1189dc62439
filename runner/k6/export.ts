// `stampede export k6`: a scenario module → one k6 script (plain ES-module JavaScript, so any
// k6 and the k6 operator run it): the same options (k6 names, durations as k6 strings), the
// journeys rewritten for k6's API, setup/teardown, the exported constants and helpers they use.
// Whatever cannot be translated is refused: every refusal names the construct and its line.
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { StampedeError } from '../errors.ts';
import { loadScenario } from '../scenario/load.ts';
import { bundleScenario, type TopLevel } from './bundle.ts';
import { toK6Options } from './export-options.ts';
import { helpersFor, importsFor } from './prelude.ts';
import { K6_TIMERS, transformFunction, typeJsonResults, transformStatement, type CallContext, type FunctionKind, type Need, type Refusal, type TransformedFunction, type TransformedStatement, type VuArgument } from './transform.ts';

export interface ExportFlags {
  latencyAsDuration: boolean;
}

export interface K6Export {
  script: string;
  /** what the reader should know (scaled rates, mapped thresholds) */
  notes: string[];
}

interface Emitted {
  decl: TopLevel;
  kind: FunctionKind | 'value';
  where: string;
  fn: TransformedFunction | null;
  stmt: TransformedStatement | null;
}

interface Located extends Refusal {
  file: string;
  line: string;
}

/** Rounds of rewriting until the VU parameters and the synchronous helpers stop changing (each round only adds). */
const MAX_ROUNDS = 50;

/** `env`: what the scenario's module scope sees while it loads (its options are exported as that env makes them). */
export async function exportK6(file: string, flags: ExportFlags = { latencyAsDuration: false }, env: Readonly<Record<string, string>> = {}): Promise<K6Export> {
  const loaded = await loadScenario(file, { env });
  const entry = path.resolve(file);
  const source = await readFile(file, 'utf8');
  const bundle = await bundleScenario(file);
  const display = (f: string) => (f === entry ? file : path.relative(process.cwd(), f));
  const refusals: Located[] = [];

  const opts = toK6Options(loaded.options, flags);
  for (const p of opts.problems) refusals.push({ ...p, file, line: lineOf(source, 'http_req_latency', null) });
  if (loaded.handleSummary !== undefined) {
    refusals.push({ construct: 'export function handleSummary', message: "Stampede's handleSummary is not k6's (different data); the k6 script writes k6's own summary — remove it or export without it", file, line: lineOf(source, 'handleSummary', null) });
  }

  const byName = new Map<string, TopLevel>();
  for (const d of bundle.decls) for (const n of d.names) byName.set(n, d);
  // the functions k6 calls: journeys (by the scenarios' exec names), setup, teardown
  const roots = new Map<string, { kind: FunctionKind; exported: string[] }>();
  const addRoot = (exported: string, kind: FunctionKind) => {
    const local = bundle.exports.get(exported);
    const decl = local === undefined ? undefined : byName.get(local);
    if (local === undefined || !decl?.fn) {
      refusals.push({ construct: kind === 'journey' ? `journey ${exported}` : `${exported}()`, message: 'not a function declaration or a `const` arrow function the exporter can read (built at load by another function?)', file, line: lineOf(source, exported === 'default' ? 'export default' : exported, null) });
      return;
    }
    const r = roots.get(local) ?? { kind, exported: [] };
    r.exported.push(exported);
    roots.set(local, r);
  };
  for (const exec of new Set(loaded.options.scenarios.map((s) => s.exec))) addRoot(exec, 'journey');
  if (loaded.setup) addRoot('setup', 'setup');
  if (loaded.teardown) addRoot('teardown', 'teardown');

  // which parameters receive the VU, and which functions end up synchronous: grown to a fixed point
  const fns = new Map<string, Set<number>>();
  for (const d of bundle.decls) if (d.fn) fns.set(d.fn.name, new Set(roots.has(d.fn.name) ? [0] : []));
  const syncFns = new Set<string>();
  let emitted = new Map<TopLevel, Emitted>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    emitted = rewriteReachable(bundle.decls, roots, byName, { fns, syncFns });
    let changed = false;
    for (const e of emitted.values()) {
      const args: VuArgument[] = e.fn?.vuArgs ?? e.stmt?.vuArgs ?? [];
      for (const a of args) {
        const at = fns.get(a.callee);
        if (at && !at.has(a.index)) {
          at.add(a.index);
          changed = true;
        }
      }
      if (e.fn && e.decl.fn && !e.fn.async && !syncFns.has(e.decl.fn.name)) {
        syncFns.add(e.decl.fn.name);
        changed = true;
      }
    }
    if (!changed) break;
  }

  // what the reached code needs from outside: other declarations (reached already), k6 timers, or nothing else
  const timers = new Set<string>();
  const needs = new Set<Need>();
  for (const e of emitted.values()) {
    const r = e.fn ?? e.stmt;
    if (!r) continue;
    for (const n of r.needs) needs.add(n);
    const name = e.decl.names[0] ?? null;
    const anchor = name !== null && roots.get(name)?.exported.includes('default') && !new RegExp(`\\b${escape(name)}\\b`).test(e.decl.source) ? 'export default' : name;
    for (const x of r.refusals) {
      const construct = x.construct.startsWith(`${e.where}: `) ? x.construct.slice(e.where.length + 2) : x.construct;
      refusals.push({ ...x, construct: `${e.where}: ${construct}`, file: display(e.decl.file), line: lineOf(e.decl.source, x.find ?? construct, anchor, x.find !== undefined) });
    }
    for (const free of r.free) {
      if (K6_TIMERS.has(free)) {
        timers.add(free);
        continue;
      }
      const decl = byName.get(free);
      if (decl && free !== 'options') continue;
      const spec = bundle.imports.get(free);
      refusals.push({
        construct: `${e.where}: ${free}`,
        message:
          free === 'options'
            ? "the scenario's options object is not carried into the k6 script as a value (k6 reads its own `options`)"
            : spec !== undefined
              ? `imported from "${spec}", which is not a local file of the scenario; the k6 script carries the scenario and its relative imports only`
              : 'a global the k6 script would not have (k6 has no Node.js APIs); move the value into the scenario or a local module',
        file: display(e.decl.file),
        line: lineOf(e.decl.source, `\\b${free}\\b`, anchor, true),
      });
    }
  }
  for (const o of bundle.others) {
    if (![...emitted.keys()].some((d) => d.file === o.file)) continue;
    const first = o.text.split('\n')[0] ?? '';
    // found by its leading name (`console.log`): esbuild may have rewritten quotes and spacing
    const lead = (/^[\w$.]+/.exec(first)?.[0] ?? first.slice(0, 10)).split('.').map(escape).join('\\s*\\.\\s*');
    refusals.push({ construct: `top-level statement ${first.slice(0, 40)}`, message: 'code that runs when the module loads; the k6 script carries declarations only — move it into setup() or a function', file: display(o.file), line: lineOf(o.source, `^\\s*${lead}`, null, true) });
  }

  if (refusals.length > 0) {
    const lines = [...new Set(refusals.map((r) => `${r.file}:${r.line}: ${r.construct}: ${r.message}`))];
    throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `cannot export to k6: ${lines[0]}`, lines.slice(1));
  }

  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const parts: string[] = [];
  const modules = [...new Set([...emitted.keys()].map((d) => d.file))].filter((f) => f !== entry).map((f) => path.relative(path.dirname(entry), f));
  parts.push(`// k6 script generated by \`stampede export k6\` from ${path.basename(file)} (sha256 ${hash}…)${modules.length > 0 ? ` and ${modules.join(', ')}` : ''}.`);
  parts.push('// Re-export rather than edit. Run: k6 run <this file>   (or in a ConfigMap for the k6 operator)');
  for (const n of opts.notes) parts.push(`// note: ${n}`);
  parts.push('');
  parts.push(...importsFor(needs, timers));
  parts.push('');
  parts.push("/** @type {import('k6/options').Options} */");
  parts.push(`export const options = ${jsLiteral(opts.options, '')};`);
  const helpers = helpersFor(needs);
  if (helpers.length > 0) parts.push('', ...helpers.flatMap((h) => [h, '']));
  const referenced = new Set<string>();
  for (const e of emitted.values()) for (const f of (e.fn ?? e.stmt)?.free ?? []) referenced.add(f);
  const code: string[] = [];
  const aliases: string[] = [];
  // the bundle's order: a constant is declared before any other constant that uses it
  for (const d of bundle.decls) {
    const e = emitted.get(d);
    if (!e) continue;
    const r = await declaration(e, roots.get(d.fn?.name ?? ''), referenced, aliases);
    code.push(r);
  }
  parts.push(code.join('\n\n'));
  if (aliases.length > 0) parts.push('', `export { ${aliases.join(', ')} };`);
  return { script: parts.join('\n').replace(/\n{3,}/g, '\n\n') + '\n', notes: opts.notes };
}

/** Rewrites every declaration the roots reach (through the free identifiers of what was rewritten). */
function rewriteReachable(decls: TopLevel[], roots: Map<string, { kind: FunctionKind; exported: string[] }>, byName: Map<string, TopLevel>, calls: CallContext): Map<TopLevel, Emitted> {
  const out = new Map<TopLevel, Emitted>();
  const queue: TopLevel[] = decls.filter((d) => d.fn && roots.has(d.fn.name));
  while (queue.length > 0) {
    const d = queue.shift();
    if (!d || out.has(d)) continue;
    let e: Emitted;
    if (d.fn) {
      const root = roots.get(d.fn.name);
      const kind = root?.kind ?? 'helper';
      // roots are named as the scenario exports them (esbuild names a default export `<file>_default`)
      const name = root?.exported[0] ?? d.fn.name;
      const where = kind === 'journey' || kind === 'helper' ? `${kind} ${name}` : `${name}()`;
      const fn = transformFunction(d.fn.source, kind, where, calls.fns.get(d.fn.name), calls);
      e = { decl: d, kind, where, fn, stmt: null };
    } else {
      const where = `module value ${d.names.join(', ')}`;
      e = { decl: d, kind: 'value', where, fn: null, stmt: transformStatement(d.text, where, calls) };
    }
    out.set(d, e);
    for (const free of (e.fn ?? e.stmt)?.free ?? []) {
      const next = byName.get(free);
      if (next && free !== 'options' && !out.has(next)) queue.push(next);
    }
  }
  return out;
}

async function declaration(e: Emitted, root: { exported: string[] } | undefined, referenced: Set<string>, aliases: string[]): Promise<string> {
  if (e.stmt) {
    // esbuild turns top-level const/let into var: the scenario's own keyword is kept
    const name = e.decl.names[0] ?? '';
    const kw = new RegExp(`\\b(const|let)\\s+${escape(name)}\\b`).exec(e.decl.source)?.[1];
    const text = e.stmt.text.replace(/^var\b/, kw ?? 'var');
    // esbuild's tree-shaking annotation is noise in a script people read
    return typeJsonResults((await format(text)).replace(/\/\* @__PURE__ \*\/ /g, '')).trimEnd();
  }
  const fn = e.fn;
  const name = e.decl.fn?.name ?? '';
  if (!fn) return '';
  const a = fn.async ? 'async ' : '';
  const params = fn.params.join(', ');
  let code = e.decl.fn?.arrow ? `const ${name} = ${a}(${params}) => {${fn.body}};` : `${a}function ${name}(${params}) {${fn.body}}`;
  code = typeJsonResults(await format(code)).trimEnd();
  if (!root) return code;
  const exported = [...root.exported];
  if (exported.includes(name)) {
    exported.splice(exported.indexOf(name), 1);
    code = `export ${code}`;
  } else if (exported.includes('default') && !referenced.has(name) && !e.decl.fn?.arrow) {
    exported.splice(exported.indexOf('default'), 1);
    code = code.replace(new RegExp(`^(async )?function ${escape(name)}\\(`), (_m, x: string | undefined) => `export default ${x ?? ''}function (`);
  }
  for (const x of exported) aliases.push(`${name} as ${x}`);
  return code;
}

/** A JSON value as a JavaScript literal: identifier keys unquoted, short arrays and objects on one line. */
export function jsLiteral(v: unknown, indent: string): string {
  const flat = JSON.stringify(v, (_k, x: unknown) => x);
  if (v === null || typeof v !== 'object') return flat ?? 'undefined';
  const key = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k));
  const inline = Array.isArray(v) ? `[${v.map((x) => jsLiteral(x, '')).join(', ')}]` : `{ ${Object.entries(v).map(([k, x]) => `${key(k)}: ${jsLiteral(x, '')}`).join(', ')} }`;
  if (inline.length <= 72 && !inline.includes('\n')) return Object.keys(v).length === 0 ? (Array.isArray(v) ? '[]' : '{}') : inline;
  const inner = indent + '  ';
  const items = Array.isArray(v) ? v.map((x) => inner + jsLiteral(x, inner)) : Object.entries(v).map(([k, x]) => `${inner}${key(k)}: ${jsLiteral(x, inner)}`);
  return Array.isArray(v) ? `[\n${items.join(',\n')},\n${indent}]` : `{\n${items.join(',\n')},\n${indent}}`;
}

/** tsx hands us minified function sources; esbuild (tsx's own dependency) prints them readably. */
async function format(code: string): Promise<string> {
  try {
    const esbuild = (await import('esbuild')) as { transform(code: string, o: object): Promise<{ code: string }> };
    return (await esbuild.transform(code, { loader: 'js', format: 'esm', legalComments: 'none' })).code;
  } catch {
    return code;
  }
}

/** The 1-based line of `construct` in the scenario's source, searched from `anchor`'s declaration; '?' when not found. */
function lineOf(source: string, construct: string, anchor: string | null, isRegex = false): string {
  const lines = source.split('\n');
  let from = 0;
  if (anchor) {
    const decl = anchor === 'export default' ? /export\s+default\b/ : new RegExp(`^\\s*(?:export\\s+(?:default\\s+)?)?(?:async\\s+)?(?:function\\s*\\*?\\s*|const\\s+|let\\s+|var\\s+)${escape(anchor)}\\b`);
    const i = lines.findIndex((l) => decl.test(l));
    if (i >= 0) from = i;
  }
  const core = construct.replace(/^\(|\)$/g, '').replace(/ \(.*$/, '');
  const pattern = isRegex
    ? new RegExp(construct)
    : new RegExp(
    core
      .split(/(\.|\[|\]|\()/)
      .filter((s) => s !== '')
      .map((s) => escape(s))
      .join('\\s*'),
  );
  for (let i = from; i < lines.length; i++) if (pattern.test(lines[i] ?? '')) return String(i + 1);
  for (let i = 0; i < from; i++) if (pattern.test(lines[i] ?? '')) return String(i + 1);
  return '?';
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
