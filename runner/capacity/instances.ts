// How many instances a peak needs: the simple answer from one instance's MST, and the check a
// USL fit over instance (or worker) counts adds — whether any number of instances reaches
// the peak at all, or the shared resource (the database, usually) is the limit.
import { StampedeError } from '../errors.ts';
import { uslThroughput, type UslFit } from './usl.ts';

function requirePositive(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${name} must be a finite number > 0, got ${v}`);
}

/** ⌈peak / (mst × headroom)⌉: instances that carry `peak` req/s with each at `headroom` of its MST. */
export function instancesNeeded(peak: number, mst: number, headroom = 0.7): number {
  if (!Number.isFinite(peak) || peak < 0) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `peak must be a finite number ≥ 0, got ${peak}`);
  requirePositive('mst', mst);
  requirePositive('headroom', headroom);
  if (headroom > 1) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `headroom is a fraction of MST in (0, 1], got ${headroom}`);
  return Math.max(0, Math.ceil(peak / (mst * headroom) - 1e-9)); // tolerate 700/70 = 10.000000000000002; never −0
}

export interface UslInstancesVerdict {
  /** some finite number of instances reaches the peak (within headroom) according to the fit */
  canCarry: boolean;
  /** smallest instance count whose fitted throughput ≥ peak / headroom; null when none does */
  instances: number | null;
  /** fitted throughput ceiling: X(N*), or γ/α when β = 0 */
  ceiling: number;
  /** the instance count at the ceiling (N*, rounded); null when unbounded */
  atInstances: number | null;
  message: string;
}

/**
 * Reads a USL fit whose n is the number of instances and whose x is the total throughput.
 * `peak` is checked against X(n) × headroom, so the answer runs instances at `headroom` of
 * what the fit says they can do.
 */
export function uslInstancesVerdict(fit: UslFit, peak: number, headroom = 0.7, unit = 'instances'): UslInstancesVerdict {
  requirePositive('peak', peak);
  requirePositive('headroom', headroom);
  const needed = peak / headroom;
  const ceiling = fit.peakThroughput;
  const atInstances = Number.isFinite(fit.peakConcurrency) ? Math.round(fit.peakConcurrency) : null;
  const ceilingText = Number.isFinite(ceiling) ? `${Math.round(ceiling)} req/s` : 'unbounded';

  if (peak > ceiling) {
    return {
      canCarry: false,
      instances: null,
      ceiling,
      atInstances,
      message:
        `The shared resource is the limit; no number of ${unit} carries ${peak} req/s. ` +
        `The USL fit tops out at ${ceilingText}${atInstances !== null ? ` with about ${atInstances} ${unit}` : ''}` +
        `${fit.beta > 0 ? '; beyond that, adding more makes throughput fall (coherency cost β > 0)' : ' (contention α caps it)'}. ` +
        `Reduce the work each request does on the shared resource (cache, batch, queue) or split it (replicas, shards).`,
    };
  }
  // Smallest n with X(n) ≥ peak/headroom, searched up to the peak (X rises until N*).
  const limit = Number.isFinite(fit.peakConcurrency) ? Math.floor(fit.peakConcurrency) + 1 : 100_000;
  for (let n = 1; n <= limit; n++) {
    if (uslThroughput(fit, n) >= needed) {
      return {
        canCarry: true,
        instances: n,
        ceiling,
        atInstances,
        message: `${n} ${unit} carry ${peak} req/s at ${Math.round(headroom * 100)} % of their fitted throughput (X(${n}) ≈ ${Math.round(uslThroughput(fit, n))} req/s; the ceiling is ${ceilingText}).`,
      };
    }
  }
  return {
    canCarry: false,
    instances: null,
    ceiling,
    atInstances,
    message:
      `${peak} req/s is below the fitted ceiling (${ceilingText}) but not with ${Math.round(headroom * 100)} % headroom: ` +
      `no number of ${unit} reaches ${Math.round(needed)} req/s. Running at the ceiling leaves no margin; treat the shared resource as the limit.`,
  };
}
