// The SQLite side of the history store (the default: a file, no server). WAL lets readers and
// one writer work at once; the busy timeout makes concurrent writers (several runs finishing at
// the same moment) wait for the lock instead of losing a record.
import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import type { Db, Param, Row } from './db.ts';
import { foreign, otherTables } from './migrations.ts';

const require = createRequire(import.meta.url);

/** The part of better-sqlite3's API used here (the package ships no types). */
interface SqliteDatabase {
  prepare(sql: string): { all(...params: Param[]): unknown[]; get(...params: Param[]): unknown; run(...params: Param[]): unknown };
  exec(sql: string): void;
  pragma(source: string): unknown;
  readonly inTransaction: boolean;
  close(): void;
}
type SqliteConstructor = new (file: string, options: { timeout: number; readonly?: boolean; fileMustExist?: boolean }) => SqliteDatabase;

/** How long a writer waits for another's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 30_000;

/** `readonly`: for a reader (the dashboard): the file must exist and is never written, not even its journal mode. */
export function openSqlite(file: string, opts: { readonly?: boolean; label?: string } = {}): Db {
  const Database = require('better-sqlite3') as SqliteConstructor;
  // ':memory:' is an empty store that lives as long as the process (a reader's stand-in for a
  // history not created yet); `label` names the file it stands in for, in messages
  const memory = file === ':memory:';
  const where = memory ? (opts.label ?? file) : path.resolve(file);
  try {
    if (!opts.readonly && !memory) mkdirSync(path.dirname(where), { recursive: true });
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${where}: cannot create the history's folder (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(memory ? file : where, { timeout: BUSY_TIMEOUT_MS, ...(opts.readonly ? { readonly: true, fileMustExist: true } : {}) });
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // reading the schema is the first access that reads the file's pages: a file that is not a
    // database (or is damaged) fails here, before anything is written to it
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((t) => t.name);
    // another application's database: refused before anything (even the journal mode) changes it
    if (tables.length > 0 && !tables.includes('stampede_meta')) throw foreign({ where }, otherTables(tables));
    if (!opts.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
    }
  } catch (e) {
    db?.close();
    throw unusable(where, e);
  }
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw unusable(where, e);
    }
  };
  return {
    dialect: 'sqlite',
    where,
    async all<T extends Row>(sql: string, params: readonly Param[] = []) {
      return wrap(() => db.prepare(sql).all(...params) as T[]);
    },
    async run(sql: string, params: readonly Param[] = []) {
      wrap(() => {
        if (params.length === 0 && !sql.includes('?')) db.exec(sql);
        else db.prepare(sql).run(...params);
      });
    },
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      wrap(() => db.exec('BEGIN IMMEDIATE'));
      try {
        const out = await fn();
        wrap(() => db.exec('COMMIT'));
        return out;
      } catch (e) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw e;
      }
    },
    async close() {
      db.close();
    },
  };
}

/** A damaged or foreign file is an input error (exit 2), never replaced or "repaired". */
function unusable(where: string, e: unknown): Error {
  if (e instanceof StampedeError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (/^SQLITE_(NOTADB|CORRUPT|CANTOPEN|READONLY|PERM|IOERR)/.test(code)) {
    return new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${where}: not a usable Stampede history database (${message}); move it away or point STAMPEDE_HISTORY_URL elsewhere — it is never replaced`);
  }
  return e instanceof Error ? e : new Error(message);
}
