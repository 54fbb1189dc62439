// `stampede capacity`, without the CLI: the MST search driven by real runs (runTest), the
// optional sweep and USL fit, instances for a peak and the HPA simulation, assembled into a
// schema-validated CapacityDocument. Probes run one after another; before each, the target is
// given time to become idle (idle.ts).
import { arrivalSchedule } from '../scenario/plan.ts';
import type { NormalisedScenario } from '../scenario/types.ts';
import { runTest } from '../run/run-test.ts';
import { withTarget, type RunPlan } from '../plan/run-plan.ts';
import { SATURATION } from '../run/build-result.ts';
import { validateOrThrow } from '../result/validate.ts';
import { documentMeta } from '../result/meta.ts';
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
import { measureWindow, WINDOW_SCENARIO } from '../analysis/window.ts';
import { mainScenario, withProbe } from './probe-options.ts';
import { grownVus, journeyFrom, requestAllowanceMs, sizeVus, VU_CEILING, VU_MARGIN, type JourneyEstimate, type VuSizing } from './vu-sizing.ts';
import { launchTarget, type TargetStarter } from '../orchestrate/launch.ts';
import { recordedConfig } from '../orchestrate/target-config.ts';
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import { waitForIdle, type IdleResult } from './idle.ts';
import { littlesLawOverSeconds } from '../analysis/run-littles-law.ts';
import { instancesNeeded } from './instances.ts';
import { simulateHpa, type HpaParams, type HpaSimulation } from './hpa.ts';
import type { ArrivalProfile } from './arrival-profile.ts';
import { runSweep, type SweepRequest } from './sweep.ts';

export type PeakUnit = 'iterations/s' | 'requests/s';

export interface CapacityRequest {
  /**
   * The scenario as loaded once, with --env, its threads and --target: every probe and sweep
   * point runs a plan derived from it (probe-options.ts).
   */
  plan: RunPlan;
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
  /** a hard cap on each probe's VUs (--max-vus); null: sized by Little's law and grown as needed */
  maxVUs: number | null;
  /** the target's Prometheus /metrics, watched between probes; null: fixed cool-down */
  metricsUrl: string | null;
  /** a target configuration to start before the search and stop after it (--target-config); `target` is then unused */
  targetConfig?: TargetConfig | null;
  /** how long a started target may take to answer /readyz (default 120 s) */
  readyTimeoutMs?: number;
  /** how a configuration is started (default: the shop); tests pass their own */
  starter?: TargetStarter;
  /** a started target with no metricsUrl given: watch its /metrics between probes (default true) */
  watchTargetMetrics?: boolean;
  /** measure the journey with a short low-rate pilot before the search, to size VUs (default true) */
  pilot?: boolean;
  /** the journey as already measured (another search's): sizes the VUs without a pilot */
  journey?: JourneyEstimate | null;
  /** the expected peak, in `unit` (iterations/s unless given as requests/s) */
  peak: { peak: number; unit?: PeakUnit; headroom: number; hpa: Partial<HpaParams> } | null;
  sweep: SweepRequest | null;
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

/** The scenario's arrival profile in iterations/s when it is ramping-arrival-rate; null otherwise. */
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
  /** generator-limited because VUs ran out (iterations dropped while the target kept its SLO) */
  outOfVus: boolean;
  /** the journey as this probe measured it */
  journey: JourneyEstimate | null;
}

/** The pilot's rate: low enough to measure the journey unloaded, high enough for a few iterations. */
export function pilotRate(startRate: number): number {
  return Math.max(1, Math.min(5, startRate / 4));
}
export const PILOT_WINDOW_MS = 3000;

/**
 * Runs the search (and sweep) against a target; with `targetConfig`, starts it first (the
 * scenario's BASE, BASE_URL and ADMIN_TOKEN point at it) and stops it afterwards, whatever
 * happens — as `stampede run --target-config` does.
 */
export async function runCapacity(req: CapacityRequest): Promise<CapacityDocument> {
  if (!req.targetConfig) return searchAndSweep(req, req.plan, null);
  req.onRunStart?.('starting the target');
  const launched = await launchTarget(req.targetConfig, { readyTimeoutMs: req.readyTimeoutMs ?? 120_000, log: (l) => req.log(`target: ${l}`), ...(req.starter ? { starter: req.starter } : {}) });
  try {
    // the probes' results are measurements, not documents: they record the target, not its configuration
    const plan = withTarget(req.plan, { url: launched.url, env: { ADMIN_TOKEN: launched.adminToken } });
    const metricsUrl = req.metricsUrl ?? (req.watchTargetMetrics === false ? null : `${launched.url}/metrics`);
    return await searchAndSweep({ ...req, metricsUrl }, plan, recordedConfig(req.targetConfig));
  } finally {
    await launched.stop().catch((e: unknown) => req.log(`stopping the target failed: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/** `base`: the request's plan, against the target started for the search when there is one. */
async function searchAndSweep(req: CapacityRequest, base: RunPlan, targetConfig: Record<string, string> | null): Promise<CapacityDocument> {
  const startTime = new Date();
  const loaded = base.scenario;
  const threads = base.threads;
  const main = mainScenario(base.options, loaded.file);
  const warnings: string[] = [];
  let stopped: string | null = null;
  void req.stopRequested?.then((r) => (stopped = r));

  const probes: CapacityProbe[] = [];
  let answer: CapacityAnswer | null = null;
  const startRate = req.startRate ?? defaultStartRate(main);

  let sizing: CapacityDocument['sizing'] = null;
  if (req.slo) {
    const slo = req.slo;
    const latencyBoundMs = sloLatencyBoundMs(slo);
    const search = new MstSearch({ startRate, precision: req.precision, maxProbes: req.maxProbes, confirmations: req.confirmations, growthFactor: req.growthFactor });
    const searchStart = performance.now();

    /** One run of the journey at a constant arrival rate: warm-up + window, the window measured. */
    const runAtRate = async (rate: number, warmupMs: number, windowMs: number, vus: VuSizing) => {
      const plan = withProbe(base, { rate, warmupMs, windowMs, latencyBoundMs, vus });
      const { result } = await runTest(plan, { log: req.log, ...(req.stopRequested ? { stopRequested: req.stopRequested } : {}) });
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
        durationMs: windowMs,
        preAllocatedVUs: vus.preAllocatedVUs,
        maxVUs: vus.maxVUs,
      }).total;
      return { result, w: measureWindow(result, WINDOW_SCENARIO, warmupMs, warmupMs + windowMs, offered), offered };
    };

    // The pilot: the journey at a low rate, unloaded, to size the first probe's VUs (vu-sizing.ts).
    let journey: JourneyEstimate | null = req.journey ?? null;
    let pilot: NonNullable<CapacityDocument['sizing']>['pilot'] = null;
    if (req.pilot !== false && !journey && stopped === null) {
      const rate = pilotRate(startRate);
      req.onRunStart?.(`pilot: the journey at ${round2(rate)} iterations/s for ${PILOT_WINDOW_MS / 1000} s, to size the probes' VUs`);
      const vus = { preAllocatedVUs: Math.max(2, Math.ceil(rate)), maxVUs: Math.min(req.maxVUs ?? VU_CEILING, Math.max(20, Math.ceil(rate * 10))), formula: '' };
      const { w } = await runAtRate(rate, 0, PILOT_WINDOW_MS, vus);
      const meanMs = w.iterationHistogram.totalCount ? w.iterationHistogram.mean / 1000 : null;
      pilot = { rate, windowMs: PILOT_WINDOW_MS, iterations: w.iterations, requests: w.requests, meanIterationMs: meanMs === null ? null : round2(meanMs) };
      journey = meanMs === null ? null : journeyFrom(w.iterations, w.requests, meanMs, 'pilot');
    }
    const sizingRule =
      `maxVUs = rate × (measured mean iteration + requests per iteration × ${requestAllowanceMs(latencyBoundMs)} ms, max(2 × the SLO's ${latencyBoundMs} ms, 500 ms)) × ${VU_MARGIN} (Little's law); ` +
      `a probe that runs out of VUs is re-run at the same rate with ×2 (or as its own iterations measured), up to ${req.maxVUs === null ? `${VU_CEILING} VUs` : `--max-vus ${req.maxVUs}`}`;
    sizing = { pilot, journey, margin: VU_MARGIN, ceiling: req.maxVUs ?? VU_CEILING, rule: sizingRule };

    const runProbe = async (rate: number, phase: ProbePhase, retryOf: number | null, vus: VuSizing): Promise<Run> => {
      const idle: IdleResult =
        probes.length === 0 && pilot === null ? { method: 'fixed', waitedMs: 0, detail: 'first probe' } : await waitForIdle({ metricsUrl: req.metricsUrl, cooldownMs: req.cooldownMs });
      req.onRunStart?.(`probe ${probes.length + 1}: ${round2(rate)} iterations/s (${phase}), ${vus.maxVUs} VUs`);
      const t0 = performance.now();
      const started = new Date();
      const { result, w, offered } = await runAtRate(rate, req.warmupMs, req.windowMs, vus);
      // the generator's lag: its event loop's, or — when a busy scheduler yields to I/O and its
      // loop stays responsive while iterations start late — how late iterations started (send lag)
      const lag = Math.max(0, ...w.seconds.map((s) => s.eventLoopLagP99), result.generator.sendLag?.p99 ?? 0);
      const cpuMean = w.seconds.length ? w.seconds.reduce((a, s) => a + s.generatorCpuPercent, 0) / w.seconds.length : 0;
      const judgement = judgeProbe(slo, w, { eventLoopLagP99: lag, cpuMean, cpuBudget: 100 * threads });
      const meanIterationMs = w.iterationHistogram.totalCount ? w.iterationHistogram.mean / 1000 : 0;
      const ll = littlesLawOverSeconds(result.timeline, w.seconds, meanIterationMs);
      if (result.partial && stopped === null) judgement.reasons.push(`the run ended early${result.stopReason ? `: ${result.stopReason}` : ''}`);
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
        vus: { preAllocated: vus.preAllocatedVUs, max: vus.maxVUs, formula: vus.formula },
        idle,
      };
      probes.push(probe);
      req.onProbe?.(probe, { probesSoFar: probes.length, maxProbes: req.maxProbes });
      const lagOrCpu = lag > SATURATION.loopLagP99Ms || cpuMean > (SATURATION.cpuPercent / 100) * 100 * threads;
      const limited = judgement.verdict === 'generator-limited';
      return {
        probe,
        generatorLagOrCpu: limited && lagOrCpu,
        outOfVus: limited && w.dropped > 0,
        journey: journeyFrom(w.iterations, w.requests, meanIterationMs, `probe ${probe.index}`),
      };
    };

    for (let next = search.next(); next && stopped === null; next = search.next()) {
      let vus = sizeVus(next.rate, journey, latencyBoundMs, req.maxVUs);
      let run = await runProbe(next.rate, next.phase, null, vus);
      // A generator-limited probe says nothing about the target, so it is re-run at the same
      // rate (each run counts as a probe): with more VUs when it ran out of them — as many as
      // its own iterations call for, at least twice as many — until the cap; after a lagging
      // generator (another process took the CPU, a GC pause), up to `generatorRetries` times.
      let lagRetries = 0;
      while (run.probe.verdict === 'generator-limited' && probes.length < req.maxProbes && stopped === null) {
        if (run.outOfVus) {
          const doubled = grownVus(vus, req.maxVUs);
          if (!doubled) break;
          const measured = run.journey ? sizeVus(next.rate, run.journey, latencyBoundMs, req.maxVUs) : null;
          vus = measured && measured.maxVUs > doubled.maxVUs ? measured : doubled;
        } else if (run.generatorLagOrCpu && lagRetries < (req.generatorRetries ?? 2)) lagRetries++;
        else break;
        run = await runProbe(next.rate, next.phase, run.probe.index, vus);
      }
      search.record(run.probe.verdict);
      // a passing probe measured the journey at a higher rate than the pilot: size from the slower
      if (run.probe.verdict === 'pass' && run.journey && (journey === null || run.journey.meanMs > journey.meanMs)) journey = run.journey;
      if (probes.length >= req.maxProbes) break;
    }
    const r = search.result();
    const atMst = r.mst === null ? [] : probes.filter((p) => p.verdict === 'pass' && p.rate === r.mst && p.iterations > 0);
    const its = atMst.reduce((n, p) => n + p.iterations, 0);
    const requestsPerIteration = its > 0 ? round2(atMst.reduce((n, p) => n + p.requests, 0) / its) : null;
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
        (probes.length > r.probes.length ? ` (${probes.length} runs in all: ${probes.length - r.probes.length} re-run(s) of generator-limited probes.)` : ''),
      requestsPerIteration,
      mstRequestsPerSecond: r.mst === null || requestsPerIteration === null ? null : round2(r.mst * requestsPerIteration),
    };
    // An overloaded probe is not a stable system (its queue grows), so Little's law is not
    // expected to hold there; in a passing probe it must.
    const suspect = probes.filter((p) => p.verdict === 'pass' && p.littlesLaw && !p.littlesLaw.ok);
    if (suspect.length > 0) warnings.push(`Little's law did not hold in passing probe(s) ${suspect.map((p) => p.index).join(', ')}: those measurements are suspect (see each probe's littlesLaw).`);
  }

  const peak = req.peak ? peakSection(req.peak, answer?.mst ?? null, answer?.requestsPerIteration ?? null, main, warnings) : null;
  const sweep =
    req.sweep && stopped === null
      ? await runSweep(
          {
            plan: base,
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
      ...documentMeta(loaded),
      exec: main.exec,
      env: { ...req.plan.recordedEnv },
      target: base.target,
      targetConfig,
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
    sizing,
    answer,
    probes,
    peak,
    sweep,
    warnings,
  };
  return validateOrThrow(capacityDocumentSchema, doc, 'capacity document (writing)', 'STAMPEDE_E_INTERNAL');
}

export function peakSection(
  p: { peak: number; unit?: PeakUnit; headroom: number; hpa: Partial<HpaParams> },
  mst: number | null,
  requestsPerIteration: number | null,
  main: NormalisedScenario,
  warnings: string[],
): CapacityPeak {
  const unit = p.unit ?? 'iterations/s';
  const given = { value: p.peak, unit };
  const none = (why: string): CapacityPeak => ({ peak: p.peak, given, requestsPerIteration, headroom: p.headroom, instances: null, instancesFormula: why, hpa: null });
  if (mst === null) return none('no MST: nothing passed, so no instance count can be computed');
  if (unit === 'requests/s' && requestsPerIteration === null) return none('the peak was given in requests/s, and no passing probe measured requests per iteration to convert it');
  // the MST is in iterations/s: a peak given in requests/s is converted with the journey's measured requests per iteration
  const peakIterations = unit === 'requests/s' ? round2(p.peak / requestsPerIteration!) : p.peak;
  const converted = unit === 'requests/s' ? `${p.peak} requests/s ÷ ${requestsPerIteration} requests per iteration = ${peakIterations} iterations/s; ` : '';
  const instancesFormula = `${converted}⌈${peakIterations} / (${mst} × ${p.headroom})⌉`;
  p = { ...p, peak: peakIterations };
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
    given,
    requestsPerIteration,
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
