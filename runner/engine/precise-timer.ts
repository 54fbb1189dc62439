// A timer with microsecond resolution for the arrival-rate scheduler. setTimeout has a 1 ms
// granularity and fires up to ~1 ms late; spinning on setImmediate instead is on time but turns
// the scheduler into a CPU hog that, on a shared core, the kernel takes turns with for
// milliseconds at a time (measured: send lag and response handling then worse than the 1 ms
// timer's). So a helper thread sleeps on a futex until the instant and wakes this thread with
// a message: the event loop meanwhile sleeps in its poll and reads responses as they come.
// One timer armed at a time (the scheduler's next wake-up); arming again replaces it. Made
// before it is needed: the thread takes tens of milliseconds to start (`ready`).
import { Worker } from 'node:worker_threads';

export class PreciseTimer {
  private readonly seqs: Int32Array;
  private readonly due: Float64Array;
  private readonly worker: Worker;
  private armed = -1;
  private callback: (() => void) | null = null;
  /** false until the thread runs (it takes tens of ms to start): till then nothing armed would fire on time */
  ready = false;

  constructor() {
    const shared = new SharedArrayBuffer(16);
    this.seqs = new Int32Array(shared, 0, 1);
    this.due = new Float64Array(shared, 8, 1);
    this.worker = new Worker(new URL('./precise-timer-worker.js', import.meta.url), { workerData: shared });
    this.worker.on('message', (seq: number) => {
      if (seq === -1) this.ready = true;
      if (seq !== this.armed || this.callback === null) return;
      const cb = this.callback;
      this.callback = null;
      cb();
    });
    this.worker.on('error', () => {
      // the thread failed (it cannot: it only waits); what was armed fires now, late rather than never
      const cb = this.callback;
      this.callback = null;
      cb?.();
    });
  }

  /** Calls `cb` once, as soon after epoch µs `atUs` as the thread wakes; replaces what was armed. */
  at(atUs: number, cb: () => void): void {
    this.callback = cb;
    this.due[0] = atUs;
    this.armed = Atomics.add(this.seqs, 0, 1) + 1;
    Atomics.notify(this.seqs, 0);
  }

  /** Nothing armed fires; the thread ends (and never keeps the process alive meanwhile). */
  close(): void {
    this.callback = null;
    this.worker.unref();
    this.due[0] = -1;
    Atomics.add(this.seqs, 0, 1);
    Atomics.notify(this.seqs, 0);
  }
}
