// The headline of a run: verdict, totals, and both p99s, each with its value and a label.
import type { RunResult } from '../../runner/result/schema.ts';
import { formatBytes, formatCount, formatDurationMs, formatMs, formatPercent, formatRate } from './format.ts';
import { DURATION, LATENCY } from './labels.ts';
import { resourceFigures } from '../../runner/result/resource-figures.ts';

export interface Stat {
  /** stable id for tests and anchors (never from run data) */
  id: string;
  label: string;
  value: string;
  /** the unformatted number, for tests and tooltips */
  raw: number | null;
  tone?: 'bad' | 'good';
}

export interface RunSummary {
  title: string;
  /** 'interrupted' (Ctrl-C) wins over the thresholds: a run cut short neither passed nor failed them */
  verdict: { ok: boolean; state: 'passed' | 'failed' | 'interrupted'; text: string } | null;
  partial: string | null;
  /** when no request succeeded: what the errors were, in words (kind and count, the first message) */
  allFailed: string | null;
  facts: Array<{ label: string; value: string }>;
  stats: Stat[];
}

const v = (result: RunResult, metric: string, key: string): number | null => {
  const m = Object.hasOwn(result.metrics, metric) ? result.metrics[metric] : undefined;
  const x = m?.values[key];
  return x === undefined ? null : x;
};

/** A run stopped by Ctrl-C (or SIGTERM): partial, and its stop reason says so. */
export function isInterrupted(result: Pick<RunResult, 'partial' | 'stopReason'>): boolean {
  return result.partial && /interrupt/i.test(result.stopReason ?? '');
}

const maxOf = (result: RunResult, key: 'vus' | 'vusMax'): number | null => (result.timeline.length === 0 ? null : Math.max(...result.timeline.map((p) => p[key])));

/** "Every request failed (20 of 20): connect_refused 20. Most frequent: GET home — connect ECONNREFUSED …" or null. */
export function allFailedText(result: RunResult): string | null {
  const f = Object.hasOwn(result.metrics, 'http_req_failed') ? result.metrics.http_req_failed?.values : undefined;
  const failed = f?.passes ?? 0;
  if (!f || failed === 0 || (f.fails ?? 0) > 0) return null;
  const kinds = new Map<string, number>();
  for (const p of result.timeline) for (const [k, n] of Object.entries(p.errorsByKind)) kinds.set(k, (kinds.get(k) ?? 0) + n);
  const byKind = [...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${formatCount(n)}`).join(', ');
  const first = result.errors?.[0];
  const msg = first ? ` Most frequent: ${first.method && !first.name.startsWith(`${first.method} `) ? `${first.method} ` : ''}${first.name} — ${first.message} (×${formatCount(first.count)}).` : '';
  return `Every request failed (${formatCount(failed)} of ${formatCount(failed)})${byKind ? `: ${byKind}` : ''}.${msg} No latency here describes the target.`;
}

/** A target Stampede started and measured from /proc: what a request cost it, and its memory. */
function targetStats(result: RunResult): Stat[] {
  const res = result.server?.resources;
  if (!res) return [];
  const f = resourceFigures(res, v(result, 'http_reqs', 'count') ?? 0);
  return [
    { id: 'target-cpu-per-1k', label: 'target CPU-s per 1,000 requests', value: f.cpuSecondsPer1000Requests === null ? '—' : f.cpuSecondsPer1000Requests.toFixed(3), raw: f.cpuSecondsPer1000Requests },
    { id: 'target-req-per-core', label: 'requests per target core-second', value: formatCount(f.requestsPerCoreSecond), raw: f.requestsPerCoreSecond },
    { id: 'target-peak-rss', label: 'target peak RSS', value: `${res.peakRssMb.toFixed(res.peakRssMb < 10 ? 1 : 0)} MB`, raw: res.peakRssMb },
  ];
}

export function runSummary(result: RunResult): RunSummary {
  const failedThresholds = result.thresholds.filter((t) => !t.ok).length;
  const n = result.thresholds.length;
  const verdict: RunSummary['verdict'] = isInterrupted(result)
    ? { ok: false, state: 'interrupted', text: `interrupted${n === 0 ? '' : failedThresholds > 0 ? `: ${failedThresholds} of ${n} thresholds not met so far` : ': thresholds met so far, not a pass'}` }
    : n === 0 ? null : failedThresholds === 0
      ? { ok: true, state: 'passed', text: `passed: all ${n} thresholds met` }
      : { ok: false, state: 'failed', text: `failed: ${failedThresholds} of ${n} thresholds not met` };
  const errRate = v(result, 'http_req_failed', 'rate');
  const dropped = v(result, 'dropped_iterations', 'count') ?? 0;
  const checksRate = v(result, 'checks', 'rate');
  const m = result.meta;
  const facts = [
    { label: 'scenario file', value: m.scenarioFile },
    { label: 'started', value: m.startTime },
    { label: 'duration', value: formatDurationMs(m.durationMs) },
    { label: 'target', value: m.target ?? '—' },
    ...(m.targetConfig ? [{ label: 'target config', value: Object.entries(m.targetConfig).map(([k, x]) => `${k}=${x}`).join(', ') }] : []),
    { label: 'executors', value: result.options.scenarios.map((s) => `${s.name}: ${s.executor}`).join('; ') || '—' },
    { label: 'generator', value: `${m.tool.name} ${m.tool.version}, node ${m.node}, ${m.platform}, ${m.cpus} × ${m.cpuModel}` },
    ...(m.imported ? [{ label: 'imported from', value: `${m.imported.from}: ${m.imported.files.join(', ')}` }] : []),
  ];
  const stats: Stat[] = [
    { id: 'requests', label: 'requests', value: formatCount(v(result, 'http_reqs', 'count')), raw: v(result, 'http_reqs', 'count') },
    { id: 'rate', label: 'request rate', value: formatRate(v(result, 'http_reqs', 'rate')), raw: v(result, 'http_reqs', 'rate') },
    { id: 'error-rate', label: 'failed requests', value: formatPercent(errRate), raw: errRate, ...(errRate !== null && errRate > 0 ? { tone: 'bad' as const } : {}) },
    { id: 'latency-p99', label: `p99 ${LATENCY.short}`, value: formatMs(v(result, LATENCY.metric, 'p(99)')), raw: v(result, LATENCY.metric, 'p(99)') },
    { id: 'duration-p99', label: `p99 ${DURATION.short}`, value: formatMs(v(result, DURATION.metric, 'p(99)')), raw: v(result, DURATION.metric, 'p(99)') },
    { id: 'dropped', label: 'dropped iterations', value: formatCount(dropped), raw: dropped, ...(dropped > 0 ? { tone: 'bad' as const } : {}) },
    { id: 'checks', label: 'checks passed', value: formatPercent(checksRate), raw: checksRate },
    // busy and allocated VUs, from the same per-second points the VU chart draws
    { id: 'vus-max', label: 'VUs busy (max)', value: formatCount(maxOf(result, 'vus') ?? v(result, 'vus', 'max')), raw: maxOf(result, 'vus') ?? v(result, 'vus', 'max') },
    { id: 'vus-allocated', label: 'VUs allocated (max)', value: formatCount(maxOf(result, 'vusMax') ?? v(result, 'vus_max', 'max')), raw: maxOf(result, 'vusMax') ?? v(result, 'vus_max', 'max') },
    { id: 'data-sent', label: 'data sent', value: formatBytes(v(result, 'data_sent', 'count') ?? 0), raw: v(result, 'data_sent', 'count') },
    { id: 'data-received', label: 'data received', value: formatBytes(v(result, 'data_received', 'count') ?? 0), raw: v(result, 'data_received', 'count') },
    ...targetStats(result),
  ];
  return {
    title: m.scenarioName,
    verdict,
    partial: result.partial ? `This run did not finish its schedule${result.stopReason ? `: ${result.stopReason}` : ''}.` : null,
    allFailed: allFailedText(result),
    facts,
    stats,
  };
}
