// A comparison over numeric knobs, for the latency-against-settings charts: pool 5/10/20/50 ×
// cache none/redis (× workers 1/2 with `workers`), `repeat` runs each, with latencies that fall
// as the pool grows (a small pool queues requests) and a known spread between repeats.
import { COMPARISON_SCHEMA_VERSION, type Comparison, type ComparisonConfiguration, type RunSummary } from '../../runner/result/comparison-schema.ts';
import { columnStats, columnWinners, METHOD, rankConfigurations } from '../../runner/compare/rank.ts';
import { parseComparisonReport, type ComparisonReport } from '../model/compare.ts';

export const POOLS = [5, 10, 20, 50];

/** The p99 latency (ms) of a configuration's run `repeat` (1-based): 400/pool × cache factor × workers factor, ±5 % by repeat. */
export function p99Of(pool: number, cache: string, workers: number, repeat: number): number {
  return (400 / pool) * (cache === 'redis' ? 0.5 : 1) * (workers === 2 ? 0.8 : 1) * (repeat === 1 ? 0.95 : 1.05);
}

function summary(p99: number, rate: number, failed: string[]): RunSummary {
  return {
    requestsPerSecond: rate, iterationsPerSecond: rate / 6, achievedRatio: 1, droppedIterations: 0,
    latencyP50: p99 / 8, latencyP90: p99 / 3, latencyP99: p99,
    durationP50: p99 / 10, durationP90: p99 / 4, durationP99: p99 * 0.8,
    errorRate: 0, sold: 300, oversold: 0, acceptedButMissing: 0, drained: true, checksPassed: 100, checksFailed: 0, invariantChecksOk: true,
    thresholdsPassed: failed.length ? 1 : 2, thresholdsFailed: failed.length, failedThresholds: failed, diedAt: null, partial: false,
  };
}

export function settingsReport(opts: { workers?: boolean; repeat?: number } = {}): ComparisonReport {
  const repeat = opts.repeat ?? 2;
  const configurations: ComparisonConfiguration[] = [];
  for (const workers of opts.workers ? [1, 2] : [1]) {
    for (const cache of ['none', 'redis']) {
      for (const pool of POOLS) {
        const given: Record<string, string> = { pool: String(pool), cache, ...(opts.workers ? { workers: String(workers) } : {}) };
        const label = Object.entries(given).map(([k, v]) => `${k}=${v}`).join(',');
        const id = label.replace(/[=,]/g, '-');
        const runs = Array.from({ length: repeat }, (_, i) => {
          const p99 = p99Of(pool, cache, workers, i + 1);
          const failed = p99 > 60 ? ['http_req_latency: p(99)<60'] : [];
          return { repeat: i + 1, status: 'ok' as const, exitCode: failed.length ? 99 : 0, resultFile: `${id}/run-${i + 1}/result.json`, reportFile: `${id}/run-${i + 1}/report.html`, error: null, summary: summary(p99, 170 + pool / 10, failed) };
        });
        configurations.push({ id, label, given, config: { variant: 'async', workers: String(workers), ...given, queue: 'inline' }, status: 'ran', skipReason: null, runs, stats: columnStats(runs.map((r) => r.summary)), rank: null });
      }
    }
  }
  const ranking = rankConfigurations(configurations, () => true);
  for (const c of configurations) c.rank = ranking.indexOf(c.id) + 1;
  const comparison: Comparison = {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'comparison',
    meta: { tool: { name: 'stampede', version: 'test' }, node: 'v20', cpus: 2, cpuModel: 'test cpu', scenarioFile: 'scenarios/flash-sale.ts', scenarioName: 'flash-sale', matrix: opts.workers ? 'pool=5,10,20,50;cache=none,redis;workers=1,2' : 'pool=5,10,20,50;cache=none,redis', repeat, cooldownMs: 0, env: {}, startTime: '2026-05-20T10:00:00.000Z', endTime: '2026-05-20T10:30:00.000Z', partial: false },
    configurations,
    winners: columnWinners(configurations),
    ranking,
    method: METHOD,
  };
  return parseComparisonReport({ kind: 'comparison-report', source: 'comparison', comparison, timelines: [], notes: [] }, 'settings fixture');
}
