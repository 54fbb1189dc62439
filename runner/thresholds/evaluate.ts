// Threshold evaluation with k6's behaviour (metrics/thresholds.go, metrics/engine/engine.go):
// - over the whole run so far (no window);
// - a counter's `rate` is its count per second of the run so far (k6: value / test duration);
// - during the run, a metric without samples is skipped (not failed); at the end k6 evaluates it
//   anyway, with its sinks' zero values: an empty counter, gauge or trend compares as 0
//   ('count<10' passes, 'count>0' fails, 'p(95)<200' passes), an empty rate metric has no rate
//   and passes;
// - abortOnFail stops the run when the threshold fails after delayAbortEval has elapsed
//   (k6: `!delay.Valid || delay < timeSpentInTest`), only while the run is going, never at the end.
import type { ThresholdVerdict } from '../result/schema.ts';
import type { ThresholdDef } from './types.ts';
import { BUILTIN_METRICS, type MetricType } from './metrics.ts';

export interface MetricView {
  type: 'trend' | 'counter' | 'rate' | 'gauge';
  /** the aggregation ('avg', 'p(99)' with percentile 99, 'count', 'rate', 'value', ...); undefined when there are no samples */
  aggregate(aggregation: string, percentile?: number): number | undefined;
}

export interface MetricSource {
  /** the metric restricted to samples carrying all of `tags` ({} = the whole metric); undefined when never recorded */
  lookup(metric: string, tags: Record<string, string>): MetricView | undefined;
}

export interface ThresholdEvaluation {
  verdicts: ThresholdVerdict[];
  /** the first threshold that asks to abort the run now (abortOnFail, failed, past delayAbortEval); null otherwise */
  abortBy: ThresholdDef | null;
}

/**
 * Evaluates every threshold against the metrics so far. `final` is the end-of-run evaluation
 * (empty metrics count as k6 counts them; no abort). `abortedBy`, at the end of a run that a
 * threshold aborted, marks that threshold's verdict `aborted`.
 */
export function evaluateThresholds(
  defs: readonly ThresholdDef[],
  source: MetricSource,
  elapsedMs: number,
  final: boolean,
  abortedBy: ThresholdDef | null = null,
): ThresholdEvaluation {
  let abortBy: ThresholdDef | null = null;
  const verdicts: ThresholdVerdict[] = [];
  for (const def of defs) {
    const view = source.lookup(def.metric, def.tags);
    const type: MetricType | undefined = view?.type ?? (Object.hasOwn(BUILTIN_METRICS, def.metric) ? BUILTIN_METRICS[def.metric] : undefined);
    const observed = view === undefined ? undefined : observe(view, def, elapsedMs);
    let ok: boolean;
    let shown: number | null;
    if (observed !== undefined) {
      ok = compare(observed, def.operator, def.value);
      shown = observed;
    } else if (!final) {
      ok = true; // k6 skips empty sinks while the run goes on
      shown = null;
    } else if (type === 'rate' || (type === undefined && def.aggregation === 'rate')) {
      ok = true; // k6: an empty rate sink yields no value, so nothing to fail
      shown = null;
    } else {
      // k6 compares an empty counter, gauge or trend as 0; a counter's 0 is its true value
      ok = compare(0, def.operator, def.value);
      shown = type === 'counter' ? 0 : null;
    }
    // a latency measured only on failed requests (a refused connection answers in 1 ms) says
    // nothing about the target: with requests but no successful one, the threshold fails
    const noSuccess = REQUEST_TIME_METRICS.has(def.metric) ? noSuccessfulRequest(source, def.tags) : null;
    let note: string | undefined;
    if (noSuccess !== null) {
      ok = false;
      note = `no request succeeded (${noSuccess} of ${noSuccess} failed): a latency of failed requests cannot pass`;
    }
    const abortsNow = !final && !ok && def.abortOnFail && elapsedMs > def.delayAbortEvalMs;
    if (abortsNow && abortBy === null) abortBy = def;
    verdicts.push({
      key: def.key,
      source: def.source,
      ok,
      observed: shown,
      abortOnFail: def.abortOnFail,
      aborted: abortBy === def || (abortedBy !== null && sameThreshold(abortedBy, def)),
      ...(note !== undefined ? { note } : {}),
    });
  }
  return { verdicts, abortBy };
}

/** Time metrics of HTTP requests: their thresholds need at least one successful request. */
const REQUEST_TIME_METRICS = new Set(['http_req_latency', 'http_req_duration', 'http_req_waiting']);

/** The number of requests (matching `tags`) when there were some and every one failed; else null. */
function noSuccessfulRequest(source: MetricSource, tags: Record<string, string>): number | null {
  const count = source.lookup('http_reqs', tags)?.aggregate('count');
  const failedRate = source.lookup('http_req_failed', tags)?.aggregate('rate');
  if (count === undefined || !(count > 0) || failedRate === undefined) return null;
  return failedRate >= 1 ? count : null;
}

function observe(view: MetricView, def: ThresholdDef, elapsedMs: number): number | undefined {
  let v: number | undefined;
  if (view.type === 'counter' && def.aggregation === 'rate') {
    const count = view.aggregate('count');
    v = count === undefined || elapsedMs <= 0 ? undefined : count / (elapsedMs / 1000);
  } else {
    v = view.aggregate(def.aggregation, def.percentile);
  }
  return v === undefined || Number.isNaN(v) ? undefined : v;
}

function sameThreshold(a: ThresholdDef, b: ThresholdDef): boolean {
  return a === b || (a.key === b.key && a.source === b.source);
}

/** k6: == and === are the same on numbers. */
export function compare(lhs: number, operator: ThresholdDef['operator'], rhs: number): boolean {
  switch (operator) {
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '==':
    case '===':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
  }
}
