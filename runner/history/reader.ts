// Reading the history without writing to it (the dashboard's history page): the store opened
// read-only, a missing SQLite file is an empty history (never created by a reader), and each
// scenario's runs come with the change points of `stampede history --changes` on p99.
import { existsSync } from 'node:fs';
import { p99ChangeIndices } from './history-page.ts';
import { openHistory, type HistoryLocation } from './open.ts';
import { openSqlite } from './sqlite.ts';
import { HistoryStore } from './store.ts';

/** One run of a scenario's history, as the dashboard shows it. */
export interface HistoryReaderRun {
  id: string;
  startedAt: string;
  verdict: string;
  gitCommit: string | null;
  target: string | null;
  /** absolute path of the run's result.json */
  resultPath: string;
  p50: number | null;
  p99: number | null;
  rate: number | null;
}

export interface HistoryReader {
  /** where the history is (a file or a database URL), for messages */
  readonly where: string;
  /** scenario names with at least one recorded run, sorted */
  scenarios(): Promise<string[]>;
  /** the scenario's runs oldest first, and the indices of the first run after each p99 change */
  scenario(name: string): Promise<{ runs: HistoryReaderRun[]; changes: number[] }>;
  close(): Promise<void>;
}

const EMPTY = (where: string): HistoryReader => ({
  where,
  scenarios: async () => [],
  scenario: async () => ({ runs: [], changes: [] }),
  close: async () => {},
});

export async function openHistoryReader(location: HistoryLocation): Promise<HistoryReader> {
  if (location.kind === 'sqlite' && !existsSync(location.file)) return EMPTY(location.file);
  // PostgreSQL: opened like the CLI opens it (a migration there is idempotent and locked); the
  // reads below are SELECTs only
  const store = location.kind === 'sqlite' ? await HistoryStore.openForReading(openSqlite(location.file, { readonly: true })) : await openHistory(location);
  return {
    where: store.where,
    async scenarios() {
      return [...new Set((await store.list({ kind: 'run' })).map((r) => r.identity.scenarioName))].sort();
    },
    async scenario(name) {
      const runs = (await store.list({ scenario: name, kind: 'run' })).reverse();
      const heads = await store.headlines(runs.map((r) => r.id));
      const points = runs.map((run) => ({ run, headline: heads.get(run.id) ?? { p50: null, p99: null, rate: null, errors: null } }));
      return {
        runs: points.map(({ run, headline }) => ({ id: run.id, startedAt: run.startedAt, verdict: run.verdict, gitCommit: run.identity.gitCommit, target: run.identity.target, resultPath: run.resultPath, p50: headline.p50, p99: headline.p99, rate: headline.rate })),
        changes: p99ChangeIndices(points),
      };
    },
    close: () => store.close(),
  };
}
