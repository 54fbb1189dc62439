// Turns a finished run's aggregate into the RunResult document (runner/result/schema.ts).
import type { LoadedScenario } from '../scenario/load.ts';
import type { NormalisedOptions } from '../scenario/types.ts';
import type { RunAggregate } from '../recorder/aggregate.ts';
import type { GeneratorHealth, MetricResult, RunResult, ThresholdVerdict } from '../result/schema.ts';
import { RUN_RESULT_SCHEMA_VERSION } from '../result/schema.ts';
import { documentMeta } from '../result/meta.ts';
import { littlesLawWarning } from '../analysis/run-littles-law.ts';
import { MAX_REQUEST_NAMES, OVERFLOW_NAME } from '../engine/vu.ts';

export interface BuildInput {
  /** which scenario ran, and what its load said */
  scenario: Pick<LoadedScenario, 'file' | 'name' | 'hash' | 'warnings' | 'untimedTrends'>;
  /** the options the run executed (a derived plan's may differ from the scenario's own) */
  options: NormalisedOptions;
  aggregate: RunAggregate;
  verdicts: ThresholdVerdict[];
  env: Readonly<Record<string, string>>;
  target: string | null;
  targetConfig: Readonly<Record<string, string>> | null;
  startedAt: Date;
  endedAt: Date;
  threads: number;
  stopReason: string | null;
  journeyErrors: Map<string, number>;
  cpuCount: number;
}

/** The generator fell behind when any of these holds (the issue's definition). */
export const SATURATION = { loopLagP99Ms: 10, cpuPercent: 90, achievedRatio: 0.99 } as const;

export function buildRunResult(input: BuildInput): RunResult {
  const { aggregate, scenario: loaded, options, verdicts } = input;
  const metrics: Record<string, MetricResult> = {};
  for (const name of aggregate.metricNames()) {
    const m = aggregate.metricResult(name);
    if (m) metrics[name] = m;
  }
  // thresholds: attach verdicts to their metric (k6 summary shape); sub-metrics under their key
  for (const def of options.thresholds) {
    const v = verdicts.find((x) => x.key === def.key && x.source === def.source);
    if (!v) continue;
    let m = metrics[def.key];
    if (!m && Object.keys(def.tags).length > 0) {
      m = aggregate.metricResult(def.metric, def.tags);
      if (m) metrics[def.key] = m;
    }
    if (m) m.thresholds = { ...m.thresholds, [def.source]: { ok: v.ok } };
  }

  const warnings: string[] = [...loaded.warnings];
  for (const [message, n] of input.journeyErrors) warnings.push(`journey error ×${n}: ${message}`);
  const tagged = aggregate.tagged();
  // a k6 Trend declared without isTime holds plain numbers: contains 'default', as k6 reports it
  const untimed = new Set(loaded.untimedTrends ?? []);
  if (untimed.size > 0) {
    for (const [key, m] of Object.entries(metrics)) if (m.type === 'trend' && untimed.has(key.replace(/\{.*$/, ''))) m.contains = 'default';
    for (const t of tagged) if (t.type === 'trend' && untimed.has(t.metric)) t.contains = 'default';
  }
  if (tagged.some((t) => t.tags.name === OVERFLOW_NAME)) {
    warnings.push(`more than ${MAX_REQUEST_NAMES} distinct request names (URLs with ids in them?): later ones are recorded as "${OVERFLOW_NAME}" — pass { name: 'GET /products/:id' } to group them`);
  }
  const generator = generatorHealth(aggregate, input);
  if (generator.saturated) warnings.push(`generator saturated — these numbers may describe the load generator, not the target: ${generator.reasons.join('; ')}`);

  const result: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    kind: 'run',
    meta: {
      ...documentMeta(loaded, input.cpuCount),
      scenarioHash: loaded.hash,
      startTime: input.startedAt.toISOString(),
      endTime: input.endedAt.toISOString(),
      durationMs: Math.round(aggregate.elapsedMs),
      env: { ...input.env },
      target: input.target,
      targetConfig: input.targetConfig ? { ...input.targetConfig } : null,
    },
    options: {
      ...options,
      thresholds: options.thresholds.map((t) => ({ ...t })),
    },
    partial: input.stopReason !== null,
    stopReason: input.stopReason,
    metrics,
    tagged,
    thresholds: verdicts,
    checks: aggregate.checks(),
    timeline: aggregate.timeline,
    generator,
    server: null,
    warnings,
    errors: aggregate.errors(),
    seconds: aggregate.seconds.toResult(),
  };
  // Little's law on every run: counted in-flight vs throughput × mean iteration time
  const littles = littlesLawWarning(result);
  if (littles) warnings.push(littles);
  return result;
}

function generatorHealth(aggregate: RunAggregate, input: BuildInput): GeneratorHealth {
  const lag = aggregate.loopLag;
  const ms = (us: number) => Math.round(us) / 1000;
  const eventLoopLag = lag.totalCount ? { p50: ms(lag.getValueAtPercentile(50)), p99: ms(lag.getValueAtPercentile(99)), max: ms(lag.maxValue) } : { p50: 0, p99: 0, max: 0 };
  const cpuSeries = aggregate.timeline.map((p) => p.generatorCpuPercent);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  // an arrival-rate scheduler spins for its next arrival (on time to microseconds): that CPU is
  // waiting, not work, and counts apart
  const waiting = round1(mean(aggregate.timeline.map((p) => Math.min(p.generatorCpuPercent, aggregate.schedulerWaitPercent(p.t)))));
  const cpu = { mean: round1(mean(cpuSeries)), max: round1(Math.max(0, ...cpuSeries)), ...(waiting > 0 ? { waiting } : {}) };
  const sl = aggregate.sendLag;
  const sendLag = sl.totalCount
    ? { p50: ms(sl.getValueAtPercentile(50)), p90: ms(sl.getValueAtPercentile(90)), p99: ms(sl.getValueAtPercentile(99)), max: ms(sl.maxValue) }
    : null;
  const offered = aggregate.timeline.reduce((a, p) => a + (p.offered ?? 0), 0);
  const dropped = aggregate.timeline.reduce((a, p) => a + p.dropped, 0);
  const anyOpen = aggregate.timeline.some((p) => p.offered !== null);
  const achievedRatio = anyOpen && offered > 0 ? Math.max(0, (offered - dropped) / offered) : null;

  const reasons: string[] = [];
  if (eventLoopLag.p99 > SATURATION.loopLagP99Ms) reasons.push(`event-loop lag p99 ${eventLoopLag.p99} ms > ${SATURATION.loopLagP99Ms} ms`);
  // a scheduler that yields to I/O keeps its loop responsive while iterations start late: the
  // send lag (actual − intended start) shows that directly
  if (sendLag && sendLag.p99 > SATURATION.loopLagP99Ms) reasons.push(`iterations started late: send lag p99 ${sendLag.p99} ms > ${SATURATION.loopLagP99Ms} ms`);
  // CPU is of the whole process; with N threads the budget is N cores
  const busy = round1(cpu.mean - waiting);
  if (busy / input.threads > SATURATION.cpuPercent) reasons.push(`generator CPU ${busy} % of ${input.threads} core(s) > ${SATURATION.cpuPercent} %${waiting > 0 ? ` (besides ${waiting} % spent waiting for the next arrival)` : ''}`);
  if (achievedRatio !== null && achievedRatio < SATURATION.achievedRatio) {
    reasons.push(`achieved ${(achievedRatio * 100).toFixed(1)} % of the scheduled iterations (${dropped} dropped: no free VU — raise maxVUs, or the target is too slow for this many VUs)`);
  }
  return { eventLoopLag, cpu, sendLag, achievedRatio: achievedRatio === null ? null : round4(achievedRatio), saturated: reasons.length > 0, reasons, threads: input.threads };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
