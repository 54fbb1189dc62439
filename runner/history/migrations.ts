// The history store's schema, as numbered migrations applied in order, once each, inside one
// write transaction (concurrent first opens serialise on it). The SQL is the subset SQLite and
// PostgreSQL share. A migration is never edited once released: changes are a new number.
import { StampedeError } from '../errors.ts';
import type { Db } from './db.ts';

export const APPLICATION_ID = 'stampede-history';

export interface Migration {
  version: number;
  description: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'runs, their summary figures per metric and tag set, baselines',
    statements: [
      `CREATE TABLE stampede_runs (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        started_at TEXT NOT NULL,
        scenario_name TEXT NOT NULL,
        scenario_file TEXT NOT NULL,
        scenario_hash TEXT,
        target TEXT,
        target_config TEXT,
        command TEXT,
        git_commit TEXT,
        git_branch TEXT,
        machine TEXT NOT NULL,
        result_path TEXT NOT NULL,
        verdict TEXT NOT NULL,
        duration_ms DOUBLE PRECISION
      )`,
      'CREATE UNIQUE INDEX stampede_runs_result_path ON stampede_runs (result_path)',
      'CREATE INDEX stampede_runs_scenario ON stampede_runs (scenario_name, started_at)',
      `CREATE TABLE stampede_run_metrics (
        run_id TEXT NOT NULL REFERENCES stampede_runs (id) ON DELETE CASCADE,
        metric TEXT NOT NULL,
        tags TEXT NOT NULL,
        stat TEXT NOT NULL,
        value DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (run_id, metric, tags, stat)
      )`,
      `CREATE TABLE stampede_baselines (
        scenario_name TEXT NOT NULL,
        target TEXT NOT NULL,
        run_id TEXT NOT NULL REFERENCES stampede_runs (id) ON DELETE CASCADE,
        set_at TEXT NOT NULL,
        PRIMARY KEY (scenario_name, target)
      )`,
    ],
  },
];

export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

async function tableNames(db: Db): Promise<string[]> {
  const rows =
    db.dialect === 'sqlite'
      ? await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
      : await db.all<{ name: string }>('SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()');
  return rows.map((r) => r.name);
}

/**
 * Checks that the database is a Stampede history (or empty) and brings it to SCHEMA_VERSION.
 * A SQLite file holding other tables, a database claimed by another application, or one
 * migrated by a newer Stampede is refused (exit 2), never altered.
 */
/** For a reader: the database is ours and not newer than this Stampede; nothing is written. */
export async function checkReadable(db: Db): Promise<void> {
  const tables = await tableNames(db);
  if (!tables.includes('stampede_meta')) throw foreign(db, tables.length ? otherTables(tables) : 'it holds no Stampede history');
  const app = await db.all<{ value: string }>('SELECT value FROM stampede_meta WHERE key = ?', ['application']);
  if (app[0]?.value !== APPLICATION_ID) throw foreign(db, `its stampede_meta names another application (${JSON.stringify(app[0]?.value ?? null)})`);
  const newest = Math.max(0, ...(await db.all<{ version: number | string }>('SELECT version FROM stampede_migrations')).map((r) => Number(r.version)));
  if (newest > SCHEMA_VERSION) throw new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${db.where}: history schema version ${newest} is newer than this Stampede knows (${SCHEMA_VERSION}); upgrade Stampede to use it`);
}

export async function migrate(db: Db): Promise<number> {
  return db.transaction(async () => {
    if (db.dialect === 'postgres') await db.run("SELECT pg_advisory_xact_lock(hashtext('stampede_history_migrate'))");
    const tables = await tableNames(db);
    const ours = tables.includes('stampede_meta');
    if (!ours) {
      // a PostgreSQL database may be shared with other applications (our tables are prefixed);
      // a SQLite file is the store itself: anything in it that is not ours means a wrong file
      if (db.dialect === 'sqlite' && tables.length > 0) throw foreign(db, otherTables(tables));
      await db.run('CREATE TABLE stampede_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
      await db.run('CREATE TABLE stampede_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
      await db.run('INSERT INTO stampede_meta (key, value) VALUES (?, ?)', ['application', APPLICATION_ID]);
    } else {
      const app = await db.all<{ value: string }>('SELECT value FROM stampede_meta WHERE key = ?', ['application']);
      if (app[0]?.value !== APPLICATION_ID) throw foreign(db, `its stampede_meta names another application (${JSON.stringify(app[0]?.value ?? null)})`);
    }
    const applied = new Set((await db.all<{ version: number | string }>('SELECT version FROM stampede_migrations')).map((r) => Number(r.version)));
    const newest = Math.max(0, ...applied);
    if (newest > SCHEMA_VERSION) {
      throw new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${db.where}: history schema version ${newest} is newer than this Stampede knows (${SCHEMA_VERSION}); upgrade Stampede to use it`);
    }
    for (const m of MIGRATIONS) {
      if (applied.has(m.version)) continue;
      for (const sql of m.statements) await db.run(sql);
      await db.run('INSERT INTO stampede_migrations (version, description, applied_at) VALUES (?, ?, ?)', [m.version, m.description, new Date().toISOString()]);
    }
    return SCHEMA_VERSION;
  });
}

export function otherTables(tables: readonly string[]): string {
  return `it holds other tables (${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ', …' : ''})`;
}

export function foreign(db: Pick<Db, 'where'>, why: string): StampedeError {
  return new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${db.where}: not a Stampede history database: ${why}; move it away or point STAMPEDE_HISTORY_URL elsewhere — it is never replaced`);
}
