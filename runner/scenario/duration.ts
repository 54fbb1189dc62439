// Durations are a leaf module: runner/time/duration.ts. This re-export keeps imports written
// against the old path working until the branches in flight have moved to the new one.
export { DURATION_EXPECTATION, formatDurationMs, parseDurationMs, showValue, tryParseDurationMs } from '../time/duration.ts';
