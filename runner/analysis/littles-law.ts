// Little's law, L = λW: the mean number in the system equals arrival rate × mean time in the
// system, for any stable system over a window long enough that edge effects are small. Used
// as a sanity check on every run (a mismatch means a broken clock, a saturated generator or
// requests missing from the count) and to size VUs for an arrival rate.
import { StampedeError } from '../errors.ts';

export interface LittlesLawInput {
  /** measured mean number of requests in flight */
  meanInFlight: number;
  /** completed requests per second over the same window */
  throughput: number;
  /** mean latency of those requests, ms */
  meanLatencyMs: number;
}

export interface LittlesLawCheck {
  /** λW */
  expected: number;
  observed: number;
  /** |observed − expected| / expected (0 when both are 0, Infinity when only expected is 0) */
  relativeError: number;
  ok: boolean;
  message: string;
}

function requireNonNegative(name: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `Little's law: ${name} must be a finite number ≥ 0, got ${v}`);
}

export function littlesLawCheck(input: LittlesLawInput, tolerance = 0.1): LittlesLawCheck {
  requireNonNegative('meanInFlight', input.meanInFlight);
  requireNonNegative('throughput', input.throughput);
  requireNonNegative('meanLatencyMs', input.meanLatencyMs);
  const expected = input.throughput * (input.meanLatencyMs / 1000);
  const observed = input.meanInFlight;
  const relativeError = expected === 0 ? (observed === 0 ? 0 : Infinity) : Math.abs(observed - expected) / expected;
  const ok = relativeError <= tolerance;
  const numbers = `mean in flight ${observed.toFixed(2)}, throughput × mean latency = ${input.throughput.toFixed(1)}/s × ${input.meanLatencyMs.toFixed(1)} ms = ${expected.toFixed(2)}`;
  const message = ok
    ? `Little's law holds: ${numbers} (${(relativeError * 100).toFixed(1)} % apart).`
    : `Little's law does not hold: ${numbers} (${Number.isFinite(relativeError) ? `${(relativeError * 100).toFixed(1)} %` : 'infinitely'} apart, more than ${Math.round(tolerance * 100)} %). ` +
      `The measurement is suspect: a saturated generator, a clock problem, or requests missing from the count.`;
  return { expected, observed, relativeError, ok, message };
}

/** VUs an arrival-rate run needs: ⌈rate × mean iteration duration⌉ (k6 drops iterations below this). */
export function vusNeeded(rate: number, meanIterationDurationMs: number): number {
  requireNonNegative('rate', rate);
  requireNonNegative('meanIterationDurationMs', meanIterationDurationMs);
  return Math.max(0, Math.ceil(rate * (meanIterationDurationMs / 1000) - 1e-9));
}
