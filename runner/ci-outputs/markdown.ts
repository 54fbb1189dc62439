// A Markdown summary of a run for a CI job's summary page (`stampede run --summary-md FILE`,
// e.g. appended to $GITHUB_STEP_SUMMARY): verdict, headline numbers, thresholds, checks,
// warnings. Every string from the run is escaped: a hostile check name cannot inject HTML,
// links or table cells.
import type { MetricResult, RunResult } from '../result/schema.ts';

/** Escapes Markdown and inline HTML; newlines become spaces (table cells are one line). */
export function md(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~-])/g, '\\$1');
}

function num(n: number | undefined, digits = 2): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function ms(m: MetricResult | undefined, key: string): string {
  const v = m?.values[key];
  return v === undefined ? '—' : `${num(v)} ms`;
}

export function toMarkdownSummary(result: RunResult): string {
  const failed = result.thresholds.filter((t) => !t.ok);
  const verdict =
    failed.length > 0
      ? `❌ ${failed.length} of ${result.thresholds.length} thresholds failed`
      : result.thresholds.length > 0
        ? `✅ all ${result.thresholds.length} thresholds passed`
        : 'no thresholds defined';
  const out: string[] = [];
  out.push(`## Stampede: ${md(result.meta.scenarioName)} — ${verdict}`, '');
  if (result.partial) out.push(`> ⚠️ partial run: ${md(result.stopReason ?? 'stopped early')}`, '');
  if (result.generator.saturated) out.push(`> ⚠️ the load generator was saturated: ${md(result.generator.reasons.join('; '))}`, '');
  if (result.meta.imported) out.push(`> imported from ${md(result.meta.imported.from)}${result.meta.imported.histograms ? '' : ' (summary values only, no histograms)'}`, '');

  const m = result.metrics;
  const seconds = result.meta.durationMs / 1000;
  const reqs = m.http_reqs?.values.count;
  const failRate = m.http_req_failed?.values.rate;
  const checks = m.checks?.values;
  out.push('| | |', '|---|---|');
  out.push(`| duration | ${num(seconds, 1)} s |`);
  out.push(`| requests | ${num(reqs, 0)} (${num(reqs !== undefined && seconds > 0 ? reqs / seconds : undefined, 1)}/s) |`);
  out.push(`| failed requests | ${failRate === undefined ? '—' : `${num(failRate * 100, 2)} %`} |`);
  if (m.http_req_latency) out.push(`| latency (from intended start) p50 / p90 / p99 | ${ms(m.http_req_latency, 'p(50)')} / ${ms(m.http_req_latency, 'p(90)')} / ${ms(m.http_req_latency, 'p(99)')} |`);
  if (m.http_req_duration) out.push(`| duration (from send) p50 / p90 / p99 | ${ms(m.http_req_duration, 'p(50)') === '—' ? ms(m.http_req_duration, 'med') : ms(m.http_req_duration, 'p(50)')} / ${ms(m.http_req_duration, 'p(90)')} / ${ms(m.http_req_duration, 'p(99)')} |`);
  out.push(`| iterations / dropped | ${num(m.iterations?.values.count, 0)} / ${num(m.dropped_iterations?.values.count ?? 0, 0)} |`);
  if (checks) out.push(`| checks passed | ${num((checks.rate ?? 0) * 100, 2)} % (${num(checks.passes, 0)} of ${num((checks.passes ?? 0) + (checks.fails ?? 0), 0)}) |`);
  out.push('');

  if (result.thresholds.length > 0) {
    out.push('### Thresholds', '', '| | metric | threshold | observed |', '|---|---|---|---|');
    for (const t of result.thresholds) out.push(`| ${t.ok ? '✅' : '❌'} | ${md(t.key)} | ${md(t.source)} | ${t.observed === null ? '—' : num(t.observed, 3)}${t.aborted ? ' (aborted the run)' : ''} |`);
    out.push('');
  }
  if (result.checks.length > 0) {
    out.push('### Checks', '', '| | check | passed | failed |', '|---|---|---|---|');
    for (const c of result.checks) out.push(`| ${c.fails === 0 ? '✅' : '❌'} | ${md(c.path)}${c.scenario ? ` (${md(c.scenario)})` : ''} | ${c.passes} | ${c.fails} |`);
    out.push('');
  }
  if (result.warnings.length > 0) {
    out.push('### Warnings', '');
    for (const w of result.warnings) out.push(`- ${md(w)}`);
    out.push('');
  }
  return out.join('\n');
}
