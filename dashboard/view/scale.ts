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
