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

/** Linear ticks at a 1-2-5 step covering [0, max], at most ~6 labels. */
export function linearTicks(max: number): { ticks: number[]; domain: [number, number] } {
  if (!(max > 0)) return { ticks: [0, 1], domain: [0, 1] };
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(+v.toPrecision(6));
  return { ticks, domain: [0, top] };
}
