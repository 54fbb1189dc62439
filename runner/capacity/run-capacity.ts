// `stampede capacity`, without the CLI: the MST search driven by real runs (runTest), the
// optional sweep and USL fit, instances for a peak and the HPA simulation, assembled into a
// schema-validated CapacityDocument. Probes run one after another; before each, the target is
// given time to become idle (idle.ts).
import os from 'node:os';
import { loadScenario } from '../scenario/load.ts';
import { arrivalSchedule } from '../scenario/plan.ts';
import type { NormalisedScenario } from '../scenario/types.ts';
import { runTest } from '../run/run-test.ts';
import { SATURATION } from '../run/build-result.ts';
import { validateOrThrow } from '../result/validate.ts';
import { TOOL_VERSION } from '../version.ts';
import {
  CAPACITY_SCHEMA_VERSION,
  capacityDocumentSchema,
  type CapacityAnswer,
  type CapacityDocument,
  type CapacityPeak,
  type CapacityProbe,
  type SweepPoint,
} from '../result/capacity-schema.ts';
import { MstSearch, type ProbePhase } from './search.ts';
import { judgeProbe, sloLatencyBoundMs, type Slo } from './slo.ts';
import { measureWindow, WINDOW_SCENARIO } from './window.ts';
import { mainScenario, probeOptions, probeVus } from './probe-options.ts';
import { waitForIdle, type IdleResult } from './idle.ts';
import { littlesLawOverSeconds } from './run-littles-law.ts';
import { instancesNeeded } from './instances.ts';
import { simulateHpa, type HpaParams, type HpaSimulation } from './hpa.ts';
import type { ArrivalProfile } from './arrival-profile.ts';
import { runSweep, type SweepRequest } from './sweep.ts';

export interface CapacityRequest {
  file: string;
  env: Record<string, string>;
  target: string | null;
  /** null: no MST search (a sweep only) */
  slo: Slo | null;
  /** first probe rate; null: from the scenario (its rate, a quarter of its peak) or 10/s */
  startRate: number | null;
  precision: number;
  warmupMs: number;
  windowMs: number;
  maxProbes: number;
  confirmations: number;
  growthFactor: number;
  /** re-runs of a probe whose generator lagged or ran out of CPU (each counts as a probe); default 2 */
  generatorRetries?: number;
  cooldownMs: number;
  maxVUs: number | null;
  /** the target's Prometheus /metrics, watched between probes; null: fixed cool-down */
  metricsUrl: string | null;
  peak: { peak: number; headroom: number; hpa: Partial<HpaParams> } | null;
  sweep: SweepRequest | null;
  threads: number;
  /** journey errors and other run messages */
  log(line: string): void;
  /** after each probe (progress line) */
  onProbe?(probe: CapacityProbe, doc: { probesSoFar: number; maxProbes: number }): void;
  onSweepPoint?(point: SweepPoint): void;
  /** before each run starts */
  onRunStart?(what: string): void;
  stopRequested?: Promise<string>;
}

/** The rate the search starts from when none is given: the scenario's own rate, or 10/s. */
export function defaultStartRate(s: NormalisedScenario): number {
  if (s.executor === 'constant-arrival-rate') return Math.max(1, (s.rate * 1000) / s.timeUnitMs);
  if (s.executor === 'ramping-arrival-rate') return Math.max(1, (Math.max(s.startRate, ...s.stages.map((x) => x.target)) * 1000) / s.timeUnitMs / 4);
  return 10;
}

/** The scenario's arrival profile in req/s when it is ramping-arrival-rate; null otherwise. */
export function scenarioProfile(s: NormalisedScenario): ArrivalProfile | null {
  if (s.executor !== 'ramping-arrival-rate') return null;
  const perSecond = (r: number) => (r * 1000) / s.timeUnitMs;
  return { startRate: perSecond(s.startRate), stages: s.stages.map((st) => ({ durationMs: st.durationMs, target: perSecond(st.target) })) };
}

/** A step from a tenth of the peak (60 s) to the peak, held 5 minutes: what an HPA faces at 10:00:00. */
export function stepProfile(peak: number): ArrivalProfile {
  return { startRate: peak / 10, stages: [{ durationMs: 60_000, target: peak / 10 }, { durationMs: 0, target: peak }, { durationMs: 300_000, target: peak }] };
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
const round2 = (x: number) => Math.round(x * 100) / 100;

interface Run {
  probe: CapacityProbe;
  generatorLagOrCpu: boolean;
}

export async function runCapacity(req: CapacityRequest): Promise<CapacityDocument> {
  const startTime = new Date();
  const loaded = await loadScenario(req.file);
  const main = mainScenario(loaded.options, req.file);
  const warnings: string[] = [];
  let stopped: string | null = null;
  void req.stopRequested?.then((r) => (stopped = r));

  const probes: CapacityProbe[] = [];
  let answer: CapacityAnswer | null = null;
  const startRate = req.startRate ?? defaultStartRate(main);

  if (req.slo) {
    const slo = req.slo;
    const latencyBoundMs = sloLatencyBoundMs(slo);
    const search = new MstSearch({ startRate, precision: req.precision, maxProbes: req.maxProbes, confirmations: req.confirmations, growthFactor: req.growthFactor });
    const searchStart = performance.now();

    const runProbe = async (rate: number, phase: ProbePhase, retryOf: number | null): Promise<Run> => {
      const idle: IdleResult =
        probes.length === 0 ? { method: 'fixed', waitedMs: 0, detail: 'first probe' } : await waitForIdle({ metricsUrl: req.metricsUrl, cooldownMs: req.cooldownMs });
      req.onRunStart?.(`probe ${probes.length + 1}: ${round2(rate)}/s (${phase})`);
      const t0 = performance.now();
      const started = new Date();
      const plan = { rate, warmupMs: req.warmupMs, windowMs: req.windowMs, latencyBoundMs, maxVUs: req.maxVUs };
      const { result } = await runTest({
        file: req.file,
        env: req.env,
        threads: req.threads,
        target: req.target,
        transformOptions: (o) => probeOptions(o, req.file, plan),
        log: req.log,
        stopRequested: req.stopRequested,
      });
      const vus = probeVus(rate, latencyBoundMs, req.maxVUs);
      const offered = arrivalSchedule({
        name: WINDOW_SCENARIO,
        executor: 'constant-arrival-rate',
        exec: main.exec,
        startTimeMs: 0,
        gracefulStopMs: 0,
        env: {},
        tags: {},
        rate,
        timeUnitMs: 1000,
        durationMs: req.windowMs,
        ...vus,
      }).total;
      const w = measureWindow(result, WINDOW_SCENARIO, req.warmupMs, req.warmupMs + req.windowMs, offered);
      // the generator's lag: its event loop's, or — when a busy scheduler yields to I/O and its
      // loop stays responsive while iterations start late — how late iterations started (send lag)
      const lag = Math.max(0, ...w.seconds.map((s) => s.eventLoopLagP99), result.generator.sendLag?.p99 ?? 0);
      const cpuMean = w.seconds.length ? w.seconds.reduce((a, s) => a + s.generatorCpuPercent, 0) / w.seconds.length : 0;
      const judgement = judgeProbe(slo, w, { eventLoopLagP99: lag, cpuMean, cpuBudget: 100 * req.threads });
      const meanIterationMs = w.iterationHistogram.totalCount ? w.iterationHistogram.mean / 1000 : 0;
      const ll = littlesLawOverSeconds(result.timeline, w.seconds, meanIterationMs);
      if (result.partial && stopped === null) judgement.reasons.push(`the run ended early: ${result.stopReason ?? 'unknown reason'}`);
      const probe: CapacityProbe = {
        index: probes.length + 1,
        rate,
        phase,
        verdict: judgement.verdict,
        reasons: judgement.reasons,
        retryOf,
        startTime: started.toISOString(),
        durationMs: Math.round(performance.now() - t0),
        warmupMs: req.warmupMs,
        windowMs: req.windowMs,
        offered,
        iterations: w.iterations,
        requests: w.requests,
        achievedRatio: w.achievedRatio === null ? null : Math.round(w.achievedRatio * 10_000) / 10_000,
        throughput: round2(w.throughput),
        dropped: w.dropped,
        errorRate: w.errorRate,
        latency: w.latency,
        duration: w.duration,
        generator: {
          saturated: judgement.generatorReasons.length > 0,
          reasons: judgement.generatorReasons,
          eventLoopLagP99: lag,
          cpuMean: Math.round(cpuMean * 10) / 10,
          sendLagP99: result.generator.sendLag?.p99 ?? null,
        },
        littlesLaw: ll
          ? { expected: ll.check.expected, observed: ll.check.observed, relativeError: finiteOrNull(ll.check.relativeError), ok: !ll.suspect, message: ll.check.message }
          : null,
        idle,
      };
      probes.push(probe);
      req.onProbe?.(probe, { probesSoFar: probes.length, maxProbes: req.maxProbes });
      const lagOrCpu = lag > SATURATION.loopLagP99Ms || cpuMean > (SATURATION.cpuPercent / 100) * 100 * req.threads;
      return { probe, generatorLagOrCpu: judgement.verdict === 'generator-limited' && lagOrCpu };
    };

    for (let next = search.next(); next && stopped === null; next = search.next()) {
      let run = await runProbe(next.rate, next.phase, null);
      // A lagging generator (another process took the CPU, a GC pause) makes a failed probe say
      // nothing about the target: retry at the same rate, within the probe budget. A generator
      // that lacks VUs is not retried: that repeats.
      for (let retry = 0; retry < (req.generatorRetries ?? 2) && run.generatorLagOrCpu && probes.length < req.maxProbes && stopped === null; retry++) {
        run = await runProbe(next.rate, next.phase, run.probe.index);
      }
      search.record(run.probe.verdict);
      if (probes.length >= req.maxProbes) break;
    }
    const r = search.result();
    answer = {
      status: r.status,
      mst: r.mst,
      lowerBound: r.lowerBound,
      upperBound: r.upperBound,
      generatorLimit: r.generatorLimit,
      precision: r.precision,
      precisionTarget: req.precision,
      probes: probes.length,
      searchMs: Math.round(performance.now() - searchStart),
      message:
        (stopped !== null ? `Interrupted (${stopped}) after ${probes.length} probes. ` : '') +
        r.message +
        (probes.length > r.probes.length ? ` (${probes.length} runs in all: ${probes.length - r.probes.length} re-run(s) of probes whose generator lagged.)` : ''),
    };
    // An overloaded probe is not a stable system (its queue grows), so Little's law is not
    // expected to hold there; in a passing probe it must.
    const suspect = probes.filter((p) => p.verdict === 'pass' && p.littlesLaw && !p.littlesLaw.ok);
    if (suspect.length > 0) warnings.push(`Little's law did not hold in passing probe(s) ${suspect.map((p) => p.index).join(', ')}: those measurements are suspect (see each probe's littlesLaw).`);
  }

  const peak = req.peak ? peakSection(req.peak, answer?.mst ?? null, main, warnings) : null;
  const sweep =
    req.sweep && stopped === null
      ? await runSweep(
          {
            file: req.file,
            env: req.env,
            target: req.target,
            threads: req.threads,
            warmupMs: req.warmupMs,
            windowMs: req.windowMs,
            cooldownMs: req.cooldownMs,
            metricsUrl: req.metricsUrl,
            log: req.log,
            ...(req.onRunStart ? { onRunStart: req.onRunStart } : {}),
            ...(req.onSweepPoint ? { onSweepPoint: req.onSweepPoint } : {}),
            ...(req.stopRequested ? { stopRequested: req.stopRequested } : {}),
            stopped: () => stopped !== null,
          },
          req.sweep,
        )
      : null;
  if (sweep?.warnings) warnings.push(...sweep.warnings);

  const doc: CapacityDocument = {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    kind: 'capacity',
    meta: {
      tool: { name: 'stampede', version: TOOL_VERSION },
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      scenarioFile: req.file,
      scenarioName: loaded.name,
      exec: main.exec,
      env: req.env,
      target: req.target,
      startTime: startTime.toISOString(),
      endTime: new Date().toISOString(),
    },
    slo: {
      latency: req.slo ? req.slo.latency.map((e) => e.source) : ['(none: sweep only)'],
      latencyMetric: 'http_req_latency',
      errors: req.slo?.errors.source ?? '(none: sweep only)',
      minAchievedRatio: req.slo?.minAchievedRatio ?? 0.99,
      maxDropped: 0,
    },
    settings: {
      startRate,
      precision: req.precision,
      warmupMs: req.warmupMs,
      windowMs: req.windowMs,
      maxProbes: req.maxProbes,
      growthFactor: req.growthFactor,
      confirmations: req.confirmations,
      cooldownMs: req.cooldownMs,
      maxVUs: req.maxVUs,
      metricsUrl: req.metricsUrl,
    },
    answer,
    probes,
    peak,
    sweep,
    warnings,
  };
  return validateOrThrow(capacityDocumentSchema, doc, 'capacity document (writing)', 'STAMPEDE_E_INTERNAL');
}

function peakSection(p: { peak: number; headroom: number; hpa: Partial<HpaParams> }, mst: number | null, main: NormalisedScenario, warnings: string[]): CapacityPeak {
  const instancesFormula = mst === null ? 'no MST: nothing passed, so no instance count can be computed' : `⌈${p.peak} / (${mst} × ${p.headroom})⌉`;
  if (mst === null) return { peak: p.peak, headroom: p.headroom, instances: null, instancesFormula, hpa: null };
  const instances = instancesNeeded(p.peak, mst, p.headroom);
  const fromScenario = scenarioProfile(main);
  const profile = fromScenario ?? stepProfile(p.peak);
  if (fromScenario) {
    const seconds = fromScenario.stages.reduce((a, s) => a + s.durationMs, 0) / 1000;
    if (seconds < 60) warnings.push(`The scenario's arrival profile lasts ${seconds} s: an HPA that syncs every ${(p.hpa.syncPeriodMs ?? 15_000) / 1000} s barely acts within it.`);
  }
  const sim: HpaSimulation = simulateHpa({ mstPerPod: mst, profile, hpa: p.hpa, headroom: p.headroom });
  const s = sim.summary;
  return {
    peak: p.peak,
    headroom: p.headroom,
    instances,
    instancesFormula: `${instancesFormula} = ${instances}`,
    hpa: {
      profileSource: fromScenario ? 'scenario' : 'step',
      profile,
      params: {
        targetUtilization: sim.params.targetUtilization,
        tolerance: sim.params.tolerance,
        syncPeriodMs: sim.params.syncPeriodMs,
        minReplicas: sim.params.minReplicas,
        maxReplicas: sim.params.maxReplicas,
        podStartupMs: sim.params.podStartupMs,
      },
      summary: { ...s, maxQueueingDelayMs: finiteOrNull(s.maxQueueingDelayMs) },
      series: sim.series.map((x) => ({ ...x, utilisation: finiteOrNull(x.utilisation), queueingDelayMs: finiteOrNull(x.queueingDelayMs) })),
    },
  };
}
