// How many VUs a capacity probe gets. An arrival-rate probe needs, by Little's law, as many
// VUs as iterations in flight: rate × the journey's duration. The duration is measured (a
// short pilot at a low rate before the search, then every passing probe), not guessed from
// the SLO: a journey that thinks between requests (the shop's browse: six requests and about a
// second of thinking) takes far longer than one request, and sizing from the SLO alone starved
// every probe of it. At the rates probed the journey is slower than in the pilot, and near or
// past the target's limit its requests are slower than the SLO's bound — a probe there must
// show the target failing, not the generator starving (which costs a re-run) — so each request
// is allowed max(2 × the bound, 500 ms): the duration sized for is measured mean + requests
// per iteration × that allowance, times a margin for the spread.
// A probe that still runs out of VUs (iterations dropped while the target's service time met
// the SLO) is re-run at the same rate with twice the VUs, up to a ceiling: the generator's
// stinginess must never be read as the target's limit.
import { vusNeeded } from '../analysis/littles-law.ts';

/** Margin over the Little's-law estimate: iteration durations spread, and arrivals bunch. */
export const VU_MARGIN = 1.5;
/** VUs a probe may grow to when the user set no --max-vus. */
export const VU_CEILING = 20_000;
/** Factor a probe's VUs grow by when it ran out of them. */
export const VU_GROWTH = 2;

export interface JourneyEstimate {
  /** mean iteration duration, ms, as measured */
  meanMs: number;
  /** requests one iteration makes, measured (requests ÷ iterations) */
  requestsPerIteration: number;
  /** where the numbers come from: 'pilot' or 'probe N' */
  source: string;
}

export interface VuSizing {
  preAllocatedVUs: number;
  maxVUs: number;
  /** how maxVUs was arrived at, for the document and the progress line */
  formula: string;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** What each request of a probe is allowed to take when sizing VUs: see the top of this file. */
export function requestAllowanceMs(latencyBoundMs: number): number {
  return Math.max(2 * latencyBoundMs, 500);
}

/** The iteration duration sized for: the measured mean plus every request at its allowance. */
export function sizedIterationMs(journey: JourneyEstimate | null, latencyBoundMs: number): number {
  if (!journey) return Math.max(1000, 4 * latencyBoundMs);
  return journey.meanMs + Math.max(1, journey.requestsPerIteration) * requestAllowanceMs(latencyBoundMs);
}

/** VUs for a probe at `rate` iterations/s. `cap` (--max-vus) is a hard limit; otherwise VU_CEILING. */
export function sizeVus(rate: number, journey: JourneyEstimate | null, latencyBoundMs: number, cap: number | null): VuSizing {
  const iterationMs = sizedIterationMs(journey, latencyBoundMs);
  const limit = cap ?? VU_CEILING;
  const wanted = Math.max(10, vusNeeded(rate, iterationMs * VU_MARGIN));
  const maxVUs = Math.min(limit, wanted);
  const pre = Math.min(maxVUs, Math.max(2, vusNeeded(rate, journey ? journey.meanMs * 1.2 : latencyBoundMs)));
  const basis = journey
    ? `${rate}/s × (${round1(journey.meanMs)} ms measured (${journey.source}) + ${round1(journey.requestsPerIteration)} requests × ${requestAllowanceMs(latencyBoundMs)} ms) × ${VU_MARGIN}`
    : `${rate}/s × ${iterationMs} ms (no measured journey yet) × ${VU_MARGIN}`;
  const capped = maxVUs < wanted ? `, capped at ${limit}${cap === null ? '' : ' (--max-vus)'}` : '';
  return { preAllocatedVUs: pre, maxVUs, formula: `${basis} = ${wanted} VUs${capped}` };
}

/** The VUs for the re-run of a probe that ran out of them; null when it cannot grow (already at the cap). */
export function grownVus(previous: VuSizing, cap: number | null): VuSizing | null {
  const limit = cap ?? VU_CEILING;
  if (previous.maxVUs >= limit) return null;
  const maxVUs = Math.min(limit, Math.ceil(previous.maxVUs * VU_GROWTH));
  return { preAllocatedVUs: Math.min(maxVUs, previous.preAllocatedVUs * VU_GROWTH), maxVUs, formula: `${previous.maxVUs} VUs ran out: × ${VU_GROWTH} = ${maxVUs} VUs${maxVUs === limit ? ` (the ${cap === null ? 'ceiling' : '--max-vus cap'})` : ''}` };
}

/** The estimate a finished run gives, when it completed iterations; null otherwise. */
export function journeyFrom(iterations: number, requests: number, meanIterationMs: number, source: string): JourneyEstimate | null {
  if (iterations <= 0 || !(meanIterationMs > 0)) return null;
  return { meanMs: meanIterationMs, requestsPerIteration: requests / iterations, source };
}
