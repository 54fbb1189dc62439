// Starting the engine: in the main thread (--threads 1), or in N worker threads that each run
// a segment of every scenario. Either way the caller gets decoded one-second snapshots.
import { Worker } from 'node:worker_threads';
import { decodeSnapshot, type IntervalSnapshot } from '../recorder/interval.ts';
import type { Histogram } from '../recorder/histogram.ts';
import { ThreadEngine, type ThreadEngineInput } from '../engine/thread-engine.ts';
import { secondOf, startTicker } from '../engine/ticker.ts';
import { IterationCounters } from '../engine/iteration-counters.ts';
import { nowUs } from '../time/clock.ts';
import type { RunPlan } from '../plan/run-plan.ts';
import type { MainMessage, WorkerInit, WorkerMessage } from '../engine/worker-protocol.ts';

export interface EngineHandle {
  /** resolves when every scenario of every thread has ended and the last snapshot was delivered */
  done: Promise<void>;
  stop(): void;
  /**
   * The last resort once stop() has had its grace: ends the engine whatever its journeys are
   * doing, so `done` resolves. In this thread, the engine's run is left behind and its last
   * snapshot taken (this needs the event loop: a journey that never yields it cannot be left);
   * a worker thread not finished is terminated (this works even when its journey never yields).
   * Returns a line per thread given up, for the result's warnings; none when all had ended.
   */
  abandon(): string[];
}

type OnSnapshot = (s: IntervalSnapshot<Histogram>) => void;

export function startInProcess(input: ThreadEngineInput, onSnapshot: OnSnapshot): EngineHandle {
  const engine = new ThreadEngine(input);
  const stopTicker = startTicker(input.runStartUs, (t) => onSnapshot(engine.recorder.snapshot(t)));
  let leave!: () => void;
  const left = new Promise<void>((r) => (leave = r));
  let ended = false;
  const running = engine.run();
  running.catch(() => undefined); // once left behind, its failure is nobody's to report
  const done = Promise.race([running, left]).finally(() => {
    ended = true;
    const next = stopTicker();
    onSnapshot(engine.recorder.snapshot(next));
    engine.close();
  });
  return {
    done,
    stop: () => engine.stop(),
    abandon: () => {
      if (ended) return [];
      leave();
      return ['the engine did not end within its grace after the stop and was left behind: iterations it still ran are not in the result'];
    },
  };
}

export interface WorkerEngineInput {
  plan: RunPlan;
  setupData: unknown;
  onJourneyError(message: string): void;
  onNote(message: string): void;
}

/**
 * Starts a worker thread per thread of the plan; each imports the scenario module for its
 * journeys and is given its segment, then all start together at one runStartUs (a little ahead
 * of "now" so every thread's first tick lines up). Resolves once started.
 */
export async function startWorkers(input: WorkerEngineInput, onSnapshot: OnSnapshot): Promise<EngineHandle & { runStartUs: number }> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  const finished: Promise<void>[] = [];
  /** per worker: it sent its last snapshot; it was terminated by abandon() */
  const sentDone: boolean[] = [];
  const terminated: boolean[] = [];
  let runStartUs = 0;
  const { plan } = input;
  // exec.scenario.iterationInTest: one sequence per scenario for every thread
  const iterationCounters = new IterationCounters(plan.options.scenarios.map((s) => s.name)).buffer;
  for (let index = 0; index < plan.threads; index++) {
    const init: WorkerInit = {
      moduleUrl: plan.scenario.moduleUrl,
      initEnv: plan.scenario.initEnv,
      options: plan.options,
      scenarios: plan.segments[index] ?? [],
      env: plan.env,
      setupData: input.setupData,
      segment: { index, count: plan.threads },
      iterationCounters,
    };
    const w = new Worker(new URL('../engine/worker-entry.js', import.meta.url), { workerData: init });
    workers.push(w);
    sentDone.push(false);
    terminated.push(false);
    let markReady!: () => void;
    ready.push(new Promise<void>((r) => (markReady = r)));
    finished.push(
      new Promise<void>((resolve, reject) => {
        let sawDone = false;
        w.on('message', (m: WorkerMessage) => {
          if (m.type === 'ready') markReady();
          else if (m.type === 'snapshot') onSnapshot(decodeSnapshot(m.snapshot));
          else if (m.type === 'done') {
            sawDone = true;
            sentDone[index] = true;
            const last = decodeSnapshot(m.last);
            onSnapshot(last.t >= 0 ? last : { ...last, t: secondOf(runStartUs) });
          } else if (m.type === 'journey-error') input.onJourneyError(m.message);
          else if (m.type === 'note') input.onNote(m.message);
          else if (m.type === 'error') reject(new Error(`engine thread ${index}: ${m.message}`));
        });
        w.on('error', (e) => reject(e));
        w.on('exit', (code) => (sawDone || terminated[index] ? resolve() : reject(new Error(`engine thread ${index} exited (code ${code}) before finishing`))));
      }),
    );
  }
  const failedEarly = Promise.race(finished).then(() => undefined);
  await Promise.race([Promise.all(ready), failedEarly]);
  runStartUs = nowUs() + 50_000;
  for (const w of workers) w.postMessage({ type: 'start', runStartUs } satisfies MainMessage);
  return {
    runStartUs,
    done: Promise.all(finished).then(() => undefined),
    stop: () => {
      for (const w of workers) w.postMessage({ type: 'stop' } satisfies MainMessage);
    },
    abandon: () => {
      const lines: string[] = [];
      workers.forEach((w, index) => {
        if (sentDone[index] || terminated[index]) return;
        terminated[index] = true;
        void w.terminate();
        lines.push(`engine thread ${index} did not end within its grace after the stop (a journey that never yields, such as a synchronous loop?) and was terminated: its samples since its last one-second snapshot are lost`);
      });
      return lines;
    },
  };
}
