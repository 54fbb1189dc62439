// jslib k6-summary (https://jslib.k6.io/k6-summary/0.x.y/index.js), written here from its
// documented behaviour (not fetched): textSummary(data, { indent, enableColors }) in k6's
// end-of-test layout (checks by group, then metrics with dotted names) — the same information
// and layout, not byte-identical to k6's — and jUnit(data) of the thresholds.

interface Check {
  name: string;
  passes: number;
  fails: number;
}

interface Group {
  name: string;
  groups: Group[];
  checks: Check[];
}

interface Metric {
  type: 'trend' | 'counter' | 'rate' | 'gauge';
  contains: 'time' | 'data' | 'default';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

interface Data {
  root_group: Group;
  metrics: Record<string, Metric>;
  options?: { summaryTrendStats?: string[] };
}

function time(ms: number): string {
  if (ms < 1) return `${(ms * 1000).toFixed(0)}µs`;
  if (ms < 1000) return `${ms.toFixed(2)}ms`;
  return `${(ms / 1000).toFixed(2)}s`;
}

function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1e6).toFixed(1)} MB`;
}

function value(m: Metric, v: number): string {
  return m.contains === 'time' ? time(v) : m.contains === 'data' ? bytes(v) : String(Math.round(v * 1000) / 1000);
}

function metricLine(m: Metric, stats: string[]): string {
  const v = m.values;
  switch (m.type) {
    case 'trend':
      return stats.map((s) => `${s}=${v[s] === undefined ? '-' : value(m, v[s])}`).join(' ');
    case 'counter':
      return `${value(m, v.count ?? 0)} ${m.contains === 'data' ? `${bytes(v.rate ?? 0)}/s` : `${(v.rate ?? 0).toFixed(6)}/s`}`;
    case 'rate':
      return `${((v.rate ?? 0) * 100).toFixed(2)}% ✓ ${v.passes ?? 0} ✗ ${v.fails ?? 0}`;
    case 'gauge':
      return `${value(m, v.value ?? 0)} min=${value(m, v.min ?? 0)} max=${value(m, v.max ?? 0)}`;
  }
}

function groupLines(g: Group, indent: string, out: string[]): void {
  for (const c of g.checks) out.push(`${indent}${c.fails === 0 ? '✓' : '✗'} ${c.name}${c.fails > 0 ? `\n${indent}  ↳  ${Math.round((c.passes / (c.passes + c.fails)) * 100)}% — ✓ ${c.passes} / ✗ ${c.fails}` : ''}`);
  for (const sub of g.groups) {
    out.push(`${indent}█ ${sub.name}`);
    groupLines(sub, `${indent}  `, out);
  }
}

export function textSummary(data: Data, options: { indent?: string; enableColors?: boolean } = {}): string {
  const indent = options.indent ?? ' ';
  const out: string[] = [];
  groupLines(data.root_group, `${indent}   `, out);
  if (out.length > 0) out.push('');
  const stats = data.options?.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];
  const names = Object.keys(data.metrics).sort();
  const width = Math.max(0, ...names.map((n) => n.length)) + 3;
  for (const name of names) {
    const m = data.metrics[name] as Metric;
    const failed = Object.values(m.thresholds ?? {}).some((t) => !t.ok);
    const mark = m.thresholds ? (failed ? '✗' : '✓') : ' ';
    out.push(`${indent}${mark} ${name}${'.'.repeat(Math.max(1, width - name.length))}: ${metricLine(m, stats)}`);
  }
  return out.join('\n') + '\n';
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function jUnit(data: Data, options: { name?: string; classname?: string } = {}): string {
  const cases: string[] = [];
  let failures = 0;
  for (const [name, m] of Object.entries(data.metrics)) {
    for (const [expr, t] of Object.entries(m.thresholds ?? {})) {
      const id = xml(`${name} - ${expr}`);
      if (t.ok) cases.push(`<testcase name="${id}" classname="${xml(options.classname ?? 'Unnamed folder')}" />`);
      else {
        failures++;
        cases.push(`<testcase name="${id}" classname="${xml(options.classname ?? 'Unnamed folder')}"><failure message="failed" /></testcase>`);
      }
    }
  }
  return `<?xml version="1.0"?>\n<testsuites tests="${cases.length}" failures="${failures}">\n<testsuite name="${xml(options.name ?? 'k6 thresholds')}" tests="${cases.length}" failures="${failures}">${cases.join('\n')}\n</testsuite>\n</testsuites>`;
}
