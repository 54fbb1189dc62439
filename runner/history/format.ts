// The diff and the gate as text: a terminal table, a Markdown section, JUnit cases.
import type { JUnitCase } from '../ci-outputs/junit.ts';
import { md } from '../ci-outputs/markdown.ts';
import type { DiffReport, DiffRow } from './diff.ts';
import type { GateRow } from './gate.ts';

function value(row: DiffRow, v: number | null): string {
  if (v === null) return '—';
  if (row.metric === 'http_reqs') return `${v.toFixed(1)}/s`;
  if (row.metric === 'http_req_failed') return `${(v * 100).toFixed(2)} %`;
  return v >= 100 ? `${v.toFixed(0)} ms` : v >= 1 ? `${v.toFixed(2)} ms` : `${(v * 1000).toFixed(0)} µs`;
}

function change(row: DiffRow): string {
  if (row.interval === 'absolute') return row.delta === null ? '—' : `${row.delta >= 0 ? '+' : ''}${(row.delta * 100).toFixed(2)} pp`;
  return row.relative === null ? '—' : `${row.relative >= 0 ? '+' : ''}${(row.relative * 100).toFixed(1)} %`;
}

function interval(row: DiffRow): string {
  if (!row.ci) return '—';
  const f = (x: number) => (row.interval === 'absolute' ? `${(x * 100).toFixed(2)}` : `${(x * 100).toFixed(1)}`);
  return `[${f(row.ci.lo)}, ${f(row.ci.hi)}]${row.interval === 'absolute' ? ' pp' : ' %'}`;
}

function label(row: DiffRow): string {
  return row.metric === 'http_reqs' ? 'request rate' : row.metric === 'http_req_failed' ? 'failed share' : `${row.metric} ${row.stat}`;
}

export interface DiffLabels {
  a: string;
  b: string;
}

export function formatDiffTable(report: DiffReport, labels: DiffLabels): string {
  const lines = [`  A: ${labels.a}`, `  B: ${labels.b}`, `  ${report.seconds.a} s vs ${report.seconds.b} s; circular block bootstrap (blocks of ${report.blockLength.a} s / ${report.blockLength.b} s), ${report.reps} resamples, seed ${report.seed}; ${(report.confidence * 100).toFixed(0)} % simultaneous intervals per request name`, ''];
  const header = ['request', 'statistic', 'A', 'B', 'change', 'interval', 'verdict'];
  const body = report.rows.map((r) => [r.name, label(r), value(r, r.a), value(r, r.b), change(r), interval(r), r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const fmt = (cells: string[]) => '  ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  lines.push(fmt(header), ...body.map(fmt));
  return lines.join('\n') + '\n';
}

export function formatGate(rows: readonly GateRow[]): string {
  const lines = ['  REGRESSION GATE'];
  for (const g of rows) lines.push(`    ${g.failed ? '✗' : '✓'} ${g.rule.source}  ${g.message}`);
  return lines.join('\n') + '\n';
}

export function gateMarkdown(report: DiffReport, gate: readonly GateRow[], baseline: string): string {
  const out = [`### Regression gate against ${md(baseline)} — ${gate.some((g) => g.failed) ? '❌ regression' : '✅ no significant regression'}`, ''];
  out.push('| | rule | result |', '|---|---|---|');
  for (const g of gate) out.push(`| ${g.failed ? '❌' : '✅'} | ${md(g.rule.source)} | ${md(g.message)} |`);
  out.push('', '| request | statistic | baseline | this run | change | interval | verdict |', '|---|---|---|---|---|---|---|');
  for (const r of report.rows) out.push(`| ${md(r.name)} | ${md(label(r))} | ${md(value(r, r.a))} | ${md(value(r, r.b))} | ${md(change(r))} | ${md(interval(r))} | ${md(r.verdict)} |`);
  out.push('');
  return out.join('\n');
}

export function gateJUnitCases(gate: readonly GateRow[]): JUnitCase[] {
  return gate.map((g) => {
    const c: JUnitCase = { classname: 'regression', name: g.rule.source };
    if (g.failed) c.failure = { type: 'regression', message: g.message, text: g.message };
    return c;
  });
}
