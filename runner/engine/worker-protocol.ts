// Messages between the main thread and engine worker threads.
import type { IntervalSnapshot } from '../recorder/interval.ts';
import type { Segment } from './executors.ts';
import type { NormalisedOptions } from '../scenario/types.ts';

export interface WorkerInit {
  file: string;
  /** load the file as a k6 script (--k6) */
  k6?: boolean;
  /** options as the main thread normalised (and possibly transformed) them */
  options: NormalisedOptions;
  env: Record<string, string>;
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
