// Where the history lives and opening it: SQLite at reports/history.sqlite by default, another
// SQLite file or a PostgreSQL database by STAMPEDE_HISTORY_URL (the CLI reads the variable and
// passes its value here).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { HistoryStore } from './store.ts';
import { openSqlite } from './sqlite.ts';

export type HistoryLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const DEFAULT_HISTORY_FILE = path.join('reports', 'history.sqlite');

export function historyLocation(setting: string | undefined, cwd: string): HistoryLocation {
  const v = setting?.trim();
  if (!v) return { kind: 'sqlite', file: path.resolve(cwd, DEFAULT_HISTORY_FILE) };
  if (/^postgres(ql)?:\/\//i.test(v)) return { kind: 'postgres', url: v };
  const file = v.startsWith('sqlite:') ? v.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : v;
  return { kind: 'sqlite', file: path.resolve(cwd, file) };
}

export async function openHistory(location: HistoryLocation): Promise<HistoryStore> {
  if (location.kind === 'sqlite') return HistoryStore.open(openSqlite(location.file));
  const { openPostgres } = await import('./postgres.ts');
  return HistoryStore.open(await openPostgres(location.url));
}

/**
 * For commands that only read (history, diff, baseline): a SQLite history that does not exist
 * yet reads as an empty one and is not created — asking about runs never leaves a file behind.
 */
export async function openHistoryForReading(location: HistoryLocation): Promise<HistoryStore> {
  if (location.kind === 'sqlite' && !existsSync(location.file)) return HistoryStore.open(openSqlite(':memory:', { label: location.file }));
  return openHistory(location);
}
