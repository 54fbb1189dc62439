// Starting the engine: in the main thread (--threads 1), or in N worker threads that each run
// a segment of every scenario. Either way the caller gets decoded one-second snapshots.
import { Worker } from 'node:worker_threads';
import { decodeSnapshot, type IntervalSnapshot } from '../recorder/interval.ts';
import type { Histogram } from '../recorder/histogram.ts';
import { ThreadEngine, type ThreadEngineInput } from '../engine/thread-engine.ts';
import { secondOf, startTicker } from '../engine/ticker.ts';
import { nowUs } from '../engine/clock.ts';
import type { NormalisedOptions } from '../scenario/types.ts';
import type { MainMessage, WorkerInit, WorkerMessage } from '../engine/worker-protocol.ts';

export interface EngineHandle {
  /** resolves when every scenario of every thread has ended and the last snapshot was delivered */
  done: Promise<void>;
  stop(): void;
}

type OnSnapshot = (s: IntervalSnapshot<Histogram>) => void;

export function startInProcess(input: ThreadEngineInput, onSnapshot: OnSnapshot): EngineHandle {
  const engine = new ThreadEngine(input);
  const stopTicker = startTicker(input.runStartUs, (t) => onSnapshot(engine.recorder.snapshot(t)));
  const done = engine.run().finally(() => {
    const next = stopTicker();
    onSnapshot(engine.recorder.snapshot(next));
    engine.close();
  });
  return { done, stop: () => engine.stop() };
}

export interface WorkerEngineInput {
  file: string;
  /** the file is a k6 script (--k6) */
  k6?: boolean;
  /** the (possibly transformed) options every thread runs */
  options: NormalisedOptions;
  threads: number;
  env: Record<string, string>;
  setupData: unknown;
  onJourneyError(message: string): void;
}

/**
 * Starts N worker threads; each loads the scenario, then all start together at one runStartUs
 * (a little ahead of "now" so every thread's first tick lines up). Resolves once started.
 */
export async function startWorkers(input: WorkerEngineInput, onSnapshot: OnSnapshot): Promise<EngineHandle & { runStartUs: number }> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  const finished: Promise<void>[] = [];
  let runStartUs = 0;
  for (let index = 0; index < input.threads; index++) {
    const init: WorkerInit = { file: input.file, k6: input.k6 === true, options: input.options, env: input.env, setupData: input.setupData, segment: { index, count: input.threads } };
    const w = new Worker(new URL('../engine/worker-entry.js', import.meta.url), { workerData: init });
    workers.push(w);
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
            const last = decodeSnapshot(m.last);
            onSnapshot(last.t >= 0 ? last : { ...last, t: secondOf(runStartUs) });
          } else if (m.type === 'journey-error') input.onJourneyError(m.message);
          else if (m.type === 'error') reject(new Error(`engine thread ${index}: ${m.message}`));
        });
        w.on('error', (e) => reject(e));
        w.on('exit', (code) => (sawDone ? resolve() : reject(new Error(`engine thread ${index} exited (code ${code}) before finishing`))));
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
  };
}
