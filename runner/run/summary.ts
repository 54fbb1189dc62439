// The end-of-test summary in the terminal, in the spirit of k6's: thresholds as ✓/✗, then each
// metric; both latency definitions always named; generator health last, so a saturated
// generator is never mistaken for a slow target.
import type { MetricResult, RunResult } from '../result/schema.ts';
import { formatTargetResources } from './resource-lines.ts';

const TREND_KEYS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'];

const LABELS: Record<string, string> = {
  http_req_latency: 'http_req_latency (from intended start, coordinated-omission corrected)',
  http_req_duration: 'http_req_duration (from actual send, as k6)',
};

export function formatSummary(r: RunResult, paths: { result?: string; report?: string } = {}): string {
  const lines: string[] = [];
  const scenarios = r.options.scenarios.map((s) => `${s.name}: ${s.executor}`).join(', ');
  lines.push('');
  lines.push(`  scenario ... ${r.meta.scenarioFile}  (${scenarios})`);
  lines.push(`  duration ... ${(r.meta.durationMs / 1000).toFixed(1)} s${r.partial ? `  — stopped early: ${r.stopReason}` : ''}   threads ${r.generator.threads}${r.meta.target ? `   target ${r.meta.target}` : ''}`);
  lines.push('');

  if (r.thresholds.length > 0) {
    lines.push('  THRESHOLDS');
    for (const t of r.thresholds) {
      const observed = t.observed === null ? 'no samples' : `observed ${fmtNumber(t.observed)}`;
      lines.push(`    ${t.ok ? '✓' : '✗'} ${t.key}: ${t.source}  (${observed})${t.aborted ? '  ← aborted the run' : ''}`);
      if (t.note) lines.push(`        ${t.note}`);
    }
    lines.push('');
  }

  if (r.checks.length > 0) {
    lines.push('  CHECKS');
    for (const c of r.checks) {
      const total = c.passes + c.fails;
      lines.push(`    ${c.fails === 0 ? '✓' : '✗'} ${c.path.replace(/^::/, '')}${c.scenario ? ` [${c.scenario}]` : ''}  ${pct(c.passes, total)}  ✓ ${c.passes}  ✗ ${c.fails}`);
    }
    lines.push('');
  }

  lines.push(...formatErrors(r));

  lines.push('  METRICS');
  const names = Object.keys(r.metrics).sort((a, b) => order(a) - order(b) || a.localeCompare(b));
  const width = Math.min(44, Math.max(...names.map((n) => n.length)) + 2);
  for (const name of names) {
    const m = r.metrics[name];
    if (!m) continue;
    const label = LABELS[name];
    if (label && m.type === 'trend') {
      lines.push(`    ${label}`);
      lines.push(`    ${''.padEnd(width, ' ')}  ${formatValues(m)}${name === 'http_req_latency' ? sendLagNote(r) : ''}`);
    } else lines.push(`    ${(name + ' ').padEnd(width, '.')}: ${formatValues(m)}`);
  }
  lines.push('');

  const g = r.generator;
  const health = [
    `event-loop lag p99 ${g.eventLoopLag.p99} ms`,
    `CPU ${g.cpu.mean} % mean${g.cpu.waiting ? ` (${g.cpu.waiting} % of it waiting for the next arrival)` : ''} / ${g.cpu.max} % max`,
    g.sendLag ? `send lag p99 ${g.sendLag.p99} ms` : null,
    g.achievedRatio !== null ? `achieved ${(g.achievedRatio * 100).toFixed(2)} % of schedule` : null,
  ].filter(Boolean);
  lines.push(`  GENERATOR  ${g.saturated ? '⚠ SATURATED' : 'ok'} — ${health.join(', ')}`);
  for (const reason of g.reasons) lines.push(`    ⚠ ${reason}`);
  for (const w of r.warnings) if (!w.startsWith('generator saturated')) lines.push(`  ⚠ ${w}`);
  lines.push(...formatTargetResources(r));
  lines.push('');
  if (paths.result) lines.push(`  result ... ${paths.result}`);
  if (paths.report) lines.push(`  report ... ${paths.report}`);
  const failed = r.thresholds.filter((t) => !t.ok).length;
  const interrupted = r.partial && /interrupt/i.test(r.stopReason ?? '');
  // an interrupted run neither passed nor failed its thresholds: it says what held so far
  if (interrupted) lines.push(failed ? `  ⚠ interrupted — ${failed} threshold(s) failed so far` : r.thresholds.length ? '  ⚠ interrupted — thresholds met so far, not a pass' : '  ⚠ interrupted');
  else lines.push(failed ? `  ✗ ${failed} threshold(s) failed` : r.thresholds.length ? '  ✓ all thresholds passed' : '');
  return lines.join('\n') + '\n';
}

/**
 * The generator's own part of http_req_latency, beside it: how late the arrival-rate scheduler
 * started the iterations (nothing in a closed model, whose latency has no intended start).
 */
function sendLagNote(r: RunResult): string {
  const lag = r.generator.sendLag;
  if (lag === null) return '';
  return `  (generator send lag p50=${fmtMs(lag.p50)}${lag.p90 !== undefined ? ` p90=${fmtMs(lag.p90)}` : ''} p99=${fmtMs(lag.p99)})`;
}

/** Most frequent error messages shown in the summary. */
const SUMMARY_MESSAGES = 5;

/**
 * What the failed requests were, in words: the count, each kind with its count, and the most
 * frequent messages (name, method, text). Nothing when no request failed.
 */
export function formatErrors(r: RunResult): string[] {
  const failed = r.metrics.http_req_failed?.values;
  const nFailed = failed?.passes ?? 0;
  if (!failed || nFailed === 0) return [];
  const total = nFailed + (failed.fails ?? 0);
  const kinds = new Map<string, number>();
  for (const p of r.timeline) for (const [k, n] of Object.entries(p.errorsByKind)) kinds.set(k, (kinds.get(k) ?? 0) + n);
  const byKind = [...kinds].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const lines = [`  ERRORS  ${nFailed} of ${total} requests failed${nFailed === total ? ' — every request failed' : ''} (${pct(nFailed, total)})`];
  if (byKind.length > 0) lines.push(`    by kind: ${byKind.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  const messages = r.errors ?? [];
  for (const e of messages.slice(0, SUMMARY_MESSAGES)) lines.push(`    ${String(e.count).padStart(7)} × ${e.method && !e.name.startsWith(`${e.method} `) ? `${e.method} ` : ''}${e.name}: ${e.message}  [${e.kind}, first at ${e.firstT} s]`);
  if (messages.length > SUMMARY_MESSAGES) lines.push(`    … ${messages.length - SUMMARY_MESSAGES} more message(s) in the report`);
  lines.push('');
  return lines;
}

function order(name: string): number {
  const first = ['http_req_latency', 'http_req_duration', 'http_req_waiting', 'http_req_connecting', 'http_req_failed', 'http_reqs', 'iterations', 'iteration_duration', 'dropped_iterations', 'checks', 'vus', 'vus_max', 'data_received', 'data_sent'];
  const i = first.indexOf(name.replace(/\{.*$/, ''));
  return i < 0 ? first.length : i;
}

function formatValues(m: MetricResult): string {
  const v = m.values;
  switch (m.type) {
    case 'trend':
      return TREND_KEYS.filter((k) => v[k] !== undefined)
        .map((k) => `${k}=${m.contains === 'time' ? fmtMs(v[k] ?? 0) : fmtNumber(v[k] ?? 0)}`)
        .join(' ');
    case 'rate':
      return `${pct(v.passes ?? 0, (v.passes ?? 0) + (v.fails ?? 0))}  ${v.passes ?? 0} of ${(v.passes ?? 0) + (v.fails ?? 0)}`;
    case 'counter':
      return m.contains === 'data' ? `${fmtBytes(v.count ?? 0)}  ${fmtBytes(v.rate ?? 0)}/s` : `${v.count ?? 0}  ${fmtNumber(v.rate ?? 0)}/s`;
    case 'gauge':
      return `${v.value ?? 0}  min=${v.min ?? 0} max=${v.max ?? 0}`;
  }
}

export function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 1) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(0)}µs`;
}

function fmtNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(Math.abs(x) < 10 ? 3 : 1);
}

function fmtBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(1)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${Math.round(b)} B`;
}

function pct(part: number, total: number): string {
  return total ? `${((part / total) * 100).toFixed(2)}%` : '—';
}
