// Change points of a metric over a scenario's runs, per target (runs against different targets
// are different histories).
import { eDivisive, type ChangePoint } from './e-divisive.ts';
import type { HistoryRun, HistoryStore } from './store.ts';

export interface HistoryChange extends ChangePoint {
  scenario: string;
  target: string | null;
  metric: string;
  stat: string;
  /** the last run before the change and the first after it */
  runBefore: HistoryRun;
  runAfter: HistoryRun;
}

export interface SeriesWithChanges {
  scenario: string;
  target: string | null;
  points: Array<{ run: HistoryRun; value: number }>;
  changes: HistoryChange[];
}

export async function findChanges(store: HistoryStore, scenario: string, metric: string, stat: string, seed = 1): Promise<SeriesWithChanges[]> {
  const all = await store.series(scenario, metric, stat);
  const byTarget = new Map<string, Array<{ run: HistoryRun; value: number }>>();
  for (const p of all) {
    const k = p.run.identity.target ?? '';
    byTarget.set(k, [...(byTarget.get(k) ?? []), p]);
  }
  const out: SeriesWithChanges[] = [];
  for (const [target, points] of byTarget) {
    const changes = eDivisive(points.map((p) => p.value), { seed }).map((c) => ({
      ...c,
      scenario,
      target: target || null,
      metric,
      stat,
      runBefore: (points[c.index - 1] as { run: HistoryRun }).run,
      runAfter: (points[c.index] as { run: HistoryRun }).run,
    }));
    out.push({ scenario, target: target || null, points, changes });
  }
  return out;
}
