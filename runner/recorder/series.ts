// A series is one tag set's samples of every metric recorded under it: histograms for trends,
// sums for counters, passes/fails for rates. Both the per-second recorder (deltas) and the
// run's aggregate (cumulative) are maps of series.
import { newHistogram, type Histogram } from './histogram.ts';

export type Tags = Record<string, string>;

export interface RateCount {
  passes: number;
  fails: number;
}

/** A gauge (k6 Gauge): its last value (by the time it was set), and the smallest and largest. */
export interface GaugeValue {
  value: number;
  min: number;
  max: number;
  /** µs (engine clock) when `value` was set: the later of two merged gauges wins */
  at: number;
}

export class Series {
  readonly key: string;
  readonly tags: Tags;
  readonly trends = new Map<string, Histogram>();
  readonly counters = new Map<string, number>();
  readonly rates = new Map<string, RateCount>();
  readonly gauges = new Map<string, GaugeValue>();

  constructor(key: string, tags: Tags) {
    this.key = key;
    this.tags = tags;
  }

  trend(name: string): Histogram {
    let h = this.trends.get(name);
    if (!h) {
      h = newHistogram();
      this.trends.set(name, h);
    }
    return h;
  }

  count(name: string, n: number): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + n);
  }

  rate(name: string, passed: boolean): void {
    let r = this.rates.get(name);
    if (!r) {
      r = { passes: 0, fails: 0 };
      this.rates.set(name, r);
    }
    if (passed) r.passes++;
    else r.fails++;
  }

  rateCounts(name: string, passes: number, fails: number): void {
    let r = this.rates.get(name);
    if (!r) {
      r = { passes: 0, fails: 0 };
      this.rates.set(name, r);
    }
    r.passes += passes;
    r.fails += fails;
  }

  gauge(name: string, g: GaugeValue): void {
    const cur = this.gauges.get(name);
    if (!cur) this.gauges.set(name, { ...g });
    else {
      cur.min = Math.min(cur.min, g.min);
      cur.max = Math.max(cur.max, g.max);
      if (g.at >= cur.at) {
        cur.value = g.value;
        cur.at = g.at;
      }
    }
  }

  /** Adds another series' samples into this one (histograms merge exactly). */
  merge(other: Series): void {
    for (const [name, h] of other.trends) this.trend(name).add(h);
    for (const [name, n] of other.counters) this.count(name, n);
    for (const [name, r] of other.rates) this.rateCounts(name, r.passes, r.fails);
    for (const [name, g] of other.gauges) this.gauge(name, g);
  }

  metricNames(): string[] {
    return [...this.trends.keys(), ...this.counters.keys(), ...this.rates.keys(), ...this.gauges.keys()];
  }
}

/** A stable key of a tag set: sorted `k=v` pairs joined by an unprintable separator. */
export function tagsKey(tags: Tags): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`)
    .join('\x1f');
}

/** True when every tag of `filter` is present in `tags` with the same value. */
export function tagsMatch(tags: Tags, filter: Tags): boolean {
  for (const k in filter) if (tags[k] !== filter[k]) return false;
  return true;
}
