// The percentile spectrum of both latency definitions, from the decoded HDR histograms:
// x is "1 in N" on a log scale (p50 = 2, p99 = 100, p99.999 = 100000), y is ms.
import { decodeHistogram } from '../model/histogram.ts';
import type { RunResult } from '../../runner/result/schema.ts';
import { DURATION, LATENCY } from './labels.ts';
import { logTicks } from './scale.ts';

export interface SpectrumSeries {
  metric: string;
  label: string;
  count: number;
  points: Array<{ oneIn: number; percentile: number; valueMs: number }>;
}

export interface SpectrumView {
  series: SpectrumSeries[];
  xTicks: Array<{ oneIn: number; label: string }>;
  yTicks: number[];
  yDomain: [number, number];
  /** why there is no spectrum (e.g. an imported k6 summary without histograms) */
  missing: string | null;
}

export const SPECTRUM_X_TICKS = [
  { oneIn: 1, label: 'p0' },
  { oneIn: 2, label: 'p50' },
  { oneIn: 10, label: 'p90' },
  { oneIn: 100, label: 'p99' },
  { oneIn: 1000, label: 'p99.9' },
  { oneIn: 10000, label: 'p99.99' },
  { oneIn: 100000, label: 'p99.999' },
];

export function spectrumView(result: RunResult): SpectrumView {
  const series: SpectrumSeries[] = [];
  for (const def of [LATENCY, DURATION]) {
    const b64 = result.metrics[def.metric]?.histogram;
    if (!b64) continue;
    const h = decodeHistogram(b64, 5, 10);
    if (h.totalCount === 0) continue;
    series.push({ metric: def.metric, label: def.label, count: h.totalCount, points: h.spectrum });
  }
  const values = series.flatMap((s) => s.points.map((p) => p.valueMs)).filter((v) => v > 0);
  const { ticks, domain } = logTicks(values.length ? Math.min(...values) : 1, values.length ? Math.max(...values) : 10);
  return {
    series,
    xTicks: SPECTRUM_X_TICKS,
    yTicks: ticks,
    yDomain: domain,
    missing: series.length > 0 ? null : 'this result has no latency histograms (an imported summary keeps only the percentiles its source had)',
  };
}
