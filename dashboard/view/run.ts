// Everything the run page shows, derived from one RunResult. Framework-free: the React UI,
// the report and tests all read this.
import type { RunResult } from '../../runner/result/schema.ts';
import { generatorBanner, generatorStats, type GeneratorBanner, type GeneratorStat } from './generator.ts';
import { logTicks } from './scale.ts';
import { distributionView, requestTable, type DistributionView, type RequestRow } from './requests.ts';
import type { ErrorMessage } from '../../runner/result/schema.ts';
import { serverView, type ServerView } from './server.ts';
import { resourcesView, type ResourcesView } from './resources.ts';
import { spectrumView, type SpectrumView } from './spectrum.ts';
import { runSummary, type RunSummary } from './summary.ts';
import { DEFAULT_MAX_POINTS, errorSeries, percentileSeries, rateSeries, type ErrorSeries, type PercentileSeries, type RateSeries } from './timeline.ts';
import { checkRows, thresholdRows, type CheckRow, type ThresholdRow } from './verdicts.ts';

export interface RunView {
  summary: RunSummary;
  banner: GeneratorBanner | null;
  warnings: string[];
  /** both definitions share one y axis so their heights compare */
  latency: PercentileSeries;
  duration: PercentileSeries;
  latencyAxis: { ticks: number[]; domain: [number, number] };
  rates: RateSeries;
  errors: ErrorSeries;
  spectrum: SpectrumView;
  requests: RequestRow[];
  /** the run's response-time distribution (both definitions), Gatling's chart */
  distribution: DistributionView | null;
  /** failed requests by message, most frequent first (older results: none recorded) */
  errorMessages: ErrorMessage[];
  /** false for results written before error messages were recorded */
  hasErrorMessages: boolean;
  thresholds: ThresholdRow[];
  checks: CheckRow[];
  generator: GeneratorStat[];
  server: ServerView | null;
  /** a target Stampede started: its CPU, memory and fds from /proc */
  resources: ResourcesView | null;
  durationS: number;
}

export function buildRunView(result: RunResult, maxPoints = DEFAULT_MAX_POINTS): RunView {
  const latency = percentileSeries(result, 'latency', maxPoints);
  const duration = percentileSeries(result, 'duration', maxPoints);
  const all = [...latency.points, ...duration.points].flatMap((p) => [p.p50, p.p90, p.p99, p.p999]).filter((x): x is number => x !== null && x > 0);
  return {
    summary: runSummary(result),
    banner: generatorBanner(result),
    // the saturated generator has its banner: its warning is not listed a second time
    warnings: result.generator.saturated ? result.warnings.filter((w) => !w.startsWith('generator saturated')) : result.warnings,
    latency,
    duration,
    latencyAxis: logTicks(all.length ? Math.min(...all) : 1, all.length ? Math.max(...all) : 10),
    rates: rateSeries(result, maxPoints),
    errors: errorSeries(result, maxPoints),
    spectrum: spectrumView(result),
    requests: requestTable(result),
    distribution: distributionView(result),
    errorMessages: result.errors ?? [],
    hasErrorMessages: result.errors !== undefined,
    thresholds: thresholdRows(result),
    checks: checkRows(result),
    generator: generatorStats(result),
    server: serverView(result, maxPoints),
    resources: resourcesView(result, maxPoints),
    durationS: Math.max(result.timeline.length, Math.ceil(result.meta.durationMs / 1000)),
  };
}
