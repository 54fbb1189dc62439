// k6 `--out json` NDJSON file(s) → RunResult. One file per k6 runner (k6-operator writes one per
// pod); all files merge into one result: histograms add bucket by bucket, so the percentiles are
// those of every sample of every runner — what per-runner summaries cannot give.
import { evaluateThresholds, type MetricSource, type MetricView } from '../thresholds/evaluate.ts';
import { collectThresholds } from '../thresholds/parse.ts';
import { RunAggregate } from '../recorder/aggregate.ts';
import { newHistogram } from '../recorder/histogram.ts';
import type { IntervalSnapshot } from '../recorder/interval.ts';
import type { Histogram } from '../recorder/histogram.ts';
import { buildRunResult } from '../run/build-result.ts';
import type { RunResult } from '../result/schema.ts';
import { StampedeError } from '../errors.ts';
import { parseK6Time, parseLine, readLines } from './ndjson.ts';
import { K6_BUILTIN, SampleAccumulator, emptySecond, type MetricDecl } from './samples.ts';
import { MAX_K6_SPAN_MS, k6ValueProblem } from './value-limits.ts';
import { importedMeta, importedOptions, runNameOf, unknownGeneratorHealth } from './imported-result.ts';

/** Reads every file into one accumulator; file index = runner index. */
export async function accumulateNdjson(files: string[]): Promise<SampleAccumulator> {
  const acc = new SampleAccumulator();
  for (const [runner, file] of files.entries()) {
    for await (const { text, line } of readLines(file)) {
      const l = parseLine(text, file, line);
      if (l.type === 'Metric') {
        const d = l.data;
        acc.declare(l.metric, { type: d.type, contains: d.contains, thresholds: d.thresholds ?? [] }, (d.submetrics ?? []).map((s) => ({ name: s.name, tags: s.tags ?? null, thresholds: s.thresholds ?? null })));
        continue;
      }
      let decl: MetricDecl | undefined = acc.decls.get(l.metric);
      if (!decl) {
        const builtin = K6_BUILTIN[l.metric];
        if (!builtin) {
          throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: metric: a Point of "${l.metric}" before its Metric line (k6 writes the Metric line first); is the file cut or reordered?`);
        }
        decl = { ...builtin, thresholds: [] };
        acc.decls.set(l.metric, decl);
      }
      const t = parseK6Time(l.data.time);
      if (t === undefined) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: data.time: expected an RFC 3339 time such as "2021-02-24T13:37:10.123456789Z", got ${JSON.stringify(l.data.time)}`);
      if (!Number.isFinite(l.data.value)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: data.value: expected a finite number`);
      const bad = k6ValueProblem(decl.type, decl.contains, l.data.value);
      if (bad) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: data.value: ${bad} for ${l.metric}`);
      acc.add(l.metric, decl, t, l.data.value, l.data.tags ?? {}, runner);
    }
  }
  if (acc.points === 0) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${files.join(', ')}: no Point lines: nothing was measured (is this a k6 --out json file?)`);
  }
  // the result has one timeline entry per second of the test: a span of years is a corrupt time, not a test
  if (acc.maxMs - acc.minMs > MAX_K6_SPAN_MS) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${files.join(', ')}: data.time: the points span ${Math.round((acc.maxMs - acc.minMs) / 86_400_000)} days (from ${new Date(acc.minMs).toISOString()} to ${new Date(acc.maxMs).toISOString()}); expected at most ${MAX_K6_SPAN_MS / 86_400_000} days`);
  }
  return acc;
}

export async function importNdjson(files: string[]): Promise<RunResult> {
  const acc = await accumulateNdjson(files);
  const aggregate = new RunAggregate(1, () => null);
  const firstSec = Math.floor(acc.minMs / 1000);
  const lastSec = Math.floor(acc.maxMs / 1000);
  aggregate.elapsedMs = Math.max(1, acc.maxMs - acc.minMs);

  // one snapshot per second (gaps included, gauges carried over); the cumulative series ride on the first
  const lastVus = new Map<number, number>();
  const lastVusMax = new Map<number, number>();
  for (let s = firstSec; s <= lastSec; s++) {
    const sec = acc.seconds.get(s) ?? emptySecond();
    for (const [r, v] of sec.vus) lastVus.set(r, v);
    for (const [r, v] of sec.vusMax) lastVusMax.set(r, v);
    const snap: IntervalSnapshot<Histogram> = {
      t: s - firstSec,
      thread: 0,
      series:
        s === firstSec
          ? [...acc.series.values()].map((x) => ({
              key: x.key,
              tags: x.tags,
              trends: Object.fromEntries(x.trends),
              counters: Object.fromEntries(x.counters),
              rates: Object.fromEntries([...x.rates].map(([n, r]) => [n, [r.passes, r.fails] as [number, number]])),
            }))
          : [],
      latency: newHistogram(),
      duration: sec.duration,
      sendLag: newHistogram(),
      loopLag: newHistogram(),
      requests: sec.requests,
      failed: sec.failed,
      errorsByKind: sec.errorsByKind,
      started: sec.completed,
      completed: sec.completed,
      dropped: sec.dropped,
      dataSent: sec.dataSent,
      dataReceived: sec.dataReceived,
      checksPassed: sec.checksPassed,
      checksFailed: sec.checksFailed,
      vus: sum(lastVus),
      vusMax: sum(lastVusMax),
    };
    aggregate.add(snap);
  }
  aggregate.finish();

  // thresholds as k6 declared them on the Metric lines (every runner declares the same ones)
  const raw: Record<string, unknown[]> = {};
  for (const [name, d] of acc.decls) if (d.thresholds.length > 0) raw[name] = d.thresholds;
  for (const [name, list] of acc.subThresholds) raw[name] = list;
  const { defs, issues } = collectThresholds(raw);
  const warnings: string[] = [
    'imported from k6 --out json: http_req_latency is absent — k6 measures http_req_duration from the actual send and has no coordinated-omission-corrected latency; read dropped_iterations for the arrivals k6 could not start',
    "k6 does not record iteration starts: the timeline's 'started' is the iterations completed in that second",
    'generator health (event-loop lag, CPU) is not in k6 output: shown as zeros, never flagged',
  ];
  if (files.length > 1) warnings.push(`merged ${files.length} runner files; thresholds re-evaluated over all runners' samples (each k6 runner only evaluated its own share)`);
  for (const i of issues) warnings.push(`threshold not evaluated: ${i.path}: ${i.message}`);

  const gauges = acc.gauges;
  const source: MetricSource = {
    lookup(metric, tags): MetricView | undefined {
      const g = gauges.get(metric);
      if (g && Object.keys(tags).length === 0) return { type: 'gauge', aggregate: (a) => (a === 'value' ? g.value : a === 'min' ? g.min : a === 'max' ? g.max : undefined) };
      return aggregate.view(metric, tags);
    },
  };
  const { verdicts } = evaluateThresholds(defs, source, aggregate.elapsedMs, true);

  const name = runNameOf(files, acc.testRunNames);
  const result = buildRunResult({
    scenario: { file: files[0] ?? '', name, hash: '', warnings: [] },
    options: importedOptions(defs),
    aggregate,
    verdicts,
    env: {},
    target: null,
    targetConfig: null,
    startedAt: new Date(acc.minMs),
    endedAt: new Date(acc.maxMs),
    threads: files.length,
    stopReason: null,
    journeyErrors: new Map(),
    cpuCount: 0,
  });
  result.meta = await importedMeta({ from: 'k6-json', files, histograms: true, name, startMs: acc.minMs, endMs: acc.maxMs });
  result.generator = unknownGeneratorHealth(files.length);
  // what k6 declared wins over Stampede's defaults (custom trends may not be times)
  for (const [metric, m] of Object.entries(result.metrics)) {
    const d = acc.decls.get(metric.replace(/\{.*$/, ''));
    if (d) m.contains = d.contains;
  }
  for (const t of result.tagged) {
    const d = acc.decls.get(t.metric);
    if (d) t.contains = d.contains;
  }
  for (const [metric, g] of gauges) {
    const m = { type: 'gauge' as const, contains: acc.decls.get(metric)?.contains ?? 'default', values: { value: g.value, min: g.min, max: g.max } };
    result.metrics[metric] = { ...m, ...(result.metrics[metric]?.thresholds ? { thresholds: result.metrics[metric].thresholds } : {}) };
  }
  attachGaugeThresholds(result, verdicts);
  result.warnings = [...warnings, ...result.warnings];
  return result;
}

/** buildRunResult attaches verdicts only to metrics the aggregate knows; custom gauges came later. */
function attachGaugeThresholds(result: RunResult, verdicts: RunResult['thresholds']): void {
  for (const v of verdicts) {
    const m = result.metrics[v.key];
    if (m && m.type === 'gauge' && !m.thresholds?.[v.source]) m.thresholds = { ...m.thresholds, [v.source]: { ok: v.ok } };
  }
}

function sum(m: Map<number, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
