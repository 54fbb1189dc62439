// Latency against the settings: x = a numeric knob's values, one line per value of the other
// varying knob, the median over repeats with the range as a band, both definitions; two numeric
// knobs → a p99 heatmap; no numeric knob → says why.
import { describe, expect, it } from 'vitest';
import { POOLS, p99Of, settingsReport } from '../testing/settings-fixture.ts';
import { buildSettingsView, heatColor } from './settings.ts';

describe('latency against the settings', () => {
  it('pool on x, one line per cache mode, medians and ranges over the repeats', () => {
    const v = buildSettingsView(settingsReport());
    expect(v.missing).toBeNull();
    expect(v.knobs.map((k) => k.knob)).toEqual(['pool']);
    const k = v.knobs[0]!;
    expect(k.values).toEqual(POOLS);
    expect(k.xScale).toBe('log'); // 5…50 spans 10×
    expect(k.by).toEqual(['cache']);
    expect(k.lines.map((l) => l.label)).toEqual(['cache=none', 'cache=redis']);
    const p99 = k.charts.find((c) => c.metric === 'latencyP99')!;
    const none = k.lines.find((l) => l.label === 'cache=none')!.key;
    for (const [i, pool] of POOLS.entries()) {
      const lo = p99Of(pool, 'none', 1, 1);
      const hi = p99Of(pool, 'none', 1, 2);
      expect(p99.points[i]!.x).toBe(pool);
      expect(p99.points[i]![none]).toBeCloseTo((lo + hi) / 2, 9);
      expect(p99.points[i]![`${none}_band`]).toEqual([lo, hi]);
      expect(p99.points[i]![`${none}_n`]).toBe(2);
    }
    // falls as the pool grows; the axis holds every band
    const medians = p99.points.map((p) => p[none] as number);
    expect([...medians].sort((a, b) => b - a)).toEqual(medians);
    expect(p99.axis.domain[0]).toBeLessThanOrEqual(Math.min(...p99.points.flatMap((p) => (p[`${none}_band`] as [number, number])[0])));
    expect(p99.axis.domain[1]).toBeGreaterThanOrEqual(p99Of(5, 'none', 1, 2));
    // all seven: p50/p90/p99 of both definitions and the achieved rate
    expect(k.charts.map((c) => c.metric)).toEqual(['latencyP50', 'latencyP90', 'latencyP99', 'durationP50', 'durationP90', 'durationP99', 'requestsPerSecond']);
    expect(k.charts.every((c) => !c.empty)).toBe(true);
    expect(v.heatmap).toBeNull();
  });

  it('two numeric knobs: a chart against each, and a heatmap of p99 (the other knob mixed, said so)', () => {
    const v = buildSettingsView(settingsReport({ workers: true }));
    expect(v.knobs.map((k) => k.knob)).toEqual(['pool', 'workers']);
    expect(v.knobs[1]!.xScale).toBe('linear');
    expect(v.knobs[0]!.lines.map((l) => l.label)).toEqual(['cache=none,workers=1', 'cache=none,workers=2', 'cache=redis,workers=1', 'cache=redis,workers=2']);
    const h = v.heatmap!;
    expect(h.x).toEqual({ knob: 'pool', values: POOLS });
    expect(h.y).toEqual({ knob: 'workers', values: [1, 2] });
    expect(h.mixed).toEqual(['cache']);
    expect(h.cells).toHaveLength(8);
    const cell = h.cells.find((c) => c.x === 10 && c.y === 2)!;
    // median of 4 runs: cache none and redis, 2 repeats each
    const runs = [p99Of(10, 'none', 2, 1), p99Of(10, 'none', 2, 2), p99Of(10, 'redis', 2, 1), p99Of(10, 'redis', 2, 2)].sort((a, b) => a - b);
    expect(cell.n).toBe(4);
    expect(cell.p99).toBeCloseTo((runs[1]! + runs[2]!) / 2, 9);
    expect(heatColor(h.range![0], h.range)).toBe('hsl(120, 65%, 78%)');
    expect(heatColor(h.range![1], h.range)).toBe('hsl(0, 65%, 78%)');
  });

  it('no numeric knob varies: no chart, and the reason', () => {
    const r = settingsReport();
    for (const c of r.comparison.configurations) c.given = { cache: c.given.cache! };
    for (const c of r.comparison.configurations) c.config = { cache: c.given.cache! };
    expect(buildSettingsView(r)).toMatchObject({ knobs: [], heatmap: null, missing: 'no numeric knob varies (cache is not numbers): see the bars per configuration above' });
  });

  it('an older comparison without p90: those charts are empty, the others drawn', () => {
    const r = settingsReport();
    for (const c of r.comparison.configurations) for (const run of c.runs) if (run.summary) { delete run.summary.latencyP90; delete run.summary.durationP90; }
    const k = buildSettingsView(r).knobs[0]!;
    expect(k.charts.filter((c) => c.empty).map((c) => c.metric)).toEqual(['latencyP90', 'durationP90']);
  });
});
