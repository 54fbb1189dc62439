// One clock for the whole engine: wall-clock-anchored microseconds with sub-µs resolution.
// performance.now() is monotonic but its origin differs per worker thread; adding
// performance.timeOrigin gives every thread the same epoch, so a schedule computed in the main
// thread is exact in the workers too. A double holds epoch µs (≈1.8e15) to ~0.25 µs.
import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

/** Epoch microseconds (fractional). */
export function nowUs(): number {
  return (origin + performance.now()) * 1000;
}

/** Epoch milliseconds (fractional). */
export function nowMs(): number {
  return origin + performance.now();
}
