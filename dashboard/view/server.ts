// The target's Prometheus metrics, one small chart each, beside the load. Units follow the
// Prometheus naming conventions: *_seconds shown in ms, *_bytes in bytes, *_total counters
// turned into a per-second rate (a running total is hard to read against the load).
import type { RunResult } from '../../runner/result/schema.ts';
import { DEFAULT_MAX_POINTS } from './timeline.ts';

export interface ServerChart {
  name: string;
  unit: string;
  /** how the plotted value relates to the raw series */
  note: string;
  points: Array<{ t: number; v: number }>;
}

export interface ServerView {
  url: string;
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

export function serverView(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): ServerView | null {
  const s = result.server;
  if (!s) return null;
  const charts: ServerChart[] = [];
  for (const [name, raw] of Object.entries(s.series)) {
    let points = raw.map(([t, v]) => ({ t, v }));
    let unit = '';
    let note = 'as scraped';
    if (name.endsWith('_total')) {
      points = points.slice(1).map((p, i) => {
        const prev = points[i]!;
        const dt = p.t - prev.t;
        return { t: p.t, v: dt > 0 ? Math.max(0, (p.v - prev.v) / dt) : 0 };
      });
      unit = '/s';
      note = 'rate of the counter';
    } else if (name.endsWith('_seconds')) {
      points = points.map((p) => ({ t: p.t, v: p.v * 1000 }));
      unit = 'ms';
    } else if (name.endsWith('_bytes')) unit = 'bytes';
    else if (name.endsWith('_percent')) unit = '%';
    const b = bucketMax(points, maxPoints);
    charts.push({ name, unit, note: b.bucketed > 1 ? `${note}, max of each ${b.bucketed} s` : note, points: b.points });
  }
  return { url: s.url, diedAt: s.diedAt ?? null, charts };
}
