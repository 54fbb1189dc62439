// What a k6 value can be: k6 writes durations in ms (never negative), counts and rates that are
// never negative, and nothing near the float range — a value of 1e308 is corruption, and it
// would turn into Infinity/NaN as soon as it is converted to µs or divided into a rate.

/** The largest magnitude of any imported value (a petabyte of data_received, ~31,700 years in ms). */
export const MAX_K6_VALUE = 1e15;
/** The longest test an import covers: a result has one timeline second per second of the test. */
export const MAX_K6_SPAN_MS = 31 * 86_400_000;

/** Why a value cannot be a k6 measurement, or null. `stat` is the summary statistic (avg, count, …), if any. */
export function k6ValueProblem(type: 'trend' | 'counter' | 'rate' | 'gauge', contains: 'default' | 'time' | 'data', value: number, stat?: string): string | null {
  if (!Number.isFinite(value)) return 'expected a finite number';
  if (Math.abs(value) > MAX_K6_VALUE) return `expected a number of at most ${MAX_K6_VALUE} in magnitude, got ${value}`;
  if (value < 0 && type !== 'gauge' && (contains === 'time' || type === 'counter' || type === 'rate' || stat === 'count')) {
    return `expected a value ≥ 0 (${contains === 'time' ? 'a duration' : type === 'rate' ? 'a rate' : 'a count'}), got ${value}`;
  }
  return null;
}
