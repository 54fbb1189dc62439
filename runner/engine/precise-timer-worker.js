// The thread behind PreciseTimer (precise-timer.ts): it sleeps on a futex until the armed
// instant, then wakes the engine thread with a message. Plain JS: it must start fast and needs
// no TypeScript loader.
//
// Shared memory: Int32 [0] = arm sequence (bumped by the engine thread on every arm and on
// close), Float64 [1] = the armed instant in epoch µs (negative: exit). A message carries the
// sequence it fired for, so a wake-up meant for an arm since replaced is recognised as stale;
// the first one, -1, says the thread is running.
import { readlinkSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';

const seqs = new Int32Array(workerData, 0, 1);
const due = new Float64Array(workerData, 8, 1);
const origin = performance.timeOrigin;

// A futex sleep ends up to the thread's timer slack late (50 µs by default on Linux); this
// thread only ever sleeps to be on time, so it asks for 1 µs. Best effort: /proc may be absent
// or not writable, and then the default slack applies.
try {
  const tid = readlinkSync('/proc/thread-self').split('/').pop();
  writeFileSync(`/proc/${tid}/timerslack_ns`, '1000');
} catch {
  // the default slack
}

// ready: until this arrives the engine thread cannot count on being woken (a thread takes
// tens of milliseconds to start)
parentPort.postMessage(-1);
let fired = -1;
for (;;) {
  const seq = Atomics.load(seqs, 0);
  if (seq === fired) {
    Atomics.wait(seqs, 0, seq);
    continue;
  }
  const at = due[0];
  if (at < 0) break;
  const waitMs = (at - (origin + performance.now()) * 1000) / 1000;
  if (waitMs > 0) {
    Atomics.wait(seqs, 0, seq, waitMs);
    continue;
  }
  fired = seq;
  parentPort.postMessage(seq);
}
