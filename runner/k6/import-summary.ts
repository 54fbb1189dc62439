// k6's end-of-test summary JSON → RunResult, with what the summary has: aggregated values and
// the percentiles k6 computed (summaryTrendStats), threshold verdicts, checks. No histograms, no
// timeline: meta.imported.histograms is false and the warnings say so. Two shapes exist:
// - handleSummary's `data` (JSON.stringify(data)): metrics.<m> = { type, contains, values, thresholds: { expr: { ok } } },
//   root_group.groups / .checks are arrays, state.testRunDurationMs gives the duration;
// - `--summary-export` (k6's js/summary-wrapper.js oldJSONSummary): metrics.<m> = the values
//   themselves, a rate's `rate` renamed `value`, thresholds { expr: <true when it FAILED> },
//   groups and checks as objects keyed by name, no options/state.
import { stat } from 'node:fs/promises';
import { z } from 'zod';
import { StampedeError } from '../errors.ts';
import type { CheckResult, MetricResult, MetricType, RunResult, TaggedMetric, ThresholdVerdict } from '../result/schema.ts';
import { RUN_RESULT_SCHEMA_VERSION } from '../result/schema.ts';
import { validateOrThrow } from '../result/validate.ts';
import { collectThresholds, parseMetricKey, parseThresholdExpression } from '../thresholds/parse.ts';
import { importedMeta, importedOptions, unknownGeneratorHealth } from './imported-result.ts';
import { K6_BUILTIN } from './samples.ts';
import { MAX_K6_SPAN_MS, MAX_K6_VALUE, k6ValueProblem } from './value-limits.ts';

const numbers = z.record(z.string(), z.unknown());

const newMetric = z.object({
  type: z.enum(['trend', 'counter', 'rate', 'gauge']),
  contains: z.enum(['default', 'time', 'data']).default('default'),
  values: z.record(z.string(), z.number().refine((v) => Math.abs(v) <= MAX_K6_VALUE, { error: `expected a number of at most ${MAX_K6_VALUE} in magnitude` })),
  thresholds: z.record(z.string(), z.object({ ok: z.boolean() }).loose()).optional(),
});

const checkSchema = z.object({ name: z.string(), path: z.string().optional(), passes: z.number().int().nonnegative(), fails: z.number().int().nonnegative() }).loose();

interface Group {
  name?: string;
  groups?: Group[] | Record<string, Group>;
  checks?: unknown[] | Record<string, unknown>;
}

export const summarySchema = z
  .object({
    metrics: z.record(z.string(), numbers),
    root_group: z.unknown().optional(),
    state: z.object({ testRunDurationMs: z.number().min(0, { error: 'expected a duration ≥ 0 ms' }).max(MAX_K6_SPAN_MS, { error: `expected at most ${MAX_K6_SPAN_MS} ms` }).optional() }).loose().optional(),
  })
  .loose();

/** True when the parsed JSON looks like a k6 summary (either shape). */
export function looksLikeSummary(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && !Array.isArray(doc) && typeof (doc as { metrics?: unknown }).metrics === 'object' && (doc as { type?: unknown }).type === undefined;
}

export async function importSummary(file: string, doc: unknown): Promise<RunResult> {
  const summary = validateOrThrow(summarySchema, doc, file, 'STAMPEDE_E_INPUT_INVALID');
  const metrics: Record<string, MetricResult> = {};
  const tagged: TaggedMetric[] = [];
  const verdicts: ThresholdVerdict[] = [];
  const rawThresholds: Record<string, string[]> = {};
  for (const [key, entry] of Object.entries(summary.metrics)) {
    const m = toMetric(file, key, entry);
    metrics[key] = m;
    const { metric, tags } = safeKey(key);
    if (Object.keys(tags).length > 0) tagged.push({ ...m, metric, tags });
    for (const [source, { ok }] of Object.entries(m.thresholds ?? {})) {
      (rawThresholds[key] ??= []).push(source);
      verdicts.push({ key, source, ok, observed: observed(m, source), abortOnFail: false, aborted: false });
    }
  }
  const { defs } = collectThresholds(rawThresholds);
  const checks: CheckResult[] = [];
  collectChecks(file, summary.root_group as Group | undefined, '', checks);

  const durationMs = summary.state?.testRunDurationMs ?? durationFromCounters(metrics);
  const endMs = (await stat(file)).mtimeMs;
  const name = 'k6-summary';
  const warnings = [
    "imported from a k6 end-of-test summary: only the statistics k6 computed are known (summaryTrendStats); no histograms, no per-second timeline, so percentiles other than those listed cannot be derived and results of several runners cannot be merged — import k6's --out json files for that",
    'http_req_latency is absent: k6 measures http_req_duration from the actual send (no coordinated-omission correction)',
    `start and end times are estimates: the end is the summary file's modification time, the duration ${summary.state?.testRunDurationMs !== undefined ? "k6's testRunDurationMs" : 'count ÷ rate of a counter'}`,
  ];
  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    kind: 'run',
    meta: await importedMeta({ from: 'k6-summary', files: [file], histograms: false, name, startMs: endMs - durationMs, endMs }),
    options: { ...importedOptions(defs), thresholds: defs.map((d) => ({ ...d })) },
    partial: false,
    stopReason: null,
    metrics,
    tagged,
    thresholds: verdicts,
    checks,
    timeline: [],
    generator: unknownGeneratorHealth(1),
    server: null,
    warnings,
  };
  return result;
}

function safeKey(key: string): { metric: string; tags: Record<string, string> } {
  try {
    return parseMetricKey(key);
  } catch {
    return { metric: key, tags: {} };
  }
}

function toMetric(file: string, key: string, entry: Record<string, unknown>): MetricResult {
  if ('values' in entry && 'type' in entry) {
    const p = newMetric.safeParse(entry);
    if (!p.success) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}]: ${p.error.issues[0]?.message ?? 'invalid'} (expected { type, contains, values, thresholds })`);
    for (const [k, v] of Object.entries(p.data.values)) {
      const bad = k6ValueProblem(p.data.type, p.data.contains, v, k);
      if (bad) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}].values.${k}: ${bad}`);
    }
    const m: MetricResult = { type: p.data.type, contains: p.data.contains, values: p.data.values };
    if (p.data.thresholds) m.thresholds = Object.fromEntries(Object.entries(p.data.thresholds).map(([k, v]) => [k, { ok: v.ok }]));
    return m;
  }
  // --summary-export: flat values
  const values: Record<string, number> = {};
  let thresholds: Record<string, { ok: boolean }> | undefined;
  for (const [k, v] of Object.entries(entry)) {
    if (k === 'thresholds') {
      if (typeof v !== 'object' || v === null) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}].thresholds: expected an object of expression → boolean`);
      thresholds = {};
      for (const [expr, failed] of Object.entries(v)) {
        if (typeof failed !== 'boolean') throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}].thresholds[${JSON.stringify(expr)}]: expected true (failed) or false (passed), got ${JSON.stringify(failed)}`);
        // --summary-export writes `true` when the threshold FAILED (js/summary-wrapper.js: !threshold.ok)
        thresholds[expr] = { ok: !failed };
      }
    } else if (typeof v === 'number') values[k] = v;
    else throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}].${k}: expected a number, got ${JSON.stringify(v)}`);
  }
  const type = inferType(values);

  if (!type) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}]: not a k6 metric: expected trend (avg, med, p(N)), counter (count, rate), rate (value, passes, fails) or gauge (value, min, max) values, got keys ${Object.keys(values).join(', ') || 'none'}`);
  if (type === 'rate' && values.value !== undefined) {
    values.rate = values.value;
    delete values.value;
  }
  const base = safeKey(key).metric;
  const contains = K6_BUILTIN[base]?.contains ?? (type === 'trend' ? 'time' : 'default');
  for (const [k, v] of Object.entries(values)) {
    const bad = k6ValueProblem(type, contains, v, k);
    if (bad) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics[${JSON.stringify(key)}].${k === 'rate' ? 'value' : k}: ${bad}`);
  }
  const m: MetricResult = { type, contains, values };
  if (thresholds) m.thresholds = thresholds;
  return m;
}

function inferType(v: Record<string, number>): MetricType | undefined {
  if ('avg' in v || 'med' in v || Object.keys(v).some((k) => k.startsWith('p('))) return 'trend';
  if ('passes' in v && 'fails' in v) return 'rate';
  if ('count' in v) return 'counter';
  if ('value' in v) return 'gauge';
  return undefined;
}

/** The observed value of a threshold's aggregation, when the summary has it. */
function observed(m: MetricResult, source: string): number | null {
  try {
    const e = parseThresholdExpression(source);
    const v = m.values[e.aggregation];
    return v === undefined ? null : v;
  } catch {
    return null;
  }
}

function durationFromCounters(metrics: Record<string, MetricResult>): number {
  for (const name of ['iterations', 'http_reqs', 'data_received']) {
    const v = metrics[name]?.values;
    if (v?.count !== undefined && v.rate !== undefined && v.rate > 0) return (v.count / v.rate) * 1000;
  }
  return 0;
}

function collectChecks(file: string, group: Group | undefined, path: string, out: CheckResult[]): void {
  if (!group || typeof group !== 'object') return;
  const checks = Array.isArray(group.checks) ? group.checks : Object.values(group.checks ?? {});
  for (const [i, c] of checks.entries()) {
    const p = checkSchema.safeParse(c);
    if (!p.success) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: root_group${path ? ` (group ${path})` : ''}.checks[${i}]: expected { name, passes, fails }`);
    out.push({ name: p.data.name, path: p.data.path ?? `${path}::${p.data.name}`, passes: p.data.passes, fails: p.data.fails });
  }
  const groups = Array.isArray(group.groups) ? group.groups : Object.values(group.groups ?? {});
  for (const g of groups) collectChecks(file, g, `${path}::${g.name ?? ''}`, out);
}

