// A run's per-second data in the form the bootstrap resamples: per request name (and all
// requests together), each second's requests, failures and sparse latency/duration histograms
// over one shared, sorted list of bucket values (so resampled seconds add by index).
import { decodeHistogram, type Histogram } from '../recorder/histogram.ts';
import type { RequestSeconds } from '../result/schema.ts';

/** The name under which every request of a run is taken together. */
export const ALL_REQUESTS = '(all requests)';

export interface SparseHistogram {
  /** bucket values in µs (each bucket's highest equivalent value, as HDR reports percentiles) */
  values: Float64Array;
  counts: Float64Array;
}

export interface SecondsSeries {
  name: string;
  requests: Float64Array;
  failed: Float64Array;
  latency: SparseHistogram[];
  duration: SparseHistogram[];
}

function sparse(h: Histogram): SparseHistogram {
  const f = h as unknown as { countsArrayLength: number; getCountAtIndex(i: number): number; valueFromIndex(i: number): number; highestEquivalentValue(v: number): number };
  const values: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < f.countsArrayLength; i++) {
    const c = f.getCountAtIndex(i);
    if (c > 0) {
      values.push(f.highestEquivalentValue(f.valueFromIndex(i)));
      counts.push(c);
    }
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts) };
}

function mergeSparse(list: SparseHistogram[]): SparseHistogram {
  const m = new Map<number, number>();
  for (const s of list) for (let i = 0; i < s.values.length; i++) m.set(s.values[i] as number, (m.get(s.values[i] as number) ?? 0) + (s.counts[i] as number));
  const keys = [...m.keys()].sort((a, b) => a - b);
  return { values: Float64Array.from(keys), counts: Float64Array.from(keys.map((k) => m.get(k) as number)) };
}

/**
 * Per-name series, plus ALL_REQUESTS merged second by second. Seconds are aligned on the run's
 * own clock (t); a name with no request in a second gets an empty second there, so every
 * series of a run has the same length.
 */
export function secondsSeries(seconds: readonly RequestSeconds[]): SecondsSeries[] {
  const ts = [...new Set(seconds.flatMap((s) => s.t))].sort((a, b) => a - b);
  const pos = new Map(ts.map((t, i) => [t, i]));
  const empty = (): SparseHistogram => ({ values: new Float64Array(0), counts: new Float64Array(0) });
  const out: SecondsSeries[] = [];
  for (const s of seconds) {
    const row: SecondsSeries = { name: s.name, requests: new Float64Array(ts.length), failed: new Float64Array(ts.length), latency: ts.map(empty), duration: ts.map(empty) };
    s.t.forEach((t, i) => {
      const k = pos.get(t) as number;
      row.requests[k] = s.requests[i] ?? 0;
      row.failed[k] = s.failed[i] ?? 0;
      row.latency[k] = sparse(decodeHistogram(s.latency[i] ?? ''));
      row.duration[k] = sparse(decodeHistogram(s.duration[i] ?? ''));
    });
    out.push(row);
  }
  if (out.length > 0) {
    const all: SecondsSeries = { name: ALL_REQUESTS, requests: new Float64Array(ts.length), failed: new Float64Array(ts.length), latency: [], duration: [] };
    for (let k = 0; k < ts.length; k++) {
      for (const r of out) {
        all.requests[k] = (all.requests[k] as number) + (r.requests[k] as number);
        all.failed[k] = (all.failed[k] as number) + (r.failed[k] as number);
      }
      all.latency.push(mergeSparse(out.map((r) => r.latency[k] as SparseHistogram)));
      all.duration.push(mergeSparse(out.map((r) => r.duration[k] as SparseHistogram)));
    }
    out.unshift(all);
  }
  return out;
}
