// The sync → async transform of a k6 script, on acorn's ESTree AST of the esbuild bundle (the
// script and its local modules in one module, types stripped). Why acorn: the installed
// TypeScript (7, the native compiler) has no JavaScript API, esbuild gives no AST, and acorn is
// small, exact on positions (magic-string edits by offset) and parses what esbuild emits.
//
// k6's API is synchronous (`http.get` returns a Response); Stampede's VU API is asynchronous.
// A function that can reach a blocking k6 call (http requests, sleep, group, a check whose
// callbacks make requests) becomes `async` and every call to it is awaited, to a fixed point
// over the call graph (by name: a function declaration, `const f = () => ...`, an object or
// class method; awaiting a value that is not a promise changes nothing, so erring towards
// `await` is safe, erring towards `async` is refused where the caller could not wait).
// Callbacks given to array methods (`list.forEach(f)` with `f` blocking) become a sequential
// helper call (runtime.ts `each`), as k6 runs them: one to its end, then the next.
// What cannot be made to wait is refused with the file, line and construct.
import { parse, type Node } from 'acorn';
import { fullAncestor } from 'acorn-walk';
import MagicString from 'magic-string';

/** A refusal: where in the original source, and what. */
export interface Refusal {
  /** the position in the bundle (1-based line, 0-based column); mapped to the source by the caller */
  line: number;
  column: number;
  message: string;
}

export interface TransformInput {
  /** the esbuild bundle (ES module, externals: k6 modules as `import ... from 'k6/...'`) */
  code: string;
  /** the shim module for an external import source; null when it is refused (the bundler already said why) */
  shimFor(source: string): string | null;
  /** the directory of the source file at a bundle position (for `open()`, relative to the calling file) */
  dirAt(line: number, column: number): string;
  /** the runtime module (runtime.ts) as an import specifier */
  runtime: string;
}

export interface TransformOutput {
  /** the generated module (the script's init as a function, per-VU instances, native journey exports) */
  code: string;
  /** names the script exports */
  exports: string[];
  refusals: Refusal[];
}

type AnyNode = Node & Record<string, unknown>;
type FnNode = AnyNode & { async: boolean; generator: boolean; body: AnyNode; params: AnyNode[]; id?: AnyNode | null };

const HTTP_BLOCKING = new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch']);
const K6_BLOCKING = new Set(['sleep', 'group']);
// (`each`: k6/html Selection.each, sequential like the others)
const ARRAY_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce', 'reduceRight', 'each']);
/** Response methods that make a request (k6 defines them on top of Response.html()) */
const RESPONSE_BLOCKING = new Set(['submitForm', 'clickLink']);
/** Response methods that need the HTML parser (k6/html's shim, bundled only for the scripts that call them) */
const RESPONSE_HTML = new Set(['html', 'submitForm', 'clickLink']);
const GLOBALS: Record<string, string> = { __ENV: '__k6ctx.env()', __VU: '__k6ctx.vuId()', __ITER: '__k6ctx.iter()' };

function isFn(n: AnyNode | null | undefined): n is FnNode {
  return !!n && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression');
}

function keyName(key: AnyNode | undefined, computed: unknown): string | null {
  if (!key || computed) return null;
  if (key.type === 'Identifier') return key.name as string;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  return null;
}

function patternNames(p: AnyNode | null | undefined, out: Set<string>): void {
  if (!p) return;
  switch (p.type) {
    case 'Identifier':
      out.add(p.name as string);
      break;
    case 'ObjectPattern':
      for (const prop of p.properties as AnyNode[]) patternNames((prop.type === 'RestElement' ? prop.argument : prop.value) as AnyNode, out);
      break;
    case 'ArrayPattern':
      for (const e of p.elements as AnyNode[]) patternNames(e, out);
      break;
    case 'RestElement':
      patternNames(p.argument as AnyNode, out);
      break;
    case 'AssignmentPattern':
      patternNames(p.left as AnyNode, out);
      break;
  }
}

export function transformScript(input: TransformInput): TransformOutput {
  const { code } = input;
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'module', locations: true }) as unknown as AnyNode;
  const s = new MagicString(code);
  const refusals: Refusal[] = [];
  const refuse = (n: AnyNode, message: string) => {
    const loc = n.loc as { start: { line: number; column: number } };
    refusals.push({ line: loc.start.line, column: loc.start.column, message });
  };
  const text = (n: AnyNode) => code.slice(n.start, n.end);
  const short = (n: AnyNode) => {
    const t = text(n).replace(/\s+/g, ' ');
    return t.length > 60 ? `${t.slice(0, 57)}...` : t;
  };

  // --- imports and exports of the bundle
  const httpNs = new Set<string>(); // default or namespace bindings of k6/http
  const k6Ns = new Set<string>(); // of k6
  const blockingIds = new Set<string>(); // named imports that block (get, sleep, group, ...)
  const checkIds = new Set<string>();
  const moduleImports: string[] = [];
  const exportsList: Array<[local: string, exported: string]> = [];
  const body = ast.body as AnyNode[];
  for (const stmt of body) {
    if (stmt.type === 'ImportDeclaration') {
      const source = (stmt.source as AnyNode).value as string;
      const shim = input.shimFor(source);
      if (shim === null) {
        s.remove(stmt.start, stmt.end);
        continue;
      }
      const alias = `__k6m${moduleImports.length}`;
      moduleImports.push(`import * as ${alias} from ${JSON.stringify(shim)};`);
      const decls: string[] = [];
      for (const spec of stmt.specifiers as AnyNode[]) {
        const local = (spec.local as AnyNode).name as string;
        if (spec.type === 'ImportDefaultSpecifier' || spec.type === 'ImportNamespaceSpecifier') {
          decls.push(`${local} = ${spec.type === 'ImportDefaultSpecifier' ? `__k6rt.bound(${alias}, __k6ctx).default` : `__k6rt.bound(${alias}, __k6ctx)`}`);
          if (source === 'k6/http') httpNs.add(local);
          if (source === 'k6') k6Ns.add(local);
        } else {
          const imported = keyName(spec.imported as AnyNode, false) ?? local;
          decls.push(`${local} = __k6rt.bound(${alias}, __k6ctx)[${JSON.stringify(imported)}]`);
          if (source === 'k6/http' && HTTP_BLOCKING.has(imported)) blockingIds.add(local);
          if (source === 'k6' && K6_BLOCKING.has(imported)) blockingIds.add(local);
          if (source === 'k6' && imported === 'check') checkIds.add(local);
        }
      }
      s.overwrite(stmt.start, stmt.end, decls.length > 0 ? `const ${decls.join(', ')};` : '');
    } else if (stmt.type === 'ExportNamedDeclaration') {
      if (stmt.source) {
        refuse(stmt, `re-export from ${JSON.stringify((stmt.source as AnyNode).value)}: re-exports of modules are not supported; import the names and export them`);
        continue;
      }
      const decl = stmt.declaration as AnyNode | null;
      if (decl) {
        const names = new Set<string>();
        if (decl.type === 'VariableDeclaration') for (const d of decl.declarations as AnyNode[]) patternNames(d.id as AnyNode, names);
        else if (decl.id) names.add((decl.id as AnyNode).name as string);
        for (const n of names) exportsList.push([n, n]);
        s.remove(stmt.start, decl.start);
      } else {
        for (const spec of stmt.specifiers as AnyNode[]) exportsList.push([keyName(spec.local as AnyNode, false) ?? '', keyName(spec.exported as AnyNode, false) ?? '']);
        s.remove(stmt.start, stmt.end);
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const decl = stmt.declaration as AnyNode;
      s.overwrite(stmt.start, decl.start, 'const __k6default = ');
      exportsList.push(['__k6default', 'default']);
    } else if (stmt.type === 'ExportAllDeclaration') {
      refuse(stmt, `export * from ${JSON.stringify((stmt.source as AnyNode).value)}: re-exports of modules are not supported`);
    }
  }

  // --- functions, their names, calls and their enclosing functions
  interface CallSite {
    node: AnyNode;
    fn: FnNode | null;
    parent: AnyNode | undefined;
  }
  const fnNames = new Map<FnNode, string[]>();
  const fnParent = new Map<FnNode, AnyNode[]>();
  const calls: CallSite[] = [];
  const declared = new Set<string>();
  const globalRefs: Array<{ node: AnyNode; parent: AnyNode | undefined }> = [];
  const identRefs: Array<{ node: AnyNode; parent: AnyNode | undefined }> = [];
  const enclosing = (ancestors: AnyNode[]): FnNode | null => {
    for (let i = ancestors.length - 2; i >= 0; i--) {
      const a = ancestors[i];
      if (isFn(a)) return a;
    }
    return null;
  };
  fullAncestor(ast as unknown as Node, (node, _state, anc) => {
    const n = node as AnyNode;
    const ancestors = anc as AnyNode[];
    const parent = ancestors[ancestors.length - 2];
    if (isFn(n)) {
      const names: string[] = [];
      if (n.id) names.push((n.id as AnyNode).name as string);
      if (parent?.type === 'VariableDeclarator' && parent.init === n && (parent.id as AnyNode).type === 'Identifier') names.push((parent.id as AnyNode).name as string);
      if (parent?.type === 'Property' && parent.value === n) {
        const k = keyName(parent.key as AnyNode, parent.computed);
        if (k) names.push(k);
      }
      if (parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') {
        const k = keyName(parent.key as AnyNode, parent.computed);
        if (k) names.push(k);
      }
      if (parent?.type === 'AssignmentExpression' && parent.right === n) {
        const left = parent.left as AnyNode;
        if (left.type === 'Identifier') names.push(left.name as string);
        else if (left.type === 'MemberExpression') {
          const k = keyName(left.property as AnyNode, left.computed);
          if (k) names.push(k);
        }
      }
      fnNames.set(n, names);
      fnParent.set(n, ancestors.slice(0, -1));
      for (const p of n.params) patternNames(p, declared);
      if (n.type === 'FunctionDeclaration' && n.id) declared.add((n.id as AnyNode).name as string);
    } else if (n.type === 'CallExpression') {
      calls.push({ node: n, fn: enclosing(ancestors), parent });
    } else if (n.type === 'VariableDeclarator') {
      patternNames(n.id as AnyNode, declared);
    } else if (n.type === 'ClassDeclaration' && n.id) {
      declared.add((n.id as AnyNode).name as string);
    } else if (n.type === 'CatchClause') {
      patternNames(n.param as AnyNode, declared);
    } else if (n.type === 'Identifier') {
      const isProperty = parent?.type === 'MemberExpression' && parent.property === n && !parent.computed;
      const isKey = (parent?.type === 'Property' || parent?.type === 'MethodDefinition' || parent?.type === 'PropertyDefinition') && parent.key === n && !parent.computed && !(parent.type === 'Property' && parent.shorthand);
      if (!isProperty && !isKey) {
        if (Object.hasOwn(GLOBALS, n.name as string)) globalRefs.push({ node: n, parent });
        identRefs.push({ node: n, parent });
      }
    }
  });
  for (const stmt of body) if (stmt.type === 'ImportDeclaration') for (const spec of stmt.specifiers as AnyNode[]) declared.add((spec.local as AnyNode).name as string);

  // --- the fixed point: which functions block
  const blockingFns = new Set<FnNode>();
  const blockingNames = new Set<string>();
  const fnByNode = (n: AnyNode | undefined): boolean => !!n && ((isFn(n) && blockingFns.has(n)) || (n.type === 'Identifier' && blockingNames.has(n.name as string)));
  const calleeName = (callee: AnyNode): string | null =>
    callee.type === 'Identifier' ? (callee.name as string) : callee.type === 'MemberExpression' ? keyName(callee.property as AnyNode, callee.computed) : null;
  const isCheck = (callee: AnyNode) =>
    (callee.type === 'Identifier' && checkIds.has(callee.name as string)) ||
    (callee.type === 'MemberExpression' && (callee.object as AnyNode).type === 'Identifier' && k6Ns.has((callee.object as AnyNode).name as string) && calleeName(callee) === 'check');
  const isGroup = (callee: AnyNode) =>
    (callee.type === 'Identifier' && groupIds.has(callee.name as string)) ||
    (callee.type === 'MemberExpression' && (callee.object as AnyNode).type === 'Identifier' && k6Ns.has((callee.object as AnyNode).name as string) && calleeName(callee) === 'group');
  const groupIds = new Set<string>();
  for (const stmt of body)
    if (stmt.type === 'ImportDeclaration' && (stmt.source as AnyNode).value === 'k6')
      for (const spec of stmt.specifiers as AnyNode[]) if (spec.type === 'ImportSpecifier' && keyName(spec.imported as AnyNode, false) === 'group') groupIds.add((spec.local as AnyNode).name as string);

  type Kind = 'primitive' | 'user' | 'check' | 'array' | null;
  const kindOf = (call: AnyNode): Kind => {
    const callee = call.callee as AnyNode;
    const args = call.arguments as AnyNode[];
    if (callee.type === 'Identifier' && blockingIds.has(callee.name as string)) return 'primitive';
    if (callee.type === 'MemberExpression' && (callee.object as AnyNode).type === 'Identifier') {
      const obj = (callee.object as AnyNode).name as string;
      const prop = calleeName(callee);
      if (prop && httpNs.has(obj) && HTTP_BLOCKING.has(prop)) return 'primitive';
      if (prop && k6Ns.has(obj) && K6_BLOCKING.has(prop)) return 'primitive';
    }
    if (callee.type === 'MemberExpression' && RESPONSE_BLOCKING.has(calleeName(callee) ?? '')) return 'primitive';
    if (isCheck(callee)) {
      const checks = args[1];
      if (checks?.type === 'ObjectExpression' && (checks.properties as AnyNode[]).some((p) => p.type === 'Property' && fnByNode(p.value as AnyNode))) return 'check';
      return null;
    }
    if (callee.type === 'MemberExpression' && !callee.computed) {
      const prop = calleeName(callee);
      if (prop && ARRAY_METHODS.has(prop) && fnByNode(args[0])) return 'array';
      if ((prop === 'call' || prop === 'apply') && fnByNode(callee.object as AnyNode)) return 'user';
    }
    if (isFn(callee) && blockingFns.has(callee)) return 'user';
    const name = calleeName(callee);
    if (name && blockingNames.has(name)) return 'user';
    return null;
  };

  for (let changed = true; changed; ) {
    changed = false;
    for (const c of calls) {
      if (c.fn === null || blockingFns.has(c.fn)) continue;
      if (kindOf(c.node) === null) continue;
      blockingFns.add(c.fn);
      changed = true;
      if (!c.fn.async) for (const name of fnNames.get(c.fn) ?? []) blockingNames.add(name);
    }
  }
  // user-written async functions already return promises: their callers keep k6's semantics as written
  for (const f of blockingFns) if (f.async) for (const name of fnNames.get(f) ?? []) if (![...blockingFns].some((g) => !g.async && (fnNames.get(g) ?? []).includes(name))) blockingNames.delete(name);

  // --- functions that become async, or cannot
  for (const f of blockingFns) {
    const anc = fnParent.get(f) ?? [];
    const parent = anc[anc.length - 1];
    const label = (fnNames.get(f) ?? [])[0] ?? 'a function';
    if (f.generator) {
      refuse(f, `generator function ${label} makes blocking k6 calls: generators cannot be made to wait; use a plain function`);
      continue;
    }
    if (parent?.type === 'MethodDefinition' && (parent.kind === 'constructor' || parent.kind === 'get' || parent.kind === 'set')) {
      refuse(parent, `${parent.kind === 'constructor' ? 'a class constructor' : `a ${parent.kind}ter`} (${label}) makes blocking k6 calls: it cannot be made to wait; move the requests into a method`);
      continue;
    }
    if (parent?.type === 'Property' && (parent.kind === 'get' || parent.kind === 'set')) {
      refuse(parent, `a ${parent.kind}ter (${label}) makes blocking k6 calls: it cannot be made to wait; use a method`);
      continue;
    }
    if (f.async) continue;
    if ((parent?.type === 'MethodDefinition' || (parent?.type === 'Property' && parent.method)) && parent.value === f) {
      const key = parent.key as AnyNode;
      const at = parent.computed ? code.lastIndexOf('[', key.start) : key.start;
      s.appendLeft(at, 'async ');
    } else s.appendLeft(f.start, 'async ');
    // where the function goes decides whether its caller can wait for it
    checkValueUse(f, parent, anc[anc.length - 2], label);
  }

  function allowedSlot(arg: AnyNode, call: AnyNode): boolean {
    const callee = call.callee as AnyNode;
    const args = call.arguments as AnyNode[];
    if (isGroup(callee)) return args[1] === arg;
    const prop = callee.type === 'MemberExpression' ? calleeName(callee) : null;
    if (prop && ARRAY_METHODS.has(prop) && args[0] === arg) return true;
    return false;
  }

  function checkValueUse(f: FnNode, parent: AnyNode | undefined, grand: AnyNode | undefined, label: string): void {
    if (!parent) return;
    if (parent.type === 'CallExpression' && parent.callee !== f && (parent.arguments as AnyNode[]).includes(f)) {
      if (!allowedSlot(f, parent)) refuse(f, `${label === 'a function' ? 'a callback' : label} makes blocking k6 calls and is passed to ${short(parent.callee as AnyNode)}(): Stampede cannot make that call wait for it; call it directly or use a for...of loop`);
    } else if (parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && parent.body === f)) {
      refuse(f, `${label} makes blocking k6 calls and is returned as a value: its callers cannot be followed; call it where it is defined`);
    } else if (parent.type === 'NewExpression') {
      refuse(f, `${label} makes blocking k6 calls and is passed to new ${short(parent.callee as AnyNode)}(): promises and timers cannot wait for k6 calls here`);
    }
    void grand;
  }

  // identifiers of blocking functions passed as values
  for (const { node, parent } of identRefs) {
    const name = node.name as string;
    if (!blockingNames.has(name)) continue;
    if (parent?.type !== 'CallExpression' && parent?.type !== 'NewExpression') continue;
    if (parent.callee === node) continue;
    if (!(parent.arguments as AnyNode[]).includes(node)) continue;
    if (parent.type === 'CallExpression' && allowedSlot(node, parent)) continue;
    refuse(node, `${name} makes blocking k6 calls and is passed to ${short(parent.callee as AnyNode)}(): Stampede cannot make that call wait for it; call ${name} directly`);
  }

  // --- calls that wait; outer calls first where two start at one offset (`f().forEach(g)`), so
  // the outer call's opening text comes before the inner one's
  calls.sort((a, b) => a.node.start - b.node.start || b.node.end - a.node.end);
  for (const c of calls) {
    const kind = kindOf(c.node);
    if (kind === null) continue;
    if (c.fn === null) {
      refuse(c.node, `${short(c.node)} at the top level (the init context): k6 allows no requests, sleep or group there; move it into setup() or the default function`);
      continue;
    }
    if (c.fn.generator) continue; // refused above
    if (c.node.start < c.fn.body.start) {
      refuse(c.node, `${short(c.node)} in a parameter's default value: an async function cannot await there; make the call in the body`);
      continue;
    }
    const awaited = c.parent?.type === 'AwaitExpression';
    if (kind === 'array') {
      const callee = c.node.callee as AnyNode;
      if (callee.optional || c.node.optional) {
        refuse(c.node, `${short(c.node)}: an optional-chained array method with a blocking callback is not supported; test for the list first`);
        continue;
      }
      const obj = callee.object as AnyNode;
      const args = c.node.arguments as AnyNode[];
      const method = calleeName(callee) ?? '';
      s.appendLeft(obj.start, `${awaited ? '' : '(await '}__k6rt.each(${JSON.stringify(method)}, `);
      s.overwrite(obj.end, (args[0] as AnyNode).start, ', ', { contentOnly: true });
      if (!awaited) s.appendRight(c.node.end, ')');
      continue;
    }
    if (awaited) continue;
    s.appendLeft(c.node.start, '(await ');
    s.appendRight(c.node.end, ')');
  }

  // --- k6 globals
  for (const { node, parent } of globalRefs) {
    const name = node.name as string;
    if (declared.has(name)) continue;
    const shorthand = parent?.type === 'Property' && parent.shorthand === true;
    s.overwrite(node.start, node.end, `${shorthand ? `${name}: ` : ''}(${GLOBALS[name]})`, { contentOnly: true });
  }
  if (!declared.has('open')) {
    for (const c of calls) {
      const callee = c.node.callee as AnyNode;
      if (callee.type !== 'Identifier' || callee.name !== 'open') continue;
      const loc = c.node.loc as { start: { line: number; column: number } };
      const paren = code.indexOf('(', callee.end);
      s.overwrite(callee.start, callee.end, '__k6ctx.open', { contentOnly: true });
      s.appendLeft(paren + 1, `${JSON.stringify(input.dirAt(loc.start.line, loc.start.column))}, `);
    }
  }
  for (const stmt of body) {
    if (stmt.type === 'ExpressionStatement' && (stmt.expression as AnyNode).type === 'AwaitExpression') refuse(stmt, 'top-level await: the init context is synchronous in k6 (and here)');
  }

  const exportNames = exportsList.map(([, e]) => e);
  const returned = exportsList.map(([local, exported]) => `${JSON.stringify(exported)}: ${local}`).join(', ');
  const exportLines = exportNames
    .filter((e) => e !== 'options')
    .map((e, i) => (e === 'default' ? `const __k6e${i} = __k6script.fn("default");\nexport { __k6e${i} as default };` : `export const ${e} = __k6script.fn(${JSON.stringify(e)});`));
  // Response.html() and the form helpers parse with the k6/html shim: bundled only for scripts that call them
  const htmlShim = input.shimFor('k6/html');
  if (htmlShim !== null && !moduleImports.some((m) => m.endsWith(`${JSON.stringify(htmlShim)};`)) && calls.some((c) => (c.node.callee as AnyNode).type === 'MemberExpression' && RESPONSE_HTML.has(calleeName(c.node.callee as AnyNode) ?? ''))) {
    moduleImports.push(`import ${JSON.stringify(htmlShim)};`);
  }
  const out = [
    `import * as __k6rt from ${JSON.stringify(input.runtime)};`,
    ...moduleImports,
    'function __k6init(__k6ctx) {',
    s.toString(),
    `return { ${returned} };`,
    '}',
    'const __k6script = __k6rt.script(__k6init);',
    'export const options = __k6script.options;',
    'export const __stampedeK6Metrics = [...__k6rt.declaredMetrics];',
    'export const __stampedeK6UntimedTrends = [...__k6rt.untimedTrends];',
    ...exportLines,
    '',
  ].join('\n');
  return { code: out, exports: exportNames, refusals };
}
