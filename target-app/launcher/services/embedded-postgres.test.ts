import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { portClosed, portOf } from './test-helpers.ts';

describe('startEmbeddedPostgres', () => {
  it('starts PostgreSQL 18 with a database for the app in a temp folder, and stop() removes both', async () => {
    const t0 = performance.now();
    const db = await startEmbeddedPostgres();
    const startMs = performance.now() - t0;
    const c = new pg.Client(db.url);
    await c.connect();
    const row = (await c.query<{ db: string; v: string; fsync: string; dir: string; listen: string }>(
      "SELECT current_database() AS db, current_setting('server_version_num') AS v, current_setting('fsync') AS fsync, current_setting('data_directory') AS dir, current_setting('listen_addresses') AS listen",
    )).rows[0];
    await c.query('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
    expect((await c.query('SELECT sum(id)::int AS s FROM t')).rows[0]).toEqual({ s: 3 });
    await c.end();
    expect(row?.db).toBe('shop');
    expect(Number(row?.v)).toBeGreaterThanOrEqual(180000);
    expect(row?.fsync).toBe('off');
    expect(row?.listen).toBe('127.0.0.1');
    expect(row?.dir.startsWith('/tmp/')).toBe(true);
    expect(existsSync(row?.dir ?? '/nonexistent')).toBe(true);

    await db.stop();
    expect(await portClosed(portOf(db.url))).toBe(true);
    expect(existsSync(row?.dir ?? '/')).toBe(false);
    console.log(`embedded postgres start ${startMs.toFixed(0)} ms`);
  });
});
