// Timers with microsecond resolution for the arrival-rate scheduler. setTimeout has a 1 ms
// granularity and fires up to ~1 ms late; spinning on setImmediate instead is on time but turns
// the scheduler into a CPU hog that, on a shared core, the kernel takes turns with for
// milliseconds at a time (measured: send lag and response handling then worse than the 1 ms
// timer's). So a helper thread sleeps on a futex until the instant and wakes this thread with
// a message: the event loop meanwhile sleeps in its poll and reads responses as they come.
//
// One helper thread per engine thread (it costs ~15 MB and tens of milliseconds to start),
// shared by that thread's scenarios: each holds a PreciseTimer with one instant armed at a time
// (its next wake-up), and the thread is armed for the earliest of them. It ends LINGER_MS after
// the last PreciseTimer is closed. prestartPreciseTimer() starts it ahead of need (the engine's
// warm-up does, before t = 0): started with the schedule, its start-up took CPU from the first
// ~100 ms of the schedule on a busy machine, and the backlog opened connections and dropped
// iterations.
import { Worker } from 'node:worker_threads';
import { nowUs } from '../time/clock.ts';

/** One scenario's timer: one instant armed at a time; arming again replaces it. */
export class PreciseTimer {
  atUs = Infinity;
  callback: (() => void) | null = null;
  private readonly thread: TimerThread;

  constructor() {
    shared ??= new TimerThread();
    this.thread = shared;
    this.thread.join(this);
  }

  /** false until the helper thread runs (it takes tens of ms to start): till then nothing armed would fire on time */
  get ready(): boolean {
    return this.thread.ready;
  }

  /** Calls `cb` once, as soon after epoch µs `atUs` as the helper thread wakes; replaces what was armed. */
  at(atUs: number, cb: () => void): void {
    this.atUs = atUs;
    this.callback = cb;
    this.thread.rearm();
  }

  /** Nothing armed here fires; the helper thread ends with the last timer. */
  close(): void {
    this.callback = null;
    this.thread.leave(this);
  }
}

/** How long the helper thread outlives its last timer (the next scenario, or the run after a warm-up, takes it over). */
const LINGER_MS = 3000;

let shared: TimerThread | null = null;

/** Starts this engine thread's helper thread now, unless it runs; it ends LINGER_MS later unless a PreciseTimer takes it. */
export function prestartPreciseTimer(): void {
  shared ??= new TimerThread();
  if (shared.timers.size === 0) shared.linger();
}

/** The helper thread (precise-timer-worker.js) and the shared memory it is armed through. */
class TimerThread {
  readonly timers = new Set<PreciseTimer>();
  ready = false;
  private readonly seqs: Int32Array;
  private readonly due: Float64Array;
  private readonly worker: Worker;
  private armedSeq = -1;
  private armedUs = Infinity;
  private firing = false;
  private lingerTimer: NodeJS.Timeout | undefined;

  constructor() {
    const memory = new SharedArrayBuffer(16);
    this.seqs = new Int32Array(memory, 0, 1);
    this.due = new Float64Array(memory, 8, 1);
    this.worker = new Worker(new URL('./precise-timer-worker.js', import.meta.url), { workerData: memory });
    this.worker.on('message', (seq: number) => {
      if (seq === -1) this.ready = true;
      else if (seq === this.armedSeq) this.fire();
    });
    this.worker.on('error', () => {
      // the thread failed (it only waits, so it should not): what is armed fires now, late
      // rather than never, and every later arm does too
      this.ready = false;
      this.fire(Infinity);
    });
  }

  join(t: PreciseTimer): void {
    clearTimeout(this.lingerTimer);
    if (this.timers.size === 0) this.worker.ref(); // while a timer may be armed, its message is due
    this.timers.add(t);
  }

  leave(t: PreciseTimer): void {
    this.timers.delete(t);
    if (this.timers.size === 0) this.linger();
    else this.rearm();
  }

  /** No timers: the thread keeps nothing alive, and ends in LINGER_MS unless one joins. */
  linger(): void {
    this.worker.unref();
    clearTimeout(this.lingerTimer);
    this.lingerTimer = setTimeout(() => {
      if (this.timers.size > 0) return;
      this.close();
      if (shared === this) shared = null;
    }, LINGER_MS);
    this.lingerTimer.unref();
  }

  /** Arms the helper thread for the earliest instant armed, unless it already is. */
  rearm(): void {
    if (this.firing) return;
    let earliest = Infinity;
    for (const t of this.timers) if (t.callback !== null && t.atUs < earliest) earliest = t.atUs;
    if (earliest === Infinity || earliest === this.armedUs) return;
    this.armedUs = earliest;
    this.due[0] = earliest;
    this.armedSeq = Atomics.add(this.seqs, 0, 1) + 1;
    Atomics.notify(this.seqs, 0);
  }

  /** The armed instant has come: every timer due by `now` fires, then the next instant is armed. */
  private fire(now = nowUs()): void {
    this.firing = true;
    this.armedUs = Infinity;
    try {
      // in the order of their instants (a late wake-up may find several due)
      const due = [...this.timers].filter((t) => t.callback !== null && t.atUs <= now).sort((x, y) => x.atUs - y.atUs);
      for (const t of due) {
        const cb = t.callback;
        if (cb === null || t.atUs > now) continue; // closed, or re-armed for later, by one fired before it
        t.callback = null;
        cb();
      }
    } finally {
      this.firing = false;
    }
    this.rearm();
  }

  close(): void {
    this.due[0] = -1;
    Atomics.add(this.seqs, 0, 1);
    Atomics.notify(this.seqs, 0);
    this.worker.unref();
  }
}
