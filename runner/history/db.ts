// The one data-access seam of the run history: a tiny SQL interface that SQLite (better-sqlite3)
// and PostgreSQL (pg) both implement, so the store's queries and the migrations are written once.
// Placeholders are `?` in every statement; the PostgreSQL side numbers them ($1, $2, ...).
export type Param = string | number | null;
export type Row = Record<string, unknown>;

export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  /** where it is, for messages (a file path, or the URL without its password) */
  readonly where: string;
  all<T extends Row = Row>(sql: string, params?: readonly Param[]): Promise<T[]>;
  run(sql: string, params?: readonly Param[]): Promise<void>;
  /**
   * Runs fn in one write transaction. SQLite: BEGIN IMMEDIATE, so concurrent writers queue on
   * the database lock (busy timeout) instead of failing mid-transaction; PostgreSQL: BEGIN.
   */
  transaction<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` → `$n`, outside string literals (the statements here quote with '...'). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let inString = false;
  let out = '';
  for (const ch of sql) {
    if (ch === "'") inString = !inString;
    out += ch === '?' && !inString ? `$${++n}` : ch;
  }
  return out;
}
