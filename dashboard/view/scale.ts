// Log-scale axes: explicit 1-2-5 ticks, so an axis reads "1, 2, 5, 10, 20 …" and never
// shows an unreadable run of tiny labels.

/** Ticks 1-2-5 per decade covering [min, max] (both > 0), plus the domain that holds them. */
export function logTicks(min: number, max: number, steps: readonly number[] = [1, 2, 5]): { ticks: number[]; domain: [number, number] } {
  const lo = Math.max(min, 1e-3);
  const hi = Math.max(max, lo * 10);
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const s of steps) {
      const v = +(s * 10 ** e).toPrecision(3);
      ticks.push(v);
    }
  }
  const below = ticks.filter((t) => t <= lo);
  const above = ticks.filter((t) => t >= hi);
  const from = below.at(-1) ?? ticks[0]!;
  const to = above[0] ?? ticks.at(-1)!;
  const within = ticks.filter((t) => t >= from && t <= to);
  // keep at most ~9 labels: drop the 2s, then the 5s, when the range is wide
  const thin = within.length > 9 ? within.filter((t) => !/^2/.test(String(t).replace(/^0\.0*/, ''))) : within;
  const thinner = thin.length > 9 ? thin.filter((t) => /^1/.test(String(t).replace(/^0\.0*/, ''))) : thin;
  return { ticks: thinner, domain: [from, to] };
}

/** Time-axis ticks (seconds since start) at a round step, at most ~10 labels. */
export function timeTicks(durationS: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
  const step = steps.find((s) => durationS / s <= 10) ?? Math.ceil(durationS / 10 / 3600) * 3600;
  const ticks: number[] = [];
  for (let t = 0; t <= durationS; t += step) ticks.push(t);
  return ticks;
}

export interface LinearTicks {
  ticks: number[];
  domain: [number, number];
  /** the distance between ticks (1, 2 or 5 × a power of ten) */
  step: number;
}

/**
 * Linear ticks at a 1-2-5 step covering [0, max], at most ~6 labels: 0, 2, 4, 6 or 0, 50, 100 —
 * never 2.5 steps, which an axis can only show rounded (0, 3, 5, 8). `integer` for counts: the
 * step is at least 1 (0.2 VUs is no tick). An empty range (max ≤ 0) gets [0, 1].
 */
export function linearTicks(max: number, opts: { integer?: boolean } = {}): LinearTicks {
  if (!(max > 0)) return { ticks: [0, 1], domain: [0, 1], step: 1 };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = ([1, 2, 5, 10].find((m) => m * mag >= raw * (1 - 1e-9)) ?? 10) * mag;
  if (opts.integer && step < 1) step = 1;
  step = +step.toPrecision(6);
  const top = +(Math.ceil(max / step - 1e-9) * step).toPrecision(6);
  const ticks: number[] = [];
  for (let i = 0; i * step <= top + step / 2; i++) ticks.push(+(i * step).toPrecision(6));
  return { ticks, domain: [0, top], step };
}

/**
 * A tick label with exactly the decimals the step needs (step 0.2 → 0.2, 0.4; step 50 → 50, 100),
 * large values compact (12k): ticks always read as distinct, increasing numbers.
 */
export function tickFormatter(step: number, suffix = ''): (v: number) => string {
  const decimals = step >= 1 ? 0 : Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
  return (v: number) => {
    if (Math.abs(v) >= 10_000) return `${new Intl.NumberFormat('en-US', { notation: 'compact', maximumSignificantDigits: 3 }).format(v)}${suffix}`;
    return `${new Intl.NumberFormat('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals }).format(v)}${suffix}`;
  };
}

/** True when a chart has nothing to draw: every value of every series is null, missing or 0. */
export function isEmptySeries(points: ReadonlyArray<object>, keys: readonly string[]): boolean {
  for (const p of points) {
    for (const k of keys) {
      const v = (p as Record<string, unknown>)[k];
      if (typeof v === 'number' && Number.isFinite(v) && v !== 0) return false;
    }
  }
  return true;
}
