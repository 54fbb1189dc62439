// The history page's data: a scenario's recorded runs and change points, read through a history
// reader the CLI hands the server (runner/history/reader.ts opens the store read-only), each run
// tied to its folder under the runs directory when its result.json is there.
import path from 'node:path';
import type { ScenarioHistory } from '../view/history.ts';
import { runDir } from './runs.ts';

/** What the server needs of the history (structurally runner/history's HistoryReader). */
export interface HistorySource {
  readonly where: string;
  scenarios(): Promise<string[]>;
  scenario(name: string): Promise<{
    runs: Array<{ id: string; startedAt: string; verdict: string; gitCommit: string | null; target: string | null; resultPath: string; p50: number | null; p99: number | null; rate: number | null }>;
    changes: number[];
  }>;
}

/** The run's id in the dashboard (its folder relative to runsDir), or null when it is not listed there. */
async function reportIdOf(runsDir: string, resultPath: string): Promise<string | null> {
  const rel = path.relative(runsDir, path.dirname(resultPath));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  const id = rel.split(path.sep).join('/');
  return (await runDir(runsDir, id)) ? id : null;
}

export async function scenarioHistory(source: HistorySource, runsDir: string, scenario: string): Promise<ScenarioHistory> {
  const { runs, changes } = await source.scenario(scenario);
  const rows = [];
  for (const { resultPath, ...r } of runs) rows.push({ ...r, reportId: await reportIdOf(runsDir, resultPath) });
  return { scenario, runs: rows, changes };
}
