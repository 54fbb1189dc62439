// One engine thread: runs every scenario of the test (this thread's segment of each, as the run
// plan split them) with its own VUs and its own interval recorder. With --threads 1 it runs in
// the main thread; with more, each worker thread runs one (worker.ts) and the main thread merges
// their snapshots.
import { getHeapStatistics } from 'node:v8';
import type { Journey } from '../scenario/api.ts';
import type { NormalisedOptions, NormalisedScenario } from '../scenario/types.ts';
import { IntervalRecorder } from '../recorder/interval.ts';
import { runExecutor, type Segment, type StopControl } from './executors.ts';
import { IterationCounters } from './iteration-counters.ts';
import { RequestNames, VirtualUser } from './vu.ts';

export interface ThreadEngineInput {
  journeys: Readonly<Record<string, Journey>>;
  /** the run's options (what a VU's HTTP client follows: connection reuse, redirects, user agent) */
  options: NormalisedOptions;
  /** this thread's segment of every scenario (segmentScenario in runner/scenario/plan.ts) */
  scenarios: ReadonlyArray<NormalisedScenario>;
  /** the run's env (k6 __ENV); each scenario's env is layered on top */
  env: Readonly<Record<string, string>>;
  setupData: unknown;
  /** epoch µs at which the run (t = 0) starts */
  runStartUs: number;
  /** which thread this is, of how many (VU numbering, the recorder's thread) */
  segment: Segment;
  /** the run's exec.scenario.iterationInTest counters, shared by every thread; absent: this thread's own (one thread) */
  iterationCounters?: SharedArrayBuffer;
  /** called for an error thrown by a journey (the iteration still counts) */
  onJourneyError(message: string): void;
  /** something the result should say about this thread (a line for its warnings) */
  onNote?(message: string): void;
}

/**
 * VUs stop being made once this thread's heap is this full: a VU costs ~4 KB, and a count far
 * beyond the machine would otherwise end the process out of memory, without a result.
 */
const HEAP_SHARE_FOR_VUS = 0.6;
/** the heap is checked once every this many VUs (a check costs about a microsecond) */
const HEAP_CHECK_EVERY = 256;

export class ThreadEngine {
  readonly recorder: IntervalRecorder;
  private readonly input: ThreadEngineInput;
  private nextVuId = 1;
  private readonly names = new RequestNames();
  private stopping = false;
  private vuLimitReached = false;
  private resolveStopped!: () => void;
  private readonly stopControl: StopControl;
  private readonly iterations: IterationCounters;

  constructor(input: ThreadEngineInput) {
    this.input = input;
    this.iterations = new IterationCounters(input.options.scenarios.map((s) => s.name), input.iterationCounters);
    this.recorder = new IntervalRecorder(input.segment.index);
    const stopped = new Promise<void>((r) => (this.resolveStopped = r));
    const self = this;
    this.stopControl = {
      get stopping() {
        return self.stopping;
      },
      stopped,
    };
  }

  /** Runs all scenarios to their end (or until stop()). */
  async run(): Promise<void> {
    const { scenarios, journeys } = this.input;
    await Promise.all(
      scenarios.map((scenario) => {
        const journey = journeys[scenario.exec];
        if (!journey) throw new Error(`no journey named ${scenario.exec}`);
        const env = { ...this.input.env, ...scenario.env };
        return runExecutor({
          scenario,
          startUs: this.input.runStartUs + scenario.startTimeMs * 1000,
          recorder: this.recorder,
          journey,
          setupData: this.input.setupData,
          env,
          newVu: () => this.newVu(env),
          stop: this.stopControl,
          onJourneyError: (e) => this.input.onJourneyError(errorMessage(e)),
        });
      }),
    );
  }

  /** Stops the whole run: no new iterations; in-flight ones get a short grace, then are interrupted. */
  stop(): void {
    if (this.stopping) return;
    this.stopping = true;
    this.resolveStopped();
  }

  close(): void {
    this.recorder.close();
  }

  private newVu(env: Record<string, string>): VirtualUser | null {
    if (this.vuLimitReached) return null;
    if (this.nextVuId % HEAP_CHECK_EVERY === 0) {
      const heap = getHeapStatistics();
      if (heap.used_heap_size > HEAP_SHARE_FOR_VUS * heap.heap_size_limit) {
        this.vuLimitReached = true;
        const { index, count } = this.input.segment;
        const where = count > 1 ? `engine thread ${index}` : 'the engine';
        this.input.onNote?.(
          `${where} made no more VUs after ${this.nextVuId - 1}: its heap was ${Math.round((heap.used_heap_size / heap.heap_size_limit) * 100)} % full (a VU costs ~4 KB); the scenario asks for more VUs than this machine holds`,
        );
        return null;
      }
    }
    const id = this.nextVuId++;
    const { index, count } = this.input.segment;
    return new VirtualUser(id, (id - 1) * count + index + 1, {
      recorder: this.recorder,
      options: this.input.options,
      env,
      recordHttp: true,
      names: this.names,
      thread: { index, iterations: this.iterations },
    });
  }
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) {
    const frame = e.stack?.split('\n').find((l) => /\.(ts|js|mjs):\d+/.test(l) && !l.includes('node_modules') && !l.includes('/runner/'));
    return frame ? `${e.message} (${frame.trim().replace(/^at /, '')})` : e.message;
  }
  return String(e);
}
