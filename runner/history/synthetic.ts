// Synthetic runs for the history's tests: per-second histograms drawn from a known latency
// distribution (log-normal), with seconds that are autocorrelated as real ones are (an AR(1)
// level per second), so a test knows the truth the statistics must find.
import { encodeHistogram, newHistogram, recordValue } from '../recorder/histogram.ts';
import type { RequestSeconds } from '../result/schema.ts';
import { seededRng, type Rng } from './rng.ts';

export interface SyntheticRun {
  seconds: number;
  ratePerSecond: number;
  /** median latency, ms */
  medianMs: number;
  /** log-normal shape */
  sigma: number;
  /** added to every latency, ms */
  addMs?: number;
  /** AR(1) coefficient and SD (log scale) of the per-second level */
  phi?: number;
  levelSd?: number;
  failureRate?: number;
  seed: number;
}

function normal(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

export function syntheticSeconds(o: SyntheticRun, name = 'GET /'): RequestSeconds[] {
  const rng = seededRng(o.seed);
  const row: RequestSeconds = { name, t: [], requests: [], failed: [], latency: [], duration: [] };
  const phi = o.phi ?? 0.5;
  const sd = o.levelSd ?? 0.05;
  let level = 0;
  for (let t = 0; t < o.seconds; t++) {
    level = phi * level + Math.sqrt(1 - phi * phi) * sd * normal(rng);
    const lat = newHistogram();
    const dur = newHistogram();
    let failed = 0;
    for (let i = 0; i < o.ratePerSecond; i++) {
      const ms = o.medianMs * Math.exp(level + o.sigma * normal(rng)) + (o.addMs ?? 0);
      const us = Math.round(ms * 1000);
      recordValue(dur, us);
      recordValue(lat, us + Math.round(rng() * 50));
      if (rng() < (o.failureRate ?? 0)) failed++;
    }
    row.t.push(t);
    row.requests.push(o.ratePerSecond);
    row.failed.push(failed);
    row.latency.push(encodeHistogram(lat));
    row.duration.push(encodeHistogram(dur));
  }
  return [row];
}
