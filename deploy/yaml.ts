// A small YAML emitter for the deploy files this folder generates (maps, lists, scalars, block
// literals). Strings are written double-quoted with JSON escapes (valid YAML 1.2), so no value
// is ever read back as a number, a boolean or null by accident; multi-line strings become `|`
// blocks. Generating the YAML from typed objects keeps one source of truth that tests check.
type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

function key(k: string): string {
  return PLAIN_KEY.test(k) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(k) ? k : JSON.stringify(k);
}

function scalar(v: string | number | boolean | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`YAML: not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

function block(s: string, indent: string): string {
  // `|-` keeps the text exactly when it has no trailing newline; `|` when it has one
  const chomp = s.endsWith('\n') ? '|' : '|-';
  const body = (s.endsWith('\n') ? s.slice(0, -1) : s).split('\n').map((l) => (l === '' ? '' : indent + l));
  return `${chomp}\n${body.join('\n')}`;
}

function emit(v: Json, indent: string): string {
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return v
      .map((item) => {
        if (item !== null && typeof item === 'object' && !Array.isArray(item) && Object.keys(item).length > 0) {
          const inner = emit(item, indent + '  ');
          return `${indent}- ${inner.slice(indent.length + 2)}`;
        }
        return `${indent}- ${inline(item, indent + '  ')}`;
      })
      .join('\n');
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v).filter((e): e is [string, Json] => e[1] !== undefined);
    if (entries.length === 0) return '{}';
    return entries
      .map(([k, x]) => {
        if (x !== null && typeof x === 'object' && (Array.isArray(x) ? x.length > 0 : Object.keys(x).length > 0)) {
          return `${indent}${key(k)}:\n${emit(x, Array.isArray(x) ? indent : indent + '  ')}`;
        }
        return `${indent}${key(k)}: ${inline(x, indent + '  ')}`;
      })
      .join('\n');
  }
  return scalar(v);
}

function inline(v: Json, indent: string): string {
  if (typeof v === 'string' && v.includes('\n')) return block(v, indent);
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `\n${emit(v, indent)}`;
  if (v !== null && typeof v === 'object') return Object.keys(v).length === 0 ? '{}' : `\n${emit(v, indent)}`;
  return scalar(v);
}

/** One YAML document. */
export function toYaml(doc: Json): string {
  return emit(doc, '') + '\n';
}

/** Several documents separated by `---`. */
export function toYamlStream(docs: Json[]): string {
  return docs.map((d) => toYaml(d)).join('---\n');
}

export type { Json };
