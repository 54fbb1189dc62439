// One test run, end to end, of a run plan (runner/plan/): setup(), run the engine (in this
// thread or in workers, each with its segment), merge snapshots each second (the sinks: progress
// line, live dashboard; thresholds every 2 s, abortOnFail), teardown(), then build the result.
// Ctrl-C stops gracefully and still gives a partial result; a second Ctrl-C aborts at once.
import { cpus } from 'node:os';
import { arrivalSchedule } from '../scenario/plan.ts';
import type { NormalisedScenario } from '../scenario/types.ts';
import type { RunPlan } from '../plan/run-plan.ts';
import { evaluateThresholds } from '../thresholds/evaluate.ts';
import { RunAggregate } from '../recorder/aggregate.ts';
import { IntervalRecorder } from '../recorder/interval.ts';
import { nowUs } from '../time/clock.ts';
import { secondOf } from '../engine/ticker.ts';
import { needsWarmUp, warmUpEngine } from '../engine/warm-up.ts';
import { RequestNames, VirtualUser } from '../engine/vu.ts';
import { startInProcess, startWorkers, type EngineHandle } from './engines.ts';
import { buildRunResult } from './build-result.ts';
import type { RunResult, ThresholdVerdict } from '../result/schema.ts';
import { SCRIPT_ABORT_PREFIX, StampedeError } from '../errors.ts';
import { errorMessage } from '../engine/thread-engine.ts';
import { ABANDON_AFTER_STOP_MS, OVERRUN_SLACK_MS, TEARDOWN_AFTER_INTERRUPT_MS, callAt } from './run-guard.ts';
import { catchStrayErrors } from '../engine/stray-errors.ts';

/** Where a run's output goes while it runs, and what stops it: chosen by the caller. */
export interface RunSinks {
  /** called once a second with the aggregate so far (progress line, live dashboard, metrics endpoint) */
  onSecond?(state: LiveState): void;
  /** journey errors, setup/teardown messages (default: stderr) */
  log?(line: string): void;
  /** resolves when the caller wants the run stopped (e.g. first Ctrl-C) */
  stopRequested?: Promise<string>;
}

export interface LiveState {
  elapsedMs: number;
  plannedMs: number;
  aggregate: RunAggregate;
  plan: RunPlan;
  /** the RunResult so far (partial: true), for live dashboards; thresholds evaluated as of now */
  resultSoFar(): RunResult;
}

export interface RunOutcome {
  result: RunResult;
  thresholdsFailed: boolean;
  /** epoch ms of the run's t = 0 (timeline second 0 starts here) */
  runStartEpochMs: number;
  /** the scenario's handleSummary export (k6 scripts: called by the CLI with k6's summary data) */
  handleSummary?: unknown;
  /** what setup() returned (handleSummary's data.setup_data) */
  setupData?: unknown;
  /** the script stopped the test with exec.test.abort(): why (the CLI exits 108, as k6) */
  scriptAborted?: string;
}

const THRESHOLD_EVAL_EVERY_S = 2;
/** how long after a second's boundary its CPU is sampled: just after, so the sample is that second's */
const CPU_SAMPLE_AFTER_BOUNDARY_US = 2_000;
/** journey errors printed at most this many times each (then counted only) */
const MAX_ERROR_PRINTS = 3;

export async function runTest(plan: RunPlan, sinks: RunSinks = {}): Promise<RunOutcome> {
  const loaded = plan.scenario;
  const log = sinks.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const env = plan.env;
  const options = plan.options;
  const startedAt = new Date();

  // a stop (the caller's, abortOnFail's, the deadline's) stops the engine once there is one; a
  // stop before that (Ctrl-C during setup()) skips the load. The engine gets its grace, then is
  // abandoned, so a run ends whatever its journeys do.
  let stopReason: string | null = null;
  let engine: EngineHandle | null = null;
  let abandonTimer: NodeJS.Timeout | undefined;
  const engineNotes: string[] = [];
  const stopEngine = (e: EngineHandle) => {
    e.stop();
    abandonTimer = setTimeout(() => engineNotes.push(...e.abandon()), ABANDON_AFTER_STOP_MS);
  };
  const stop = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    if (engine) stopEngine(engine);
  };
  // the caller's stop also cuts setup() and teardown() short
  const userStopped = sinks.stopRequested?.then((reason) => {
    stop(reason);
    return null;
  });
  const unlessStopped = <T>(p: Promise<T>, graceMs: number): Promise<T | null> =>
    userStopped ? Promise.race([p, userStopped.then(() => new Promise<null>((r) => setTimeout(() => r(null), graceMs)))]) : p;

  // exec.test.abort() in a journey (any thread) or in setup(): the whole test stops, as k6
  let scriptAborted: string | null = null;
  const isScriptAbort = (message: string) => {
    if (!message.startsWith(SCRIPT_ABORT_PREFIX)) return false;
    if (scriptAborted === null) {
      scriptAborted = message;
      log(message);
    }
    stop(message);
    return true;
  };

  // setup() and teardown() run here, with their own VU whose requests are not measured
  const lifecycleRecorder = new IntervalRecorder(-1);
  const lifecycleVu = new VirtualUser(0, 0, { recorder: lifecycleRecorder, options, env, recordHttp: false, names: new RequestNames() });
  let setupData: unknown = undefined;
  if (loaded.setup) {
    try {
      lifecycleVu.beginIteration('setup', {}, env, 0);
      const data = await unlessStopped(withTimeout(Promise.resolve(loaded.setup(lifecycleVu)).then((d) => ({ d })), options.setupTimeoutMs, 'setup()'), 0);
      setupData = JSON.parse(JSON.stringify(data?.d ?? null));
    } catch (e) {
      // exec.test.abort() in setup(): no load (the engine starts stopped), the result is written
      if (!isScriptAbort(errorMessage(e))) {
        lifecycleVu.close();
        lifecycleRecorder.close();
        throw new StampedeError('STAMPEDE_E_SETUP_FAILED', `${loaded.file}: setup() failed: ${errorMessage(e)}`);
      }
    }
  }

  const plannedMs = plan.plannedMs;
  const offeredAt = offeredPerSecond(options.scenarios);
  const threads = plan.threads;
  const aggregate = new RunAggregate(threads, offeredAt);
  const errorCounts = new Map<string, number>();
  const onJourneyError = (message: string) => {
    if (isScriptAbort(message)) return;
    const n = (errorCounts.get(message) ?? 0) + 1;
    errorCounts.set(message, n);
    if (n <= MAX_ERROR_PRINTS) log(`journey error: ${message}${n === MAX_ERROR_PRINTS ? ' (further repeats counted, not printed)' : ''}`);
  };

  const onNote = (message: string) => {
    log(message);
    engineNotes.push(message);
  };
  let runStartUs: number;
  // errors user code throws where no journey awaits them are counted, not fatal, until after
  // teardown() (a worker thread has its own catcher)
  let releaseStrayErrors = () => undefined as void;
  if (threads === 1) {
    // the engine's code warmed first (warm-up.ts), and this thread's per-second merging with it
    if (needsWarmUp(options)) {
      const scratch = new RunAggregate(1, offeredAt);
      await warmUpEngine(options, (snap) => scratch.add(snap));
    }
    releaseStrayErrors = catchStrayErrors(onJourneyError);
    runStartUs = nowUs() + 20_000;
    engine = startInProcess(
      { journeys: loaded.journeys, options, scenarios: plan.segments[0] ?? [], env, setupData, runStartUs, segment: { index: 0, count: 1 }, onJourneyError, onNote },
      (snap) => aggregate.add(snap),
    );
  } else {
    const w = await startWorkers({ plan, setupData, onJourneyError, onNote }, (snap) => aggregate.add(snap));
    engine = w;
    runStartUs = w.runStartUs;
  }

  if (stopReason) stopEngine(engine);
  let abortVerdicts: ThresholdVerdict[] | null = null;
  // every scenario ends by itself at its planned end plus gracefulStop, interrupting what still
  // runs: a run past that is stopped (then abandoned), whatever the schedule or the journeys
  const hardEndMs = plan.endMs;
  const cancelDeadline = callAt(runStartUs + (hardEndMs + OVERRUN_SLACK_MS) * 1000, () =>
    stop(`the run was still going ${OVERRUN_SLACK_MS / 1000} s past its planned end plus gracefulStop (${hardEndMs / 1000} s): stopped`),
  );

  const resultSoFar = (): RunResult =>
    buildRunResult({
      scenario: loaded,
      options,
      aggregate,
      verdicts: evaluateThresholds(options.thresholds, { lookup: (m, tags) => aggregate.view(m, tags) }, aggregate.elapsedMs, false).verdicts,
      env: plan.recordedEnv,
      target: plan.target,
      targetConfig: plan.targetConfig,
      startedAt,
      endedAt: new Date(),
      threads,
      stopReason: 'running',
      journeyErrors: errorCounts,
      cpuCount: cpus().length,
    });

  // once a second, just after each second of the run ends: CPU of the generator process over
  // that second, the live callback, thresholds every 2 s. Each wake-up is aimed at a boundary
  // computed from the run's start (not a setInterval, which drifts and, firing just before a
  // boundary, would file a second's CPU under the one before and leave a second at 0 %).
  let lastCpu = process.cpuUsage();
  let lastCpuAt = nowUs();
  let lastCpuT = -1;
  const sampleCpu = (now: number, upToT: number) => {
    const cpu = process.cpuUsage();
    const percent = round1(((cpu.user - lastCpu.user + cpu.system - lastCpu.system) / Math.max(1, now - lastCpuAt)) * 100);
    lastCpu = cpu;
    lastCpuAt = now;
    // the sample covers every second since the last one (more than one only if the loop stalled)
    for (let t = Math.max(0, lastCpuT + 1); t <= upToT; t++) aggregate.recordCpu(t, percent);
    if (upToT > lastCpuT) lastCpuT = upToT;
  };
  let everySecond: NodeJS.Timeout | undefined;
  const armSampler = () => {
    const next = Math.max(lastCpuT + 2, secondOf(runStartUs, nowUs()) + 1); // the boundary ending second next-1
    everySecond = setTimeout(onSecond, Math.max(1, (runStartUs + next * 1_000_000 + CPU_SAMPLE_AFTER_BOUNDARY_US - nowUs()) / 1000));
    // the run's end, not this timer, decides when the process may exit
    everySecond.unref?.();
  };
  const onSecond = () => {
    const now = nowUs();
    const t = secondOf(runStartUs, now) - 1;
    if (t >= 0) sampleCpu(now, t);
    aggregate.elapsedMs = (now - runStartUs) / 1000;
    if (t >= 0 && t % THRESHOLD_EVAL_EVERY_S === THRESHOLD_EVAL_EVERY_S - 1 && options.thresholds.length > 0 && !stopReason) {
      const ev = evaluateThresholds(options.thresholds, { lookup: (m, tags) => aggregate.view(m, tags) }, aggregate.elapsedMs, false);
      if (ev.abortBy) {
        abortVerdicts = ev.verdicts;
        stop(`threshold ${ev.abortBy.key}: ${ev.abortBy.source} crossed (abortOnFail)`);
      }
    }
    sinks.onSecond?.({ elapsedMs: aggregate.elapsedMs, plannedMs, aggregate, plan, resultSoFar });
    armSampler();
  };
  armSampler();

  try {
    await engine.done;
  } catch (e) {
    releaseStrayErrors();
    throw e;
  } finally {
    clearTimeout(everySecond);
    clearTimeout(abandonTimer);
    cancelDeadline();
  }
  const endUs = nowUs();
  aggregate.elapsedMs = (endUs - runStartUs) / 1000;
  const lastT = secondOf(runStartUs, endUs);
  sampleCpu(endUs, lastT);

  if (loaded.teardown) {
    try {
      lifecycleVu.beginIteration('teardown', {}, env, 0);
      const ran = await unlessStopped(withTimeout(Promise.resolve(loaded.teardown(lifecycleVu, setupData)).then(() => true), options.teardownTimeoutMs, 'teardown()'), TEARDOWN_AFTER_INTERRUPT_MS);
      if (ran === null) log(`teardown() cut short: the run was stopped (${stopReason})`);
    } catch (e) {
      log(`teardown() failed: ${errorMessage(e)}`);
      stopReason ??= `teardown() failed: ${errorMessage(e)}`;
    }
  }
  lifecycleVu.close();
  releaseStrayErrors();
  aggregate.add({ ...lifecycleRecorder.snapshot(lastT), thread: -1 });
  lifecycleRecorder.close();
  aggregate.finish();

  const final = evaluateThresholds(options.thresholds, { lookup: (m, tags) => aggregate.view(m, tags) }, aggregate.elapsedMs, true);
  const aborted = abortVerdicts as ThresholdVerdict[] | null;
  const verdicts = final.verdicts.map((v) => ({ ...v, aborted: Boolean(aborted?.some((a) => a.key === v.key && a.source === v.source && !a.ok && a.abortOnFail)) }));

  const result = buildRunResult({
    scenario: loaded,
    options,
    aggregate,
    verdicts,
    env: plan.recordedEnv,
    target: plan.target,
    targetConfig: plan.targetConfig,
    startedAt,
    endedAt: new Date(),
    threads,
    stopReason,
    journeyErrors: errorCounts,
    cpuCount: cpus().length,
  });
  const interrupted = result.metrics.interrupted_iterations?.values.count ?? 0;
  if (interrupted > 0) result.warnings.push(`${interrupted} iteration(s) were still running when their gracefulStop, gracefulRampDown or the run's stop ran out: interrupted, and not counted in iterations (interrupted_iterations)`);
  result.warnings.push(...engineNotes);
  return { result, thresholdsFailed: verdicts.some((v) => !v.ok), runStartEpochMs: runStartUs / 1000, handleSummary: loaded.handleSummary, setupData, ...(scriptAborted === null ? {} : { scriptAborted }) };
}

/** Scheduled iterations per second of the run, over every arrival-rate scenario (null when none). */
function offeredPerSecond(scenarios: readonly NormalisedScenario[]): (t: number) => number | null {
  const plans = scenarios.flatMap((s) => (s.executor === 'constant-arrival-rate' || s.executor === 'ramping-arrival-rate' ? [{ s, schedule: arrivalSchedule(s) }] : []));
  if (plans.length === 0) return () => null;
  return (t) => {
    let n = 0;
    for (const { s, schedule } of plans) {
      const from = t * 1000 - s.startTimeMs;
      const to = from + 1000;
      n += schedule.countBefore(Math.max(0, to)) - schedule.countBefore(Math.max(0, from));
    }
    return n;
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
