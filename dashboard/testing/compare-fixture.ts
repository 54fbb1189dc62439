// A comparison on disk for tests of the compare view, comparison.html and the dashboard: what
// `stampede compare scenarios/flash-sale.ts --matrix 'variant=sync,async;cache=none,redis'
// --repeat N` writes — <dir>/<configuration>/run-<n>/result.json and <dir>/comparison.json —
// with run results from the simulated-run fixture (fixture.ts: real HDR histograms) and the
// comparison's summaries, statistics, winners and ranking computed by the runner's own code
// (runner/compare). The configurations differ the way the shop's do: the sync variant without
// a cache stalls longest under the peak (requests queue, p99 from the intended start climbs,
// the oldest time out), async with Redis does not stall at all. One configuration is skipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMPARISON_SCHEMA_VERSION, comparisonSchema, type Comparison, type ComparisonConfiguration } from '../../runner/result/comparison-schema.ts';
import { METHOD } from '../../runner/compare/rank.ts';
import { finishComparison } from '../../runner/compare/run-matrix.ts';
import { summariseRun } from '../../runner/compare/summarise.ts';
import { runResultSchema, type RunResult } from '../../runner/result/schema.ts';
import { buildRunFixture } from './fixture.ts';

export interface CompareFixtureOptions {
  repeat?: number;
  durationS?: number;
  rate?: number;
  /** appended to every string that comes from the user or the runs (labels, knob values, scenario name) */
  hostile?: string;
  /** include a configuration that could not start (default true) */
  skipped?: boolean;
}

export interface CompareFixture {
  dir: string;
  file: string;
  comparison: Comparison;
  /** result.json contents by path relative to `dir` */
  results: Map<string, RunResult>;
}

interface Shape {
  given: Record<string, string>;
  /** the target stops answering for this long at the peak (s); null: never */
  stallS: number | null;
  maxVUs: number;
  sold: number;
}

const SHAPES: Shape[] = [
  { given: { variant: 'sync', cache: 'none' }, stallS: 6, maxVUs: 60, sold: 276 },
  { given: { variant: 'sync', cache: 'redis' }, stallS: 3, maxVUs: 80, sold: 300 },
  { given: { variant: 'async', cache: 'none' }, stallS: 1.5, maxVUs: 100, sold: 300 },
  { given: { variant: 'async', cache: 'redis' }, stallS: null, maxVUs: 100, sold: 300 },
];

const STOCK = 300;
const INVARIANT_CHECKS = ['no oversell', 'no accepted order missing', 'queue drained'];

/**
 * The runner tags every request with its status; the simulated run counts failures per name
 * only. Split each name's http_reqs into status 200 and status 0 (failed: timeouts, refused,
 * 5xx) so the comparison's error rate reads as it does from a real result.
 */
export function withStatusTags(r: RunResult): RunResult['tagged'] {
  return r.tagged.flatMap((m) => {
    if (m.metric !== 'http_reqs') return [m];
    const failed = r.tagged.find((f) => f.metric === 'http_req_failed' && f.tags.name === m.tags.name)?.values.passes ?? 0;
    const total = m.values.count ?? 0;
    const durationS = r.meta.durationMs / 1000;
    return [
      { ...m, tags: { ...m.tags, status: '200' }, values: { count: total - failed, rate: (total - failed) / durationS } },
      { ...m, tags: { ...m.tags, status: '0' }, values: { count: failed, rate: failed / durationS } },
    ];
  });
}

export function writeCompareFixture(dir: string, opts: CompareFixtureOptions = {}): CompareFixture {
  const repeat = opts.repeat ?? 3;
  const durationS = opts.durationS ?? 40;
  const rate = opts.rate ?? 120;
  const h = opts.hostile ?? '';
  const results = new Map<string, RunResult>();
  const start = Date.UTC(2026, 4, 20, 10, 0, 0);
  let clock = start;
  const configurations: ComparisonConfiguration[] = SHAPES.map((shape, ci) => {
    const given = Object.fromEntries(Object.entries(shape.given).map(([k, v]) => [k, v + h]));
    const id = Object.entries(shape.given).map(([k, v]) => `${k}-${v}`).join('_');
    const label = Object.entries(given).map(([k, v]) => `${k}=${v}`).join(',');
    const config = { ...given, workers: '1', pool: '10', queue: 'inline', paymentLatencyMs: '50' };
    const runs = Array.from({ length: repeat }, (_, r) => {
      const base = buildRunFixture({ durationS, rate, seed: 1000 * (ci + 1) + r, maxVUs: shape.maxVUs, stallAtS: shape.stallS === null ? null : Math.floor(durationS / 3) + r, stallS: shape.stallS ?? 0, ...(h ? { hostile: h } : {}) });
      const startTime = new Date(clock).toISOString();
      clock += durationS * 1000 + 5000;
      const result = runResultSchema.parse({
        ...base,
        tagged: withStatusTags(base),
        checks: [...base.checks, ...INVARIANT_CHECKS.map((name) => ({ name, path: `::${name}`, scenario: 'invariants', passes: 1, fails: 0 }))],
        meta: { ...base.meta, scenarioFile: `scenarios/flash-sale${h}.ts`, scenarioName: `flash-sale${h}`, startTime, endTime: new Date(clock - 5000).toISOString(), targetConfig: config, target: 'http://127.0.0.1:41234' },
      });
      const resultFile = `${id}/run-${r + 1}/result.json`;
      results.set(resultFile, result);
      const sold = Math.min(STOCK, shape.sold - (shape.sold < STOCK ? r * 3 : 0));
      return {
        repeat: r + 1,
        status: 'ok' as const,
        exitCode: result.thresholds.some((t) => !t.ok) ? 99 : 0,
        resultFile,
        reportFile: null,
        error: null,
        summary: summariseRun(result, { stockAtStart: STOCK, stockLeft: STOCK - sold, sold, oversold: 0, acceptedButMissing: 0, drained: true }),
      };
    });
    return { id, label, given, config, status: 'ran' as const, skipReason: null, runs, stats: null, rank: null };
  });
  if (opts.skipped ?? true) {
    configurations.push({
      id: 'variant-async_cache-redis_queue-bullmq',
      label: `variant=async,cache=redis,queue=bullmq${h}`,
      given: { variant: 'async', cache: 'redis', queue: `bullmq${h}` },
      config: null,
      status: 'skipped',
      skipReason: `the target did not become ready: redis-server not found on PATH${h}`,
      runs: [],
      stats: null,
      rank: null,
    });
  }
  const comparison = finishComparison({
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'comparison',
    meta: {
      tool: { name: 'stampede', version: '0.1.0' },
      node: 'v20.19.0',
      cpus: 2,
      cpuModel: 'Intel(R) Xeon(R) CPU @ 2.20GHz',
      scenarioFile: `scenarios/flash-sale${h}.ts`,
      scenarioName: `flash-sale${h}`,
      matrix: `variant=sync,async;cache=none,redis${h}`,
      repeat,
      cooldownMs: 5000,
      env: { PEAK: '60', STOCK: String(STOCK) },
      startTime: new Date(start).toISOString(),
      endTime: new Date(clock).toISOString(),
      partial: false,
    },
    configurations,
    winners: [],
    ranking: [],
    method: METHOD,
  });
  const valid = comparisonSchema.parse(comparison);
  mkdirSync(dir, { recursive: true });
  for (const [rel, result] of results) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), JSON.stringify(result));
  }
  const file = path.join(dir, 'comparison.json');
  writeFileSync(file, JSON.stringify(valid, null, 1));
  return { dir, file, comparison: valid, results };
}
