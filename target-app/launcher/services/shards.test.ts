import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isStampedeError } from '../../../runner/errors.ts';
import { createShardDatabases } from './shards.ts';

const BASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function databasesLike(prefix: string): Promise<string[]> {
  const c = new pg.Client(BASE);
  await c.connect();
  try {
    const r = await c.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1 || '\\_%' ORDER BY datname", [prefix]);
    return r.rows.map((x) => x.datname);
  } finally {
    await c.end();
  }
}

describe('createShardDatabases', () => {
  it('creates N databases on the same server, each usable, and drop() removes them', async () => {
    const prefix = `stampede_shardtest_${process.pid}`;
    const shards = await createShardDatabases(BASE, 3, prefix);
    expect(shards.urls).toHaveLength(3);
    expect(await databasesLike(prefix)).toEqual([`${prefix}_0`, `${prefix}_1`, `${prefix}_2`]);
    for (const [i, url] of shards.urls.entries()) {
      const c = new pg.Client(url);
      c.on('error', () => undefined); // the last one is terminated by drop(): expected
      await c.connect();
      expect((await c.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d).toBe(`${prefix}_${i}`);
      // still connected while dropping: drop() must not be blocked by it
      if (i < 2) await c.end();
      else {
        await shards.drop();
        await c.end().catch(() => undefined);
      }
    }
    expect(await databasesLike(prefix)).toEqual([]);
  });

  it('refuses a bad shard count or prefix with a config error', async () => {
    for (const [n, prefix] of [[0, 'ok'], [2.5, 'ok'], [2, 'Bad-Name']] as const) {
      const err = await createShardDatabases(BASE, n, prefix).then(() => null, (e: unknown) => e);
      expect(isStampedeError(err) && err.code).toBe('STAMPEDE_E_CONFIG_INVALID');
    }
  });
});
