// Turns a run's scrapes of the target's /metrics into ServerMetrics series on the run's time
// axis (t = whole seconds since the run's start, as the load timeline). Counters become
// per-second rates between consecutive scrapes (a drop is a counter reset: the new value is
// the increase, as Prometheus' rate() does); gauges are kept as they are.
import type { ServerMetrics } from '../result/schema.ts';
import { sumSamples, type Exposition } from './prometheus.ts';

export interface Scrape {
  /** epoch ms when the scrape was sent */
  atMs: number;
  /** null when the scrape failed */
  expo: Exposition | null;
  /** 'refused' | 'reset' | 'timeout' | 'http_<status>' | 'parse' | 'other' when it failed */
  error: string | null;
}

type Sel = { name: string; where?: Record<string, string> };

/** How one series is derived from the samples. */
export type SeriesRule =
  | { series: string; kind: 'gauge'; of: Sel; scale?: number }
  | { series: string; kind: 'rate'; of: Sel; scale?: number }
  /** Δa / (Δa + Δb) per interval (e.g. cache hits over lookups); no point when nothing happened */
  | { series: string; kind: 'ratio'; a: Sel; b: Sel }
  /** Δsum / Δcount per interval (mean of a histogram's observations) */
  | { series: string; kind: 'mean'; sum: Sel; count: Sel; scale?: number };

/** The series Stampede keeps from a target's metrics; those whose metric is absent are left out. */
export const DEFAULT_RULES: SeriesRule[] = [
  { series: 'cpu_percent', kind: 'rate', of: { name: 'process_cpu_seconds_total' }, scale: 100 },
  { series: 'memory_rss_mb', kind: 'gauge', of: { name: 'process_resident_memory_bytes' }, scale: 1e-6 },
  { series: 'heap_used_mb', kind: 'gauge', of: { name: 'nodejs_heap_size_used_bytes' }, scale: 1e-6 },
  { series: 'event_loop_lag_p99_ms', kind: 'gauge', of: { name: 'nodejs_eventloop_lag_p99_seconds' }, scale: 1000 },
  { series: 'event_loop_lag_max_ms', kind: 'gauge', of: { name: 'nodejs_eventloop_lag_max_seconds' }, scale: 1000 },
  { series: 'server_requests_per_s', kind: 'rate', of: { name: 'http_request_duration_seconds_count' } },
  { series: 'pool_total', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'total' } } },
  { series: 'pool_idle', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'idle' } } },
  { series: 'pool_waiting', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'waiting' } } },
  { series: 'pool_wait_ms_mean', kind: 'mean', sum: { name: 'db_pool_wait_seconds_sum' }, count: { name: 'db_pool_wait_seconds_count' }, scale: 1000 },
  { series: 'cache_hit_ratio', kind: 'ratio', a: { name: 'cache_requests_total', where: { result: 'hit' } }, b: { name: 'cache_requests_total', where: { result: 'miss' } } },
  { series: 'queue_waiting', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'waiting' } } },
  { series: 'queue_active', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'active' } } },
  { series: 'queue_failed', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'failed' } } },
  { series: 'orders_accepted_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'accepted' } } },
  { series: 'orders_sold_out_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'sold_out' } } },
  { series: 'orders_rejected_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'rejected' } } },
  { series: 'orders_payment_failed_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'payment_failed' } } },
  { series: 'orders_accepted_total', kind: 'gauge', of: { name: 'orders_accepted_since_reset' } },
  { series: 'payment_ms_mean', kind: 'mean', sum: { name: 'payment_duration_seconds_sum' }, count: { name: 'payment_duration_seconds_count' }, scale: 1000 },
  { series: 'replication_lag_ms', kind: 'gauge', of: { name: 'replication_lag_seconds' }, scale: 1000 },
];

const read = (e: Exposition, s: Sel) => sumSamples(e, s.name, s.where);
const round = (x: number) => Math.round(x * 1000) / 1000;

/** Increase of a counter between two readings, treating a drop as a reset. */
function increase(prev: number, cur: number): number {
  return cur >= prev ? cur - prev : cur;
}

/**
 * Consecutive failed scrapes at the end of the run mean the target died, when the run of failures
 * includes a refused/reset connection (the process is gone) or lasts ≥ `hangScrapes` scrapes (it
 * hangs). A sync target too busy to answer one scrape in time is not dead.
 */
function diedAtIndex(scrapes: Scrape[], hangScrapes: number): number | null {
  let first = scrapes.length;
  while (first > 0 && scrapes[first - 1]?.error) first--;
  const tail = scrapes.slice(first);
  if (tail.length === 0) return null;
  const gone = tail.some((s) => s.error === 'refused' || s.error === 'reset');
  return gone || tail.length >= hangScrapes ? first : null;
}

export function deriveServerSeries(url: string, scrapes: Scrape[], runStartEpochMs: number, rules: SeriesRule[] = DEFAULT_RULES, hangScrapes = 5): ServerMetrics {
  const tOf = (atMs: number) => Math.floor((atMs - runStartEpochMs) / 1000);
  const series: Record<string, Array<[number, number]>> = {};
  const push = (name: string, t: number, v: number | null) => {
    if (t < 0 || v === null || !Number.isFinite(v)) return;
    const arr = (series[name] ??= []);
    // one point per second: a late scrape landing in an already-filled second replaces it
    if (arr.length > 0 && arr[arr.length - 1]?.[0] === t) arr[arr.length - 1] = [t, round(v)];
    else arr.push([t, round(v)]);
  };
  let prev: Scrape | null = null;
  for (const s of scrapes) {
    const t = tOf(s.atMs);
    push('scrape_ok', t, s.expo ? 1 : 0);
    if (!s.expo) continue;
    const cur = s.expo;
    for (const rule of rules) {
      switch (rule.kind) {
        case 'gauge': {
          const v = read(cur, rule.of);
          push(rule.series, t, v === null ? null : v * (rule.scale ?? 1));
          break;
        }
        case 'rate': {
          const v = read(cur, rule.of);
          const p = prev?.expo ? read(prev.expo, rule.of) : null;
          if (v === null || p === null || !prev) break;
          const dt = (s.atMs - prev.atMs) / 1000;
          if (dt > 0) push(rule.series, t, (increase(p, v) / dt) * (rule.scale ?? 1));
          break;
        }
        case 'ratio': {
          if (!prev?.expo) break;
          const a = read(cur, rule.a);
          const b = read(cur, rule.b);
          if (a === null && b === null) break;
          const da = increase(read(prev.expo, rule.a) ?? 0, a ?? 0);
          const db = increase(read(prev.expo, rule.b) ?? 0, b ?? 0);
          if (da + db > 0) push(rule.series, t, da / (da + db));
          break;
        }
        case 'mean': {
          if (!prev?.expo) break;
          const sum = read(cur, rule.sum);
          const count = read(cur, rule.count);
          const ps = read(prev.expo, rule.sum);
          const pc = read(prev.expo, rule.count);
          if (sum === null || count === null || ps === null || pc === null) break;
          const dc = increase(pc, count);
          if (dc > 0) push(rule.series, t, (increase(ps, sum) / dc) * (rule.scale ?? 1));
          break;
        }
      }
    }
    prev = s;
  }
  const died = diedAtIndex(scrapes, hangScrapes);
  const diedScrape = died === null ? undefined : scrapes[died];
  return { url, series, diedAt: diedScrape ? Math.max(0, tOf(diedScrape.atMs)) : null };
}
