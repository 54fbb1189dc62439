// Warming the generator's own code before t = 0 of an open-model run.
//
// Why: V8 runs a function in its interpreter until it has been called often enough to be
// compiled, so the engine's hot path (VU API → HTTP client → parser → recorder) is many times
// slower for its first few thousand requests. In a closed model that only delays the first
// requests a little; in an open model the schedule does not wait: at 20,000 iterations/s the
// first ~100 ms of cold code put the scheduler ~85 ms behind, and those late starts were the
// run's whole send-lag p99 (84 ms in second 0, ≤ 2–4 ms once warm; measured with runner/bench's
// hello-world target, generator pinned to one core).
//
// So before an arrival-rate run with a high rate, every engine thread sends a few thousand
// requests through the same code — real VirtualUsers, a real HttpAgent, a throwaway recorder —
// to a tiny HTTP server of its own on 127.0.0.1. The target never sees them, nothing is
// recorded, and it costs ~0.1–0.3 s before the start. Journeys themselves are not run: they
// would touch the target.
import type { Histogram } from '../recorder/histogram.ts';
import { IntervalRecorder, type IntervalSnapshot } from '../recorder/interval.ts';
import type { NormalisedOptions, NormalisedScenario } from '../scenario/types.ts';
import { startCannedServer } from './canned-server.js';
import { nowUs } from '../time/clock.ts';
import { prestartPreciseTimer } from './precise-timer.ts';
import { RequestNames, VirtualUser } from './vu.ts';

/** Arrival rates (iterations/s, whole test) from which the engine warms up first. */
export const WARM_UP_MIN_RATE = 1000;
const WARM_UP_REQUESTS = 8000;
const WARM_UP_MAX_MS = 1500;
const WARM_UP_VUS = 32;

function peakRatePerSecond(s: NormalisedScenario): number {
  if (s.executor === 'constant-arrival-rate') return (s.rate * 1000) / s.timeUnitMs;
  if (s.executor === 'ramping-arrival-rate') return (Math.max(s.startRate, ...s.stages.map((st) => st.target)) * 1000) / s.timeUnitMs;
  return 0;
}

/** True when some arrival-rate scenario peaks at WARM_UP_MIN_RATE/s or more (STAMPEDE_WARM_UP=0 turns it off). */
export function needsWarmUp(options: NormalisedOptions): boolean {
  if (process.env.STAMPEDE_WARM_UP === '0') return false;
  return options.scenarios.some((s) => peakRatePerSecond(s) >= WARM_UP_MIN_RATE);
}

export interface WarmUpReport {
  requests: number;
  ms: number;
}

/**
 * Runs the warm-up in this thread. `onSnapshot` receives a few throwaway interval snapshots so
 * the caller can warm what it does with them each second too (merging, encoding).
 */
export async function warmUpEngine(options: NormalisedOptions, onSnapshot?: (s: IntervalSnapshot<Histogram>) => void): Promise<WarmUpReport> {
  // canned responses: the server side costs next to nothing, so the warm-up's CPU goes to
  // the client code it is for
  // the scheduler's helper thread starts now, not in the schedule's first milliseconds
  prestartPreciseTimer();
  const server = await startCannedServer();
  const url = `http://127.0.0.1:${server.port}/warm-up`;
  const recorder = new IntervalRecorder(-1);
  const ctx = { recorder, options, env: {}, recordHttp: true, names: new RequestNames() };
  const vus = Array.from({ length: WARM_UP_VUS }, (_, i) => new VirtualUser(i + 1, i + 1, ctx));
  const started = nowUs();
  const deadline = started + WARM_UP_MAX_MS * 1000;
  let requests = 0;
  let snapshots = 0;
  const loop = async (vu: VirtualUser): Promise<void> => {
    while (requests < WARM_UP_REQUESTS && nowUs() < deadline) {
      requests++;
      vu.beginIteration('warm-up', {}, ctx.env, 0);
      recorder.iterationStarted(0); // the send-lag path too
      const t0 = nowUs();
      await vu.http.get(url);
      recorder.recordIteration(vu.iterationCell(), nowUs() - t0);
      if (requests % 500 === 0) onSnapshot?.(recorder.snapshot(snapshots++));
    }
  };
  try {
    await Promise.all(vus.map(loop));
    onSnapshot?.(recorder.snapshot(snapshots));
  } finally {
    for (const vu of vus) vu.close();
    recorder.close();
    await server.close();
  }
  return { requests, ms: (nowUs() - started) / 1000 };
}
