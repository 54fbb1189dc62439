// The SLO a capacity probe is judged against, and the judgement itself.
//
// A probe PASSES when, in its measured window: every latency expression holds on
// http_req_latency (from the intended start: coordinated omission corrected), the error rate
// holds, completions per second reach ≥ 99 % of the offered rate, and no iteration was dropped.
//
// Otherwise it FAILS — unless the generator is the reason, then it is GENERATOR-LIMITED, which
// the search never takes for the target's limit. The generator is the reason when
//  - iterations were dropped (no free VU at maxVUs) while the target's service time
//    (http_req_duration) met the latency SLO and errors were within bounds: the target was
//    fast; the generator could not offer the rate with the VUs it was allowed;
//  - its event loop lagged (p99 over 10 ms in a window second) or its CPU was saturated, and
//    the failure is within what that lag explains (see targetEvidence). A pass under those
//    conditions is still a pass: the latency measured is an upper bound.
// result.generator.saturated alone is not used: it also counts dropped iterations, and those
// are the target's fault when its responses are slow (every VU is waiting on it).
import { StampedeError } from '../errors.ts';
import { parseThresholdExpression, type ThresholdExpression } from '../thresholds/parse.ts';
import { compare } from '../thresholds/evaluate.ts';
import { supportsAggregation } from '../thresholds/metrics.ts';
import { SATURATION } from '../run/build-result.ts';
import { aggregateMs, type WindowMeasurement } from '../analysis/window.ts';
import type { ProbeVerdict } from '../result/capacity-schema.ts';

export interface SloExpression extends ThresholdExpression {
  source: string;
}

export interface Slo {
  latency: SloExpression[];
  errors: SloExpression;
  minAchievedRatio: number;
}

export const MIN_ACHIEVED_RATIO = 0.99;

function parseFlag(flag: string, source: string, metricType: 'trend' | 'rate', metricName: string): SloExpression {
  let parsed: ThresholdExpression;
  try {
    parsed = parseThresholdExpression(source.trim());
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede capacity: --${flag}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!supportsAggregation(metricType, parsed.aggregation)) {
    const want = metricType === 'trend' ? 'avg, min, med, max or p(N) (latency in ms), e.g. "p(99)<200"' : 'rate (a share of failed requests), e.g. "rate<0.01"';
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede capacity: --${flag}: ${metricName} is a ${metricType}; expected ${want}, got ${JSON.stringify(source)}`);
  }
  return { ...parsed, source: source.trim() };
}

/** Parses --slo (one or more latency expressions) and --errors; a bad one names its flag. */
export function parseSlo(latency: readonly string[], errors: string): Slo {
  if (latency.length === 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede capacity: --slo is required (a latency objective such as 'p(99)<200', in ms)`);
  return {
    latency: latency.flatMap((s) => s.split(',').filter((x) => x.trim() !== '')).map((s) => parseFlag('slo', s, 'trend', 'http_req_latency')),
    errors: parseFlag('errors', errors, 'rate', 'http_req_failed'),
    minAchievedRatio: MIN_ACHIEVED_RATIO,
  };
}

/** The largest latency bound of the SLO (ms), for sizing VUs; 1 s when the SLO has no upper bound. */
export function sloLatencyBoundMs(slo: Slo): number {
  const bounds = slo.latency.filter((e) => e.operator === '<' || e.operator === '<=').map((e) => e.value);
  return bounds.length > 0 ? Math.max(...bounds) : 1000;
}

export interface GeneratorWindowHealth {
  eventLoopLagP99: number;
  cpuMean: number;
  /** CPU budget in percent (100 × threads) */
  cpuBudget: number;
}

export interface ProbeJudgement {
  verdict: ProbeVerdict;
  reasons: string[];
  generatorReasons: string[];
}

function latencyFailures(slo: Slo, w: WindowMeasurement, which: 'latency' | 'duration'): string[] {
  const h = which === 'latency' ? w.latencyHistogram : w.durationHistogram;
  const metric = which === 'latency' ? 'http_req_latency' : 'http_req_duration';
  if (h.totalCount === 0) return [`no ${metric} samples in the window (no request completed)`];
  const out: string[] = [];
  for (const e of slo.latency) {
    const v = aggregateMs(h, e.aggregation, e.percentile);
    if (v === undefined || !compare(v, e.operator, e.value)) out.push(`${metric} ${e.aggregation} = ${v === undefined ? 'none' : `${round(v)} ms`}, SLO ${e.source}`);
  }
  return out;
}

export function judgeProbe(slo: Slo, w: WindowMeasurement, gen: GeneratorWindowHealth): ProbeJudgement {
  const reasons: string[] = [];
  reasons.push(...latencyFailures(slo, w, 'latency'));
  const errorsOk = w.errorRate === null || compare(w.errorRate, slo.errors.operator, slo.errors.value);
  if (!errorsOk) reasons.push(`error rate ${(w.errorRate! * 100).toFixed(2)} %, SLO ${slo.errors.source}`);
  if (w.achievedRatio !== null && w.achievedRatio < slo.minAchievedRatio) {
    reasons.push(`achieved ${w.throughput.toFixed(1)}/s = ${(w.achievedRatio * 100).toFixed(1)} % of the offered rate (need ≥ ${slo.minAchievedRatio * 100} %)`);
  }
  if (w.dropped > 0) reasons.push(`${w.dropped} iteration(s) dropped (no free VU)`);

  const generatorReasons: string[] = [];
  const lag = gen.eventLoopLagP99;
  if (lag > SATURATION.loopLagP99Ms) generatorReasons.push(`generator event-loop lag p99 ${round(lag)} ms > ${SATURATION.loopLagP99Ms} ms`);
  if (gen.cpuMean > (SATURATION.cpuPercent / 100) * gen.cpuBudget) generatorReasons.push(`generator CPU ${round(gen.cpuMean)} % of ${gen.cpuBudget} % > ${SATURATION.cpuPercent} %`);

  if (reasons.length === 0) return { verdict: 'pass', reasons, generatorReasons };
  if (w.dropped > 0 && errorsOk && latencyFailures(slo, w, 'duration').length === 0) {
    const why = `the target's service time (http_req_duration) met the SLO, so the generator ran out of VUs, not the target of capacity (raise --max-vus)`;
    return { verdict: 'generator-limited', reasons: [...reasons, why], generatorReasons: [...generatorReasons, why] };
  }
  if (generatorReasons.length === 0) return { verdict: 'fail', reasons, generatorReasons };

  // The generator lagged. Its stalls delay sends and reads (up to about twice the stall in a
  // request's latency) and shift completions across second boundaries; what those cannot
  // explain is the target's doing, and the probe fails on it. Otherwise it says nothing about
  // the target: generator-limited.
  const evidence = targetEvidence(slo, w, lag, errorsOk);
  if (evidence.length > 0) return { verdict: 'fail', reasons: [...reasons, ...evidence], generatorReasons };
  return { verdict: 'generator-limited', reasons: [...generatorReasons, ...reasons], generatorReasons };
}

/** Failures a generator lagging by `lagMs` (per-second p99, worst second) cannot explain. */
function targetEvidence(slo: Slo, w: WindowMeasurement, lagMs: number, errorsOk: boolean): string[] {
  const out: string[] = [];
  if (!errorsOk) out.push('errors are the target\'s, whatever the generator did');
  if (w.latencyHistogram.totalCount === 0) out.push('no request completed in the window');
  for (const e of slo.latency) {
    const v = aggregateMs(w.latencyHistogram, e.aggregation, e.percentile);
    if (v === undefined || (e.operator !== '<' && e.operator !== '<=')) continue;
    if (!compare(v - 2 * lagMs, e.operator, e.value)) out.push(`latency ${e.aggregation} ${round(v)} ms fails ${e.source} even less twice the generator's lag (${round(2 * lagMs)} ms)`);
  }
  const windowMs = Math.max(1000, w.seconds.length * 1000);
  const allowance = (3 * lagMs) / windowMs;
  if (w.achievedRatio !== null && w.achievedRatio < slo.minAchievedRatio - allowance) {
    out.push(`the target completed ${w.throughput.toFixed(1)}/s, ${(w.achievedRatio * 100).toFixed(1)} % of the offered rate: short by more than the generator's lag explains (${(allowance * 100).toFixed(1)} %)`);
  }
  return out;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
