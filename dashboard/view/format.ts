// Number formatting shared by tables, tooltips and axes. Fixed en-US grouping so a report
// reads the same on every machine (and tests can compare text).
const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** Milliseconds with precision that fits the magnitude: 0.412 ms, 4.21 ms, 42.1 ms, 1,234 ms. */
export function formatMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a < 1) return `${v.toFixed(3)} ms`;
  if (a < 10) return `${v.toFixed(2)} ms`;
  if (a < 100) return `${v.toFixed(1)} ms`;
  return `${grouped.format(v)} ms`;
}

/** Axis ticks in ms (the unit is in the axis label): 0.5, 5, 50, 1,000. */
export function formatMsTick(v: number): string {
  if (v >= 1) return grouped.format(v);
  return `${+v.toPrecision(2)}`;
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 });

/** Large numbers short enough for an axis: 1.2k, 95M; small ones with 3 significant digits. */
export function formatCompact(v: number): string {
  return Math.abs(v) >= 10_000 ? compact.format(v) : String(+v.toPrecision(3));
}

export function formatCount(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return grouped.format(v);
}

/** A per-second rate: 1 decimal below 100, grouped integer above. */
export function formatRate(v: number | null | undefined, unit = '/s'): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${Math.abs(v) < 100 ? v.toFixed(1) : grouped.format(v)}${unit}`;
}

/** A ratio 0..1 as a percentage with enough decimals to show small error rates. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  const p = ratio * 100;
  if (p === 0 || p === 100) return `${p} %`;
  if (p < 0.1 || p > 99.9) return `${p.toFixed(3)} %`;
  return `${p.toFixed(2)} %`;
}

export function formatBytes(v: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let x = v;
  let i = 0;
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${i === 0 ? x.toFixed(0) : x.toPrecision(3)} ${units[i]}`;
}

/** Seconds since the run's start as m:ss (or h:mm:ss). */
export function formatClock(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatDurationMs(ms: number): string {
  const s = ms / 1000;
  if (s < 60) return `${+s.toFixed(1)} s`;
  return `${formatClock(s)} (${grouped.format(s)} s)`;
}
