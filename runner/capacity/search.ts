// The search strategy of `stampede capacity`, without the engine: it proposes the next probe
// rate from the outcomes so far. Exponential search up from a start rate (down, if the start
// already fails), then bisection between the highest pass and the lowest failure until they
// are within `precision` of each other, then confirmation probes at the answer (research §1.6:
// vegeta's breaker, cliff, Nighthawk). A generator-limited probe says nothing about the
// target: it caps what can be measured, and the result says so rather than calling it the
// target's limit. It also ends the search: the caller has already retried it (with more VUs,
// or after a lagging generator recovered), so probing lower would only measure rates the
// generator can drive and present them as if they bounded the target. Rates are iterations
// (journeys) per second.

export type ProbeOutcome = 'pass' | 'fail' | 'generator-limited';
export type ProbePhase = 'explore' | 'bisect' | 'confirm';

export interface ProbeRecord {
  rate: number;
  phase: ProbePhase;
  outcome: ProbeOutcome;
}

export interface MstSearchOptions {
  /** first probe, iterations/s */
  startRate: number;
  /** factor between exploration probes (default 2) */
  growthFactor?: number;
  /** stop bisecting when (fail − pass) ≤ precision × pass (default 0.05) */
  precision?: number;
  /** probes at the answer after convergence (default 1) */
  confirmations?: number;
  /** give up after this many probes (default 12) */
  maxProbes?: number;
  /** lowest rate worth probing (default 1 iteration/s) */
  minRate?: number;
  /** highest rate to probe (default Infinity) */
  maxRate?: number;
}

export type MstSearchStatus =
  | 'converged' // lowerBound passes (and was confirmed), upperBound fails, within precision
  | 'generator-limited' // the generator could not offer more than generatorLimit; the target's limit is above lowerBound
  | 'max-rate' // passes at maxRate: the limit is above the range asked for
  | 'below-min-rate' // fails even at minRate
  | 'max-probes'; // ran out of probes before converging

export interface MstSearchResult {
  status: MstSearchStatus;
  /** the answer: the highest confirmed passing rate; null when nothing passed */
  mst: number | null;
  /** highest passing rate */
  lowerBound: number | null;
  /** lowest failing rate (a target failure, never a generator limit) */
  upperBound: number | null;
  /** lowest generator-limited rate, if any */
  generatorLimit: number | null;
  /** (upperBound − lowerBound) / lowerBound, when both exist */
  precision: number | null;
  probes: ProbeRecord[];
  message: string;
}

export class MstSearch {
  readonly #opts: Required<MstSearchOptions>;
  readonly #probes: ProbeRecord[] = [];
  #pending: { rate: number; phase: ProbePhase } | null = null;
  #confirmedAt: number | null = null;
  #confirmationsLeft: number;
  #status: MstSearchStatus | null = null;

  constructor(options: MstSearchOptions) {
    const o = {
      growthFactor: 2,
      precision: 0.05,
      confirmations: 1,
      maxProbes: 12,
      minRate: 1,
      maxRate: Infinity,
      ...options,
    };
    if (!(o.startRate > 0) || !Number.isFinite(o.startRate)) throw new RangeError(`startRate must be a finite number > 0, got ${o.startRate}`);
    if (!(o.growthFactor > 1)) throw new RangeError(`growthFactor must be > 1, got ${o.growthFactor}`);
    if (!(o.precision > 0)) throw new RangeError(`precision must be > 0, got ${o.precision}`);
    if (!(o.maxProbes >= 1)) throw new RangeError(`maxProbes must be ≥ 1, got ${o.maxProbes}`);
    if (!(o.minRate > 0) || !(o.maxRate >= o.minRate)) throw new RangeError(`need 0 < minRate ≤ maxRate, got ${o.minRate} and ${o.maxRate}`);
    this.#opts = { ...o, startRate: Math.min(o.maxRate, Math.max(o.minRate, o.startRate)) };
    this.#confirmationsLeft = o.confirmations;
  }

  get probes(): readonly ProbeRecord[] {
    return this.#probes;
  }

  get done(): boolean {
    return this.#decide() === null;
  }

  /** The next probe to run, or null when the search is over. Asking twice without recording returns the same probe. */
  next(): { rate: number; phase: ProbePhase } | null {
    if (this.#pending) return this.#pending;
    this.#pending = this.#decide();
    return this.#pending;
  }

  /** Records the outcome of the probe `next()` proposed. */
  record(outcome: ProbeOutcome): void {
    const probe = this.#pending ?? this.next();
    if (!probe) throw new Error('MstSearch.record: the search is over; there is no probe to record');
    this.#probes.push({ ...probe, outcome });
    this.#pending = null;
    if (probe.phase === 'confirm') {
      if (outcome === 'pass') {
        this.#confirmationsLeft--;
        if (this.#confirmationsLeft <= 0) this.#confirmedAt = probe.rate;
      } else {
        // The answer did not hold up: it is a failure now, and bisection resumes below it.
        this.#confirmationsLeft = this.#opts.confirmations;
      }
    }
  }

  #bounds(): { lo: number | null; hi: number | null; gen: number | null } {
    // A rate that failed bounds from above; the highest pass below every failure bounds from below.
    const fails = this.#probes.filter((p) => p.outcome === 'fail').map((p) => p.rate);
    const gens = this.#probes.filter((p) => p.outcome === 'generator-limited').map((p) => p.rate);
    const hi = fails.length ? Math.min(...fails) : null;
    const gen = gens.length ? Math.min(...gens) : null;
    // a generator-limited run says nothing about the target, so it does not undo a pass at its own rate
    const passes = this.#probes.filter((p) => p.outcome === 'pass' && p.rate < (hi ?? Infinity) && p.rate <= (gen ?? Infinity)).map((p) => p.rate);
    return { lo: passes.length ? Math.max(...passes) : null, hi, gen };
  }

  #decide(): { rate: number; phase: ProbePhase } | null {
    if (this.#status) return null;
    const { growthFactor, precision, maxProbes, minRate, maxRate, confirmations } = this.#opts;
    const { lo, hi, gen } = this.#bounds();
    const top = Math.min(hi ?? Infinity, gen ?? Infinity); // lowest rate known not to pass
    const finish = (status: MstSearchStatus) => {
      this.#status = status;
      return null;
    };

    if (this.#confirmedAt !== null && this.#confirmedAt === lo) return finish(gen !== null && (hi === null || gen < hi) ? 'generator-limited' : 'converged');
    if (this.#probes.length >= maxProbes) return finish('max-probes');
    if (this.#probes.length === 0) return { rate: this.#opts.startRate, phase: 'explore' };
    // never down after a generator-limited probe (see the top of this file)
    if (gen !== null) return finish('generator-limited');

    if (lo === null) {
      // Nothing passes yet: explore downwards.
      const next = top / growthFactor;
      if (top <= minRate) return finish('below-min-rate');
      return { rate: Math.max(minRate, next), phase: 'explore' };
    }
    if (top === Infinity) {
      // Everything so far passes: explore upwards.
      if (lo >= maxRate) return finish('max-rate');
      return { rate: Math.min(maxRate, lo * growthFactor), phase: 'explore' };
    }
    if (top - lo > precision * lo) return { rate: (lo + top) / 2, phase: 'bisect' };
    // Within precision: confirm the answer (unless confirmations are off).
    if (confirmations <= 0) {
      this.#confirmedAt = lo;
      return this.#decide();
    }
    return { rate: lo, phase: 'confirm' };
  }

  result(): MstSearchResult {
    this.#decide();
    const { lo, hi, gen } = this.#bounds();
    const status: MstSearchStatus = this.#status ?? 'max-probes';
    const mst = status === 'converged' || status === 'generator-limited' || status === 'max-rate' || status === 'max-probes' ? lo : null;
    const top = Math.min(hi ?? Infinity, gen ?? Infinity);
    const prec = lo !== null && Number.isFinite(top) ? (top - lo) / lo : null;
    return { status, mst, lowerBound: lo, upperBound: hi, generatorLimit: gen, precision: prec, probes: [...this.#probes], message: this.#message(status, lo, hi, gen, prec) };
  }

  #message(status: MstSearchStatus, lo: number | null, hi: number | null, gen: number | null, prec: number | null): string {
    const r = (v: number) => `${Number(v.toPrecision(4))} iterations/s`;
    const n = this.#probes.length;
    const pct = prec === null ? '' : ` (±${(prec * 100).toFixed(1)} %)`;
    const failsAt = hi === null ? 'no rate failed' : `fails at ${r(hi)}`;
    switch (status) {
      case 'converged':
        return `MST ≈ ${r(lo!)}${pct}: passes at ${r(lo!)} (confirmed), ${failsAt}; ${n} probes.`;
      case 'generator-limited': {
        const cannot = gen === null ? 'The load generator was the limit' : `The load generator could not drive ${r(gen)}`;
        const what = lo === null ? `no rate passed before it, so the target's capacity was not measured` : `the target passed at ${r(lo)}${hi === null ? '' : ` and failed at ${r(hi)}`}: MST ≥ ${r(lo)} — not the target's limit`;
        return `${cannot}; ${what}. Use a stronger generator (more --threads, more cores) or start lower (--start-rate).`;
      }
      case 'max-rate':
        return `The target passes at the highest rate probed (${r(lo!)}); its MST is above the range asked for.`;
      case 'below-min-rate': {
        const low = hi ?? gen;
        return low === null ? `The target failed the SLO at every rate probed: there is no sustainable rate above the minimum.` : `The target fails the SLO even at ${r(low)}: there is no sustainable rate above the minimum probed.`;
      }
      case 'max-probes':
        if (lo === null) return hi === null ? `No rate passed within ${n} probes.` : `No rate passed within ${n} probes (the lowest failed at ${r(hi)}); raise --max-probes or lower --start-rate.`;
        return hi === null && gen === null
          ? `Stopped after ${n} probes without converging, every rate passing: MST ≥ ${r(lo)}; raise --max-probes or --start-rate.`
          : `Stopped after ${n} probes without converging: MST is between ${r(lo)} and ${r(Math.min(hi ?? Infinity, gen ?? Infinity))}${pct}.`;
    }
  }
}
