// Runs picked on the dashboard, compared side by side: a comparison document built from
// several RunResults with the same summaries, statistics, winners and ranking that
// `stampede compare` computes (runner/compare), so the same compare view shows it.
//
// Each picked run is its own configuration (a single run: no spread, so no difference is
// called real). The shop's invariants (sold, oversold) are not in a result.json — they
// are read from the shop by `stampede compare` — so those columns stay empty here.
import { COMPARISON_SCHEMA_VERSION, type Comparison, type ComparisonConfiguration, type RunSummary } from '../../runner/result/comparison-schema.ts';
import type { RunResult } from '../../runner/result/schema.ts';
import { columnStats, columnWinners, METHOD, rankConfigurations } from '../../runner/compare/rank.ts';
import { summariseRun } from '../../runner/compare/summarise.ts';
import { parseComparisonReport, timelineOf, type ComparisonReport } from './compare.ts';

export interface PickedRun {
  /** the run's id on the dashboard (its folder under reports/out/) */
  id: string;
  result: RunResult;
}

const configText = (c: Record<string, string> | null) => (c ? Object.entries(c).map(([k, v]) => `${k}=${v}`).join(',') : '');

/**
 * A label per run: the target knobs that differ between the picked runs (all of them when
 * none differ), or the scenario when a run has no target configuration; made unique with the
 * start time, then the run's id.
 */
function labels(runs: readonly PickedRun[]): string[] {
  const configs = runs.map((r) => r.result.meta.targetConfig ?? {});
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c)))];
  const differing = keys.filter((k) => new Set(configs.map((c) => (Object.hasOwn(c, k) ? c[k] : ''))).size > 1);
  const scenarios = new Set(runs.map((r) => r.result.meta.scenarioName));
  const base = runs.map((r, i) => {
    const c = configs[i]!;
    const knobs = configText(differing.length ? Object.fromEntries(differing.filter((k) => Object.hasOwn(c, k)).map((k) => [k, c[k]!])) : r.result.meta.targetConfig);
    if (!knobs) return r.result.meta.scenarioName;
    return scenarios.size > 1 ? `${r.result.meta.scenarioName}: ${knobs}` : knobs;
  });
  const count = (xs: string[], x: string) => xs.filter((y) => y === x).length;
  const withTime = base.map((b, i) => (count(base, b) > 1 ? `${b} @ ${runs[i]!.result.meta.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}` : b));
  return withTime.map((l, i) => (count(withTime, l) > 1 ? `${l} (${runs[i]!.id})` : l));
}

export function compareRuns(runs: readonly PickedRun[]): ComparisonReport {
  const names = labels(runs);
  const configurations: ComparisonConfiguration[] = runs.map((r, i) => {
    const summary = summariseRun(r.result, null);
    return {
      id: `run-${i + 1}`,
      label: names[i]!,
      given: r.result.meta.targetConfig ?? {},
      config: r.result.meta.targetConfig,
      status: 'ran',
      skipReason: null,
      runs: [{ repeat: 1, status: 'ok', exitCode: r.result.thresholds.some((t) => !t.ok) ? 99 : 0, resultFile: `${r.id}/result.json`, reportFile: null, error: null, summary }],
      stats: columnStats([summary]),
      rank: null,
    };
  });
  const invariantsOk = (id: string) => configurations.find((c) => c.id === id)?.runs[0]?.summary?.invariantChecksOk ?? null;
  const ranking = rankConfigurations(configurations, invariantsOk);
  for (const c of configurations) c.rank = ranking.indexOf(c.id) + 1 || null;
  const starts = runs.map((r) => r.result.meta.startTime).sort();
  const ends = runs.map((r) => r.result.meta.endTime).sort();
  const first = runs[0]?.result.meta;
  const scenarios = [...new Set(runs.map((r) => r.result.meta.scenarioName))];
  const comparison: Comparison = {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'comparison',
    meta: {
      tool: first?.tool ?? { name: 'stampede', version: 'unknown' },
      node: first?.node ?? '',
      cpus: first?.cpus ?? 0,
      cpuModel: first?.cpuModel ?? '',
      scenarioFile: [...new Set(runs.map((r) => r.result.meta.scenarioFile))].join(', '),
      scenarioName: scenarios.join(' vs '),
      matrix: `${runs.length} runs picked on the dashboard`,
      repeat: 1,
      cooldownMs: 0,
      env: {},
      startTime: starts[0] ?? '',
      endTime: ends.at(-1) ?? '',
      partial: runs.some((r) => r.result.partial),
    },
    configurations,
    winners: columnWinners(configurations),
    ranking,
    method: METHOD,
  };
  // validated like any other document: what the view gets has the comparison's shape
  return parseComparisonReport(
    {
      kind: 'comparison-report',
      source: 'picked-runs',
      comparison,
      timelines: runs.map((r, i) => ({ configurationId: `run-${i + 1}`, repeat: 1, of: 1, points: timelineOf(r.result) })),
      notes: scenarios.length > 1 ? [`These runs are of different scenarios (${scenarios.join(', ')}): their numbers answer different questions.`] : [],
    },
    'picked runs',
  );
}
