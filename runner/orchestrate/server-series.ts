// Turns a run's scrapes of the target's /metrics into ServerMetrics series on the run's time
// axis (t = whole seconds since the run's start, as the load timeline). Counters become
// per-second rates between consecutive scrapes (a drop is a counter reset: the new value is
// the increase, as Prometheus' rate() does); gauges are kept as they are. Which is which comes from
// the metric's declared TYPE in the scrape, not its name: `pool_total` is a gauge of connections.
import type { ServerMetrics } from '../result/schema.ts';
import { sumSamples, type Exposition, type MetricKind } from './prometheus.ts';

export interface Scrape {
  /** epoch ms when the scrape was sent */
  atMs: number;
  /** null when the scrape failed */
  expo: Exposition | null;
  /** 'refused' | 'reset' | 'timeout' | 'http_<status>' | 'parse' | 'other' when it failed */
  error: string | null;
}

type Sel = { name: string; where?: Record<string, string> };

/**
 * How one series is derived from the samples, and its unit. 'gauge' and 'rate' are what the rule
 * expects; the scrape's TYPE decides: a family declared `counter` is always turned into a rate,
 * one declared `gauge` is always kept as scraped (untyped: the rule's kind).
 */
export type SeriesRule =
  | { series: string; kind: 'gauge'; of: Sel; scale?: number; unit: string }
  | { series: string; kind: 'rate'; of: Sel; scale?: number; unit: string }
  /** Δa / (Δa + Δb) per interval (e.g. cache hits over lookups); no point when nothing happened */
  | { series: string; kind: 'ratio'; a: Sel; b: Sel; unit: string }
  /** Δsum / Δcount per interval (mean of a histogram's observations) */
  | { series: string; kind: 'mean'; sum: Sel; count: Sel; scale?: number; unit: string };

/** The series Stampede keeps from a target's metrics; those whose metric is absent are left out. */
export const DEFAULT_RULES: SeriesRule[] = [
  { series: 'cpu_percent', kind: 'rate', of: { name: 'process_cpu_seconds_total' }, scale: 100, unit: '%' },
  { series: 'memory_rss_mb', kind: 'gauge', of: { name: 'process_resident_memory_bytes' }, scale: 1e-6, unit: 'MB' },
  { series: 'heap_used_mb', kind: 'gauge', of: { name: 'nodejs_heap_size_used_bytes' }, scale: 1e-6, unit: 'MB' },
  { series: 'event_loop_lag_p99_ms', kind: 'gauge', of: { name: 'nodejs_eventloop_lag_p99_seconds' }, scale: 1000, unit: 'ms' },
  { series: 'event_loop_lag_max_ms', kind: 'gauge', of: { name: 'nodejs_eventloop_lag_max_seconds' }, scale: 1000, unit: 'ms' },
  { series: 'server_requests_per_s', kind: 'rate', of: { name: 'http_request_duration_seconds_count' }, unit: 'requests/s' },
  { series: 'pool_total', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'total' } }, unit: 'connections' },
  { series: 'pool_idle', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'idle' } }, unit: 'connections' },
  { series: 'pool_waiting', kind: 'gauge', of: { name: 'db_pool_clients', where: { state: 'waiting' } }, unit: 'clients waiting' },
  { series: 'pool_wait_ms_mean', kind: 'mean', sum: { name: 'db_pool_wait_seconds_sum' }, count: { name: 'db_pool_wait_seconds_count' }, scale: 1000, unit: 'ms' },
  { series: 'cache_hit_ratio', kind: 'ratio', a: { name: 'cache_requests_total', where: { result: 'hit' } }, b: { name: 'cache_requests_total', where: { result: 'miss' } }, unit: 'ratio' },
  { series: 'queue_waiting', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'waiting' } }, unit: 'jobs' },
  { series: 'queue_active', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'active' } }, unit: 'jobs' },
  { series: 'queue_failed', kind: 'gauge', of: { name: 'queue_jobs', where: { state: 'failed' } }, unit: 'jobs' },
  { series: 'orders_accepted_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'accepted' } }, unit: 'orders/s' },
  { series: 'orders_sold_out_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'sold_out' } }, unit: 'orders/s' },
  { series: 'orders_rejected_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'rejected' } }, unit: 'orders/s' },
  { series: 'orders_payment_failed_per_s', kind: 'rate', of: { name: 'orders_total', where: { outcome: 'payment_failed' } }, unit: 'orders/s' },
  { series: 'orders_accepted_total', kind: 'gauge', of: { name: 'orders_accepted_since_reset' }, unit: 'orders' },
  { series: 'payment_ms_mean', kind: 'mean', sum: { name: 'payment_duration_seconds_sum' }, count: { name: 'payment_duration_seconds_count' }, scale: 1000, unit: 'ms' },
  { series: 'replication_lag_ms', kind: 'gauge', of: { name: 'replication_lag_seconds' }, scale: 1000, unit: 'ms' },
];

const read = (e: Exposition, s: Sel) => sumSamples(e, s.name, s.where);

/** The declared TYPE of the family a sample name belongs to in this scrape ('untyped' when none). */
export function declaredType(e: Exposition, sampleName: string): MetricKind {
  const own = e.families.get(sampleName);
  if (own && own.samples.some((x) => x.name === sampleName)) return own.kind;
  for (const f of e.families.values()) if (f.samples.some((x) => x.name === sampleName)) return f.kind;
  return 'untyped';
}

/** What a gauge/rate rule really draws, given the scrape: a counter is a rate, a gauge a value. */
function effectiveKind(rule: 'gauge' | 'rate', declared: MetricKind): 'gauge' | 'rate' {
  if (declared === 'counter' || declared === 'histogram' || declared === 'summary') return 'rate';
  if (declared === 'gauge') return 'gauge';
  return rule;
}

const SHOWN = { gauge: 'value', rate: 'rate', ratio: 'ratio', mean: 'mean' } as const;
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
  const kinds: NonNullable<ServerMetrics['kinds']> = { scrape_ok: { shown: 'value', declared: 'untyped', unit: 'ok (1) / failed (0)' } };
  let prev: Scrape | null = null;
  for (const s of scrapes) {
    const t = tOf(s.atMs);
    push('scrape_ok', t, s.expo ? 1 : 0);
    if (!s.expo) continue;
    const cur = s.expo;
    for (const rule of rules) {
      let kind = rule.kind;
      if (rule.kind === 'gauge' || rule.kind === 'rate') {
        const declared = declaredType(cur, rule.of.name);
        kind = effectiveKind(rule.kind, declared);
        if (read(cur, rule.of) !== null) kinds[rule.series] ??= { shown: SHOWN[kind], declared, unit: kind === rule.kind ? rule.unit : kind === 'rate' ? `${rule.unit}/s` : rule.unit.replace(/\/s$/, '') };
      } else kinds[rule.series] ??= { shown: SHOWN[rule.kind], declared: declaredType(cur, rule.kind === 'ratio' ? rule.a.name : rule.sum.name), unit: rule.unit };
      switch (kind) {
        case 'gauge': {
          if (rule.kind !== 'gauge' && rule.kind !== 'rate') break;
          const v = read(cur, rule.of);
          push(rule.series, t, v === null ? null : v * (rule.scale ?? 1));
          break;
        }
        case 'rate': {
          if (rule.kind !== 'gauge' && rule.kind !== 'rate') break;
          const v = read(cur, rule.of);
          const p = prev?.expo ? read(prev.expo, rule.of) : null;
          if (v === null || p === null || !prev) break;
          const dt = (s.atMs - prev.atMs) / 1000;
          if (dt > 0) push(rule.series, t, (increase(p, v) / dt) * (rule.scale ?? 1));
          break;
        }
        case 'ratio': {
          if (rule.kind !== 'ratio' || !prev?.expo) break;
          const a = read(cur, rule.a);
          const b = read(cur, rule.b);
          if (a === null && b === null) break;
          const da = increase(read(prev.expo, rule.a) ?? 0, a ?? 0);
          const db = increase(read(prev.expo, rule.b) ?? 0, b ?? 0);
          if (da + db > 0) push(rule.series, t, da / (da + db));
          break;
        }
        case 'mean': {
          if (rule.kind !== 'mean' || !prev?.expo) break;
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
  for (const k of Object.keys(kinds)) if (!Object.hasOwn(series, k)) delete kinds[k];
  return { url, series, diedAt: diedScrape ? Math.max(0, tOf(diedScrape.atMs)) : null, kinds };
}
