// Latency against the settings: for a numeric knob that varies in a comparison (pool 5/10/20/50,
// workers 1/2/4/8, payment latency), p50/p90/p99 of both latency definitions and the achieved
// rate against the knob's value (x = the setting), one line per value of the other knobs that
// vary (e.g. one line per cache mode), the repeats' range (min–max) as a band. Two numeric knobs
// also give a heatmap of p99. Framework-free: the compare page (comparison.html and the
// dashboard) draws it, tests read it.
import type { ComparisonConfiguration, RunSummary } from '../../runner/result/comparison-schema.ts';
import type { ComparisonReport } from '../model/compare.ts';
import { linearTicks, logTicks } from './scale.ts';

export type SettingsMetric = 'latencyP50' | 'latencyP90' | 'latencyP99' | 'durationP50' | 'durationP90' | 'durationP99' | 'requestsPerSecond';

export const SETTINGS_METRICS: ReadonlyArray<{ key: SettingsMetric; title: string; definition: 'latency' | 'duration' | null; unit: 'ms' | 'req/s' }> = [
  { key: 'latencyP50', title: 'p50', definition: 'latency', unit: 'ms' },
  { key: 'latencyP90', title: 'p90', definition: 'latency', unit: 'ms' },
  { key: 'latencyP99', title: 'p99', definition: 'latency', unit: 'ms' },
  { key: 'durationP50', title: 'p50', definition: 'duration', unit: 'ms' },
  { key: 'durationP90', title: 'p90', definition: 'duration', unit: 'ms' },
  { key: 'durationP99', title: 'p99', definition: 'duration', unit: 'ms' },
  { key: 'requestsPerSecond', title: 'achieved rate', definition: null, unit: 'req/s' },
];

export interface SettingsLine {
  /** data key prefix (s0, s1, …: never a string from the document) */
  key: string;
  /** the other knobs' values this line holds fixed ('cache=redis'), or 'all' */
  label: string;
  colorIndex: number;
}

/** One x value: per line `s<i>` = the median over repeats, `s<i>_band` = [min, max], `s<i>_n` = runs. */
export type SettingsPoint = { x: number } & Record<string, number | [number, number] | null>;

export interface SettingsChart {
  metric: SettingsMetric;
  points: SettingsPoint[];
  axis: { ticks: number[]; domain: [number, number]; scale: 'log' | 'linear' };
  /** true when no configuration has this metric (an older comparison without p90) */
  empty: boolean;
}

export interface KnobView {
  knob: string;
  /** the knob's values, ascending: the x ticks */
  values: number[];
  /** log x when the values span a factor of 8 or more (pool 5…50, workers 1…8) */
  xScale: 'log' | 'linear';
  /** the other knobs that vary, held fixed along each line */
  by: string[];
  lines: SettingsLine[];
  charts: SettingsChart[];
}

export interface HeatmapView {
  x: { knob: string; values: number[] };
  y: { knob: string; values: number[] };
  /** p99 latency (from the intended start), the median over repeats; null where no run */
  cells: Array<{ x: number; y: number; p99: number | null; n: number }>;
  /** other varying knobs are mixed in a cell: then each cell is the median over them too */
  mixed: string[];
  range: [number, number] | null;
}

export interface SettingsView {
  knobs: KnobView[];
  heatmap: HeatmapView | null;
  /** why there is no chart (no numeric knob varies, …) */
  missing: string | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const numeric = (v: string | undefined) => (v !== undefined && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

/** The knobs of a configuration: every knob it ran with, else as given. */
const knobsOf = (c: ComparisonConfiguration): Record<string, string> => ({ ...c.given, ...(c.config ?? {}), ...c.given }); // the matrix's knobs first, in its order

function summaries(c: ComparisonConfiguration): RunSummary[] {
  return c.runs.flatMap((r) => (r.status === 'ok' && r.summary ? [r.summary] : []));
}

function metricOf(s: RunSummary, m: SettingsMetric): number | null {
  const v = s[m];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function buildSettingsView(report: ComparisonReport): SettingsView {
  const ran = report.comparison.configurations.filter((c) => c.status === 'ran' && summaries(c).length > 0);
  const knobs = ran.map(knobsOf);
  const keys = [...new Set(knobs.flatMap((k) => Object.keys(k)))];
  const varying = keys.filter((k) => new Set(knobs.map((c) => c[k] ?? '')).size > 1);
  const numericKnobs = varying.filter((k) => knobs.every((c) => numeric(c[k]) !== null));
  if (numericKnobs.length === 0) {
    return { knobs: [], heatmap: null, missing: varying.length === 0 ? 'no knob varies between the configurations' : `no numeric knob varies (${varying.join(', ')} ${varying.length === 1 ? 'is' : 'are'} not numbers): see the bars per configuration above` };
  }
  const views = numericKnobs.map((knob): KnobView => {
    const by = varying.filter((k) => k !== knob);
    const groupOf = (c: Record<string, string>) => (by.length ? by.map((k) => `${k}=${c[k] ?? '—'}`).join(',') : 'all');
    const groups = [...new Set(knobs.map(groupOf))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    const lines = groups.map((label, i) => ({ key: `s${i}`, label, colorIndex: i }));
    const values = [...new Set(knobs.map((c) => numeric(c[knob])!))].sort((a, b) => a - b);
    const min = values[0]!;
    const max = values.at(-1)!;
    const xScale = min > 0 && max / min >= 8 ? 'log' : 'linear';
    const charts = SETTINGS_METRICS.map(({ key: metric, unit }): SettingsChart => {
      // runs per (line, x); two configurations on one point (a knob outside the matrix differs) pool their runs
      const runsAt = new Map<string, number[]>();
      ran.forEach((cfg, i) => {
        const line = lines.find((l) => l.label === groupOf(knobs[i]!))!;
        const at = `${line.key}@${numeric(knobs[i]![knob])}`;
        const xs = summaries(cfg).map((s) => metricOf(s, metric)).filter((v): v is number => v !== null);
        runsAt.set(at, [...(runsAt.get(at) ?? []), ...xs]);
      });
      const all = [...runsAt.values()].flat();
      const points: SettingsPoint[] = values.map((x) => {
        const p: SettingsPoint = { x };
        for (const l of lines) {
          const xs = runsAt.get(`${l.key}@${x}`) ?? [];
          p[l.key] = xs.length ? median(xs) : null;
          p[`${l.key}_band`] = xs.length ? [Math.min(...xs), Math.max(...xs)] : null;
          p[`${l.key}_n`] = xs.length;
        }
        return p;
      });
      const positive = all.filter((v) => v > 0);
      const axis = unit === 'ms'
        ? { ...logTicks(positive.length ? Math.min(...positive) : 1, positive.length ? Math.max(...positive) : 10), scale: 'log' as const }
        : { ...linearTicks(Math.max(0, ...all) * 1.05), scale: 'linear' as const };
      return { metric, points, axis: { ticks: axis.ticks, domain: axis.domain, scale: axis.scale }, empty: all.length === 0 };
    });
    return { knob, values, xScale, by, lines, charts };
  });

  let heatmap: HeatmapView | null = null;
  if (numericKnobs.length >= 2) {
    const [kx, ky] = numericKnobs as [string, string];
    const xs = views[0]!.values;
    const ys = views[1]!.values;
    const cells = ys.flatMap((y) =>
      xs.map((x) => {
        const runs = ran.flatMap((cfg, i) => (numeric(knobs[i]![kx]) === x && numeric(knobs[i]![ky]) === y ? summaries(cfg) : []));
        const p99s = runs.map((s) => metricOf(s, 'latencyP99')).filter((v): v is number => v !== null);
        return { x, y, p99: p99s.length ? median(p99s) : null, n: p99s.length };
      }),
    );
    const vals = cells.map((c) => c.p99).filter((v): v is number => v !== null);
    heatmap = { x: { knob: kx, values: xs }, y: { knob: ky, values: ys }, cells, mixed: varying.filter((k) => k !== kx && k !== ky), range: vals.length ? [Math.min(...vals), Math.max(...vals)] : null };
  }
  return { knobs: views, heatmap, missing: null };
}

/** The heatmap's colour of a p99 within the range, on a log scale (green fast → red slow). */
export function heatColor(p99: number | null, range: [number, number] | null): string {
  if (p99 === null || range === null) return '#edf2f7';
  const [lo, hi] = range;
  const f = hi > lo && lo > 0 ? Math.log(p99 / lo) / Math.log(hi / lo) : 0;
  const hue = Math.round(120 * (1 - Math.min(1, Math.max(0, f))));
  return `hsl(${hue}, 65%, 78%)`;
}
