// Per-second HDR histograms per request name, kept for statistics across runs (`stampede diff`
// resamples a run's seconds to put a confidence interval on its percentiles). A closed second is
// held only in its encoded form (compressed base64, a few hundred bytes), so memory grows by
// bytes per second and name, not by histogram arrays.
import type { RequestSeconds } from '../result/schema.ts';
import { decodeHistogram, encodeHistogram, newHistogram, type Histogram } from './histogram.ts';
import type { IntervalSnapshot } from './interval.ts';

interface OpenCell {
  latency: Histogram;
  duration: Histogram;
  requests: number;
  failed: number;
}

interface ClosedSecond {
  latency: string;
  duration: string;
  requests: number;
  failed: number;
}

/** The tag a request name is kept under; requests without one are grouped under this. */
export const UNNAMED = '(unnamed)';

export class SecondHistograms {
  private readonly open = new Map<number, Map<string, OpenCell>>();
  private readonly closed = new Map<string, Map<number, ClosedSecond>>();

  /** Adds one thread's snapshot of second `snap.t`. */
  add(snap: IntervalSnapshot<Histogram>): void {
    for (const s of snap.series) {
      const duration = s.trends.http_req_duration;
      if (duration === undefined) continue;
      const name = s.tags.name ?? UNNAMED;
      let byName = this.open.get(snap.t);
      if (!byName) this.open.set(snap.t, (byName = new Map()));
      let cell = byName.get(name);
      if (!cell) byName.set(name, (cell = { latency: newHistogram(), duration: newHistogram(), requests: 0, failed: 0 }));
      cell.duration.add(duration);
      cell.latency.add(s.trends.http_req_latency ?? duration);
      cell.requests += s.counters.http_reqs ?? 0;
      cell.failed += s.rates.http_req_failed?.[0] ?? 0;
    }
  }

  /** Encodes second t (all threads reported); a late snapshot of a closed second is merged in. */
  close(t: number): void {
    const byName = this.open.get(t);
    if (!byName) return;
    this.open.delete(t);
    for (const [name, cell] of byName) {
      let seconds = this.closed.get(name);
      if (!seconds) this.closed.set(name, (seconds = new Map()));
      const prior = seconds.get(t);
      if (prior) {
        cell.latency.add(decodeHistogram(prior.latency));
        cell.duration.add(decodeHistogram(prior.duration));
        cell.requests += prior.requests;
        cell.failed += prior.failed;
      }
      seconds.set(t, { latency: encodeHistogram(cell.latency), duration: encodeHistogram(cell.duration), requests: cell.requests, failed: cell.failed });
    }
  }

  /** Columns per request name, seconds in order. */
  toResult(): RequestSeconds[] {
    for (const t of [...this.open.keys()]) this.close(t);
    const out: RequestSeconds[] = [];
    for (const [name, seconds] of [...this.closed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const ts = [...seconds.keys()].sort((a, b) => a - b);
      const row: RequestSeconds = { name, t: [], requests: [], failed: [], latency: [], duration: [] };
      for (const t of ts) {
        const c = seconds.get(t) as ClosedSecond;
        row.t.push(t);
        row.requests.push(c.requests);
        row.failed.push(c.failed);
        row.latency.push(c.latency);
        row.duration.push(c.duration);
      }
      out.push(row);
    }
    return out;
  }
}
