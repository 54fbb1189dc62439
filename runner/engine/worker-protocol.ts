// Messages between the main thread and engine worker threads.
import type { IntervalSnapshot } from '../recorder/interval.ts';
import type { Segment } from './executors.ts';
import type { NormalisedOptions, NormalisedScenario } from '../scenario/types.ts';

/** What a worker thread is given: the serialisable part of the run plan, and its segment. */
export interface WorkerInit {
  /** the scenario module the main thread loaded (scenario/load.ts moduleUrl): imported for its journeys */
  moduleUrl: string;
  /** the env that module's top level saw in the main thread */
  initEnv: Readonly<Record<string, string>>;
  /** the run's options (for the VUs' HTTP clients) */
  options: NormalisedOptions;
  /** this thread's segment of every scenario, as the plan split them */
  scenarios: ReadonlyArray<NormalisedScenario>;
  env: Readonly<Record<string, string>>;
  setupData: unknown;
  segment: Segment;
  /** the run's IterationCounters buffer (shared by every thread) */
  iterationCounters: SharedArrayBuffer;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'snapshot'; snapshot: IntervalSnapshot<string> }
  /** the final snapshot; its t is -1: the main thread files it under the last second */
  | { type: 'done'; last: IntervalSnapshot<string> }
  | { type: 'journey-error'; message: string }
  /** a line for the result's warnings */
  | { type: 'note'; message: string }
  | { type: 'error'; message: string };

/** 'start' is sent once every worker is ready, so all threads share one t = 0. */
export type MainMessage = { type: 'start'; runStartUs: number } | { type: 'stop' };
