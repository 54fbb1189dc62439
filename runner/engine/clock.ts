// The clock is a leaf module: runner/time/clock.ts. This re-export keeps imports written
// against the old path working until the branches in flight have moved to the new one.
export { nowMs, nowUs } from '../time/clock.ts';
