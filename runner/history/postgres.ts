// The PostgreSQL side of the history store (STAMPEDE_HISTORY_URL=postgres://...): one client,
// the same statements as SQLite with numbered placeholders.
import pg from 'pg';
import { StampedeError } from '../errors.ts';
import { numberPlaceholders, type Db, type Param, type Row } from './db.ts';

export async function openPostgres(url: string): Promise<Db> {
  const where = redact(url);
  const client = new pg.Client({ connectionString: url });
  // an idle client's socket error must not crash the process between queries
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_HISTORY_INVALID', `${where}: cannot connect to the history database (${e instanceof Error ? e.message : String(e)})`);
  }
  const query = async <T extends Row>(sql: string, params: readonly Param[]): Promise<T[]> => {
    const r = await client.query(numberPlaceholders(sql), [...params]);
    return r.rows as T[];
  };
  return {
    dialect: 'postgres',
    where,
    all: <T extends Row>(sql: string, params: readonly Param[] = []) => query<T>(sql, params),
    async run(sql: string, params: readonly Param[] = []) {
      await query(sql, params);
    },
    async transaction<T>(fn: () => Promise<T>): Promise<T> {
      await client.query('BEGIN');
      try {
        const out = await fn();
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    },
    async close() {
      await client.end();
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return 'STAMPEDE_HISTORY_URL';
  }
}
