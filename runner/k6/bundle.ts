// The scenario and the local modules it imports, as one module (esbuild, tsx's own dependency,
// strips the types and hoists every module into one scope, renaming clashes), split into its
// top-level declarations so the exporter can carry exactly what the journeys reach. Imports
// that are not relative files (npm packages, node: builtins, k6 modules) stay imports, and the
// exporter refuses a journey that uses one. Each declaration remembers the file it came from,
// so a refusal names the right file and line.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { matching, nextSig, tokenize, type Token } from './tokenize.ts';

export interface TopLevel {
  /** the names it declares (a function's name; every declarator of a `var`) */
  names: string[];
  /** the statement's source in the bundle */
  text: string;
  /** a function declaration, or a single `var x = <function or arrow>` */
  fn: { name: string; source: string; arrow: boolean } | null;
  /** the file it came from (absolute), and that file's source */
  file: string;
  source: string;
}

export interface Bundle {
  decls: TopLevel[];
  /** exported name → local name (the entry module's exports) */
  exports: Map<string, string>;
  /** imported local name → module specifier, for imports that were not bundled */
  imports: Map<string, string>;
  /** top-level statements that are neither declarations nor imports/exports (side effects at load) */
  others: TopLevel[];
}

interface EsbuildModule {
  build(o: object): Promise<{ outputFiles: Array<{ text: string }> }>;
}

export async function bundleScenario(file: string): Promise<Bundle> {
  const esbuild = (await import('esbuild')) as EsbuildModule;
  const cwd = process.cwd();
  const result = await esbuild.build({
    entryPoints: [path.resolve(file)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    // goja (k6's runtime) reads ES2020; newer syntax (numeric separators, logical assignment) is lowered
    target: 'es2020',
    absWorkingDir: cwd,
    treeShaking: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [
      {
        name: 'stampede-external',
        setup(b: { onResolve(o: { filter: RegExp }, f: (a: { path: string }) => { path: string; external: boolean }): void }) {
          // only the scenario's own files are bundled
          b.onResolve({ filter: /^[^./]/ }, (a) => ({ path: a.path, external: true }));
        },
      },
    ],
  });
  const code = result.outputFiles[0]?.text ?? '';
  return splitTopLevel(code, cwd, path.resolve(file));
}

const sources = new Map<string, string>();
function sourceOf(file: string): string {
  let s = sources.get(file);
  if (s === undefined) {
    try {
      s = readFileSync(file, 'utf8');
    } catch {
      s = '';
    }
    sources.set(file, s);
  }
  return s;
}

/** Splits esbuild's ESM output into top-level statements; `// path` comments mark where each module starts. */
export function splitTopLevel(code: string, cwd: string, entry: string): Bundle {
  sources.clear();
  const t = tokenize(code);
  const decls: TopLevel[] = [];
  const others: TopLevel[] = [];
  const exports = new Map<string, string>();
  const imports = new Map<string, string>();
  let file = entry;
  let k = 0;
  while (k < t.length) {
    const tok = t[k];
    if (!tok) break;
    if (tok.type === 'ws') {
      k++;
      continue;
    }
    if (tok.type === 'comment') {
      const m = /^\/\/ (\S.*\.(?:[cm]?[jt]sx?))$/.exec(tok.text);
      if (m?.[1]) file = path.resolve(cwd, m[1]);
      k++;
      continue;
    }
    const end = statementEnd(t, k);
    const text = t.slice(k, end).map((x) => x.text).join('');
    const here = { file, source: sourceOf(file) };
    if (tok.text === 'import') {
      const spec = /from\s*(["'])(.*?)\1/.exec(text)?.[2] ?? /^import\s*(["'])(.*?)\1/.exec(text)?.[2] ?? '?';
      for (const name of importedNames(text)) imports.set(name, spec);
    } else if (tok.text === 'export') {
      const m = /^export\s*\{([\s\S]*)\}/.exec(text);
      for (const part of (m?.[1] ?? '').split(',')) {
        const [local, exported] = part.trim().split(/\s+as\s+/);
        if (local) exports.set(exported ?? local, local);
      }
    } else {
      const decl = declaration(t, k, end, text);
      if (decl) decls.push({ ...decl, text, ...here });
      else others.push({ names: [], text, fn: null, ...here });
    }
    k = end;
  }
  return { decls, exports, imports, others };
}

/** The token index just after the top-level statement starting at k. */
function statementEnd(t: Token[], k: number): number {
  const first = t[k]?.text;
  let i = k;
  if (first === 'async') i = nextSig(t, i + 1);
  if (t[i]?.text === 'function' || t[i]?.text === 'class') {
    // up to the body's closing brace (after the parameters, whose defaults may hold braces)
    let j = i;
    if (t[i]?.text === 'function') {
      while (j < t.length && t[j]?.text !== '(') j++;
      j = matching(t, j);
      if (j < 0) return t.length;
    }
    for (; j < t.length; j++) if (t[j]?.text === '{') return matching(t, j) + 1;
    return t.length;
  }
  for (let j = k; j < t.length; j++) {
    const x = t[j];
    if (!x) break;
    if (x.type === 'punct' && (x.text === '(' || x.text === '[' || x.text === '{')) {
      const c = matching(t, j);
      if (c < 0) return t.length;
      j = c;
      continue;
    }
    if (x.text === ';') return j + 1;
  }
  return t.length;
}

function declaration(t: Token[], k: number, end: number, text: string): Omit<TopLevel, 'text' | 'file' | 'source'> | null {
  let i = k;
  if (t[i]?.text === 'async') i = nextSig(t, i + 1);
  if (t[i]?.text === 'function') {
    let n = nextSig(t, i + 1);
    if (t[n]?.text === '*') n = nextSig(t, n + 1);
    const name = t[n]?.text ?? '';
    return { names: [name], fn: { name, source: text, arrow: false } };
  }
  if (t[i]?.text === 'class') {
    const name = t[nextSig(t, i + 1)]?.text ?? '';
    return { names: [name], fn: null };
  }
  if (t[k]?.text !== 'var' && t[k]?.text !== 'let' && t[k]?.text !== 'const') return null;
  // declarators: names at depth 0 after `var` or `,`
  const names: string[] = [];
  let expectName = true;
  let firstInit = -1;
  let declarators = 0;
  for (let j = nextSig(t, k + 1); j < end; j++) {
    const x = t[j];
    if (!x || x.type === 'ws' || x.type === 'comment') continue;
    if (expectName && x.type === 'ident') {
      names.push(x.text);
      declarators++;
      expectName = false;
      continue;
    }
    if (x.type === 'punct' && (x.text === '(' || x.text === '[' || x.text === '{')) {
      j = matching(t, j);
      if (j < 0) break;
      continue;
    }
    if (x.text === '=' && firstInit < 0) firstInit = nextSig(t, j + 1);
    if (x.text === ',') expectName = true;
  }
  let fn: TopLevel['fn'] = null;
  const name = names[0];
  if (declarators === 1 && name && firstInit > 0) {
    const init = t.slice(firstInit, end).map((x) => x.text).join('').replace(/;\s*$/, '');
    const a = nextSig(t, firstInit);
    const b = t[a]?.text === 'async' ? nextSig(t, a + 1) : a;
    const isFn = t[b]?.text === 'function' || (t[b]?.text === '(' && t[nextSig(t, matching(t, b) + 1)]?.text === '=>') || (t[b]?.type === 'ident' && t[nextSig(t, b + 1)]?.text === '=>');
    if (isFn) fn = { name, source: init, arrow: t[b]?.text !== 'function' };
  }
  return { names, fn };
}

function importedNames(text: string): string[] {
  const names: string[] = [];
  const clause = /^import\s*([\s\S]*?)\s*from\s*["']/.exec(text)?.[1] ?? '';
  const ns = /\*\s*as\s+([\w$]+)/.exec(clause);
  if (ns?.[1]) names.push(ns[1]);
  const braces = /\{([\s\S]*)\}/.exec(clause);
  if (braces?.[1]) for (const part of braces[1].split(',')) {
    const local = part.trim().split(/\s+as\s+/).pop()?.trim();
    if (local) names.push(local);
  }
  const def = /^([\w$]+)/.exec(clause.replace(/\{[\s\S]*\}/, '').trim());
  if (def?.[1]) names.push(def[1]);
  return names;
}
