// Little's law on a finished run (or a window of it): the mean number of iterations in flight,
// measured by counting, against throughput × mean iteration duration, measured by timing.
// They come from different instruments — counters of starts and completions versus the
// iteration-duration histogram — so a disagreement means something is off: a generator too
// busy to time what it counts, iterations missing from the count, a broken clock.
//
// In flight is sampled at each second's end: cumulative started − cumulative completed (the
// engine counts both exactly at the interval boundary). A mean of N such samples is itself
// noisy — for Poisson-like occupancy its standard error is ≈ √(L/N) — so a short, lightly
// loaded run can be 10 % off by chance. A warning is given only when the gap is both over the
// tolerance and over three standard errors (plus half an iteration for rounding).
import type { RunResult, TimelinePoint } from '../result/schema.ts';
import { littlesLawCheck, type LittlesLawCheck } from './littles-law.ts';
import { mergeSeconds } from './window.ts';

export interface RunLittlesLaw {
  check: LittlesLawCheck;
  /** seconds sampled */
  seconds: number;
  /** the gap that chance alone could explain, in iterations */
  noise: number;
  /** true when the gap is over the tolerance and over the noise */
  suspect: boolean;
}

/** Fewer samples or iterations than this: no verdict (too little data to say anything). */
const MIN_SECONDS = 3;
const MIN_ITERATIONS = 50;

/**
 * Little's law over `seconds` (consecutive, whole seconds of `timeline`), with in-flight
 * counted from the run's start. Null when there is too little data.
 */
export function littlesLawOverSeconds(timeline: readonly TimelinePoint[], secondsAsGiven: readonly TimelinePoint[], meanIterationMs: number, tolerance = 0.1): RunLittlesLaw | null {
  const seconds = mergeSeconds(secondsAsGiven);
  if (seconds.length < MIN_SECONDS || !(meanIterationMs >= 0)) return null;
  const completed = seconds.reduce((a, p) => a + p.completed, 0);
  if (completed < MIN_ITERATIONS) return null;
  const wanted = new Set(seconds.map((p) => p.t));
  let started = 0;
  let done = 0;
  let inFlightSum = 0;
  for (const p of mergeSeconds(timeline)) {
    started += p.started;
    done += p.completed;
    if (wanted.has(p.t)) inFlightSum += started - done;
  }
  const meanInFlight = Math.max(0, inFlightSum / seconds.length);
  const throughput = completed / seconds.length;
  const check = littlesLawCheck({ meanInFlight, throughput, meanLatencyMs: meanIterationMs }, tolerance);
  const noise = 3 * Math.sqrt(Math.max(meanInFlight, check.expected) / seconds.length) + 0.5;
  const suspect = !check.ok && Math.abs(check.observed - check.expected) > noise;
  return { check, seconds: seconds.length, noise, suspect };
}

/** Little's law over a whole run: every whole second of its timeline. */
export function littlesLawOfRun(result: RunResult, tolerance = 0.1): RunLittlesLaw | null {
  const meanIterationMs = result.metrics.iteration_duration?.values.avg;
  if (meanIterationMs === undefined) return null;
  const wholeSeconds = Math.floor(result.meta.durationMs / 1000);
  const seconds = mergeSeconds(result.timeline).filter((p) => p.t < wholeSeconds);
  return littlesLawOverSeconds(result.timeline, seconds, meanIterationMs, tolerance);
}

/**
 * The warning for a run's summary when Little's law does not hold (more than `tolerance`
 * apart, beyond sampling noise); null when it holds or there is too little data to tell.
 */
export function littlesLawWarning(result: RunResult, tolerance = 0.1): string | null {
  const r = littlesLawOfRun(result, tolerance);
  return r?.suspect ? r.check.message : null;
}
