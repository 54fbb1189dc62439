// The target's Prometheus metrics, one small chart each, beside the load, each with its unit.
// A series is drawn as the scrape's declared TYPE decided when the runner derived it (a gauge as
// is, a counter as a per-second rate), never by its name: `pool_total` is a gauge.
import type { RunResult, ServerMetrics } from '../../runner/result/schema.ts';
import { DEFAULT_RULES } from '../../runner/orchestrate/server-series.ts';
import { DEFAULT_MAX_POINTS } from './timeline.ts';
import { RESOURCE_SERIES } from './resources.ts';

export interface ServerChart {
  name: string;
  unit: string;
  /** how the plotted value relates to the raw series */
  note: string;
  points: Array<{ t: number; v: number }>;
}

export interface ServerView {
  url: string;
  /** false when the target had no /metrics (only /proc resources were recorded) */
  scraped: boolean;
  diedAt: number | null;
  charts: ServerChart[];
}

function bucketMax(points: Array<{ t: number; v: number }>, maxPoints: number): { points: Array<{ t: number; v: number }>; bucketed: number } {
  const k = Math.max(1, Math.ceil(points.length / maxPoints));
  if (k === 1) return { points, bucketed: 1 };
  const out: Array<{ t: number; v: number }> = [];
  for (let i = 0; i < points.length; i += k) {
    const g = points.slice(i, i + k);
    out.push({ t: g[0]!.t, v: Math.max(...g.map((p) => p.v)) });
  }
  return { points: out, bucketed: k };
}

/** The unit a derived series' name says (results written before `kinds` existed). */
function unitOfName(name: string): string {
  if (name.endsWith('_mb')) return 'MB';
  if (name.endsWith('_ms') || name.endsWith('_ms_mean')) return 'ms';
  if (name.endsWith('_percent')) return '%';
  if (name.endsWith('_per_s')) return '/s';
  if (name.endsWith('_ratio')) return 'ratio';
  if (name.startsWith('pool_')) return name === 'pool_waiting' ? 'clients waiting' : 'connections';
  if (name.startsWith('queue_')) return 'jobs';
  if (name.startsWith('orders_')) return 'orders';
  return '';
}

const DERIVED = new Map(DEFAULT_RULES.map((r) => [r.series, r]));

type Drawn = { shown: 'value' | 'rate' | 'ratio' | 'mean'; unit: string; scale: number; fromRaw: boolean; declared?: string };

/**
 * How to draw a series: as the result's `kinds` says (the scrape's declared TYPE decided it);
 * for an older result, a series Stampede derived (DEFAULT_RULES) is drawn as stored, and only a
 * raw Prometheus name is read by its conventions (*_seconds in ms, *_bytes, a *_total counter
 * as a per-second rate).
 */
function drawnAs(name: string, kinds: ServerMetrics['kinds']): Drawn {
  const k = kinds && Object.hasOwn(kinds, name) ? kinds[name] : undefined;
  if (k) return { shown: k.shown, unit: k.unit, scale: 1, fromRaw: false, declared: k.declared };
  if (DERIVED.has(name) || name === 'scrape_ok') return { shown: 'value', unit: DERIVED.get(name)?.unit ?? unitOfName(name), scale: 1, fromRaw: false };
  if (name.endsWith('_total')) return { shown: 'rate', unit: '/s', scale: 1, fromRaw: true };
  if (name.endsWith('_seconds')) return { shown: 'value', unit: 'ms', scale: 1000, fromRaw: true };
  if (name.endsWith('_bytes')) return { shown: 'value', unit: 'bytes', scale: 1, fromRaw: true };
  return { shown: 'value', unit: unitOfName(name), scale: 1, fromRaw: true };
}

const NOTES: Record<Drawn['shown'], string> = { value: 'as scraped (a gauge)', rate: 'per second, from a counter', ratio: 'share per interval', mean: 'mean per interval' };

export function serverView(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): ServerView | null {
  const s = result.server;
  if (!s) return null;
  const charts: ServerChart[] = [];
  for (const [name, raw] of Object.entries(s.series)) {
    // the /proc series of a started target have their own section (resources.ts)
    if (s.resources && RESOURCE_SERIES.has(name)) continue;
    const d = drawnAs(name, s.kinds);
    let points = raw.map(([t, v]) => ({ t, v: v * d.scale }));
    // a value whose source is not a declared gauge (scrape_ok: whether the scrape answered) is as recorded
    let note = d.fromRaw ? 'as scraped' : d.shown === 'value' && d.declared !== undefined && d.declared !== 'gauge' ? 'as recorded' : NOTES[d.shown];
    if (d.fromRaw && d.shown === 'rate') {
      // a raw running counter: the per-second increase between points
      points = points.slice(1).map((p, i) => {
        const prev = points[i]!;
        const dt = p.t - prev.t;
        return { t: p.t, v: dt > 0 ? Math.max(0, (p.v - prev.v) / dt) : 0 };
      });
      note = 'rate of the counter';
    }
    const b = bucketMax(points, maxPoints);
    charts.push({ name, unit: d.unit, note: b.bucketed > 1 ? `${note}, max of each ${b.bucketed} s` : note, points: b.points });
  }
  const scraped = !s.resources || Object.keys(s.series).some((n) => !RESOURCE_SERIES.has(n));
  return { url: s.url, scraped, diedAt: s.diedAt ?? null, charts };
}
