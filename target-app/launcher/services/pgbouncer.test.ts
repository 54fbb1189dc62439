import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../../../runner/testing/requirements.ts';
import { liveChildPids } from './child.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import type { EmbeddedPostgresHandle } from './embedded-postgres.ts';
import { startPgBouncer } from './pgbouncer.ts';
import { withDatabase } from './pg-url.ts';
import { portClosed, portOf, processGone } from './test-helpers.ts';

const skip = await needs(requirements.pgbouncer);
const DEBIAN = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** 50 clients, each running 20 queries, through a bouncer with 5 server connections. */
async function fiftyClients(url: string): Promise<{ results: number; serverPids: Set<number>; ms: number }> {
  const serverPids = new Set<number>();
  let results = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 50 }, async (_, i) => {
      const c = new pg.Client(url);
      await c.connect();
      try {
        for (let q = 0; q < 20; q++) {
          const r = await c.query<{ pid: number; n: number }>('SELECT pg_backend_pid() AS pid, $1::int * 2 AS n', [i]);
          const row = r.rows[0];
          if (row?.n === i * 2) results++;
          if (row) serverPids.add(row.pid);
        }
      } finally {
        await c.end();
      }
    }),
  );
  return { results, serverPids, ms: performance.now() - t0 };
}

async function checkBouncer(upstreamUrl: string, label: string): Promise<void> {
  const before = new Set(liveChildPids());
  const t0 = performance.now();
  const bouncer = await startPgBouncer({ upstreamUrl, poolSize: 5 });
  const startMs = performance.now() - t0;
  const pid = liveChildPids().find((p) => !before.has(p));
  expect(pid).toBeDefined();
  expect(portOf(bouncer.url)).not.toBe(portOf(upstreamUrl));
  expect(new URL(bouncer.url).pathname).toBe(new URL(upstreamUrl).pathname);

  const { results, serverPids, ms } = await fiftyClients(bouncer.url);
  expect(results).toBe(1000);
  // transaction pooling: 50 clients shared at most 5 server connections
  expect(serverPids.size).toBeGreaterThanOrEqual(1);
  expect(serverPids.size).toBeLessThanOrEqual(5);

  // the same database: a table made upstream is visible through the bouncer
  const direct = new pg.Client(upstreamUrl);
  await direct.connect();
  const table = `stampede_bouncer_probe_${process.pid}`;
  await direct.query(`CREATE TABLE ${table} (v text)`);
  try {
    await direct.query(`INSERT INTO ${table} VALUES ('${label}')`);
    const via = new pg.Client(bouncer.url);
    await via.connect();
    expect((await via.query<{ v: string }>(`SELECT v FROM ${table}`)).rows).toEqual([{ v: label }]);
    await via.end();
  } finally {
    await direct.query(`DROP TABLE ${table}`);
    await direct.end();
  }

  // any other database on the server goes through the same bouncer (the `*` route; shards use it)
  const other = new pg.Client(withDatabase(bouncer.url, 'postgres'));
  await other.connect();
  expect((await other.query<{ d: string }>('SELECT current_database() AS d')).rows[0]?.d).toBe('postgres');
  await other.end();

  await bouncer.stop();
  expect(processGone(pid ?? -1)).toBe(true);
  expect(await portClosed(portOf(bouncer.url))).toBe(true);
  console.log(`pgbouncer (${label}) start ${startMs.toFixed(0)} ms; 50 clients × 20 queries over ${serverPids.size} server connections in ${ms.toFixed(0)} ms`);
}

describe.skipIf(skip)('startPgBouncer', () => {
  let embedded: EmbeddedPostgresHandle | undefined;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres();
  });
  afterAll(async () => {
    await embedded?.stop();
  });

  it('pools 50 clients over 5 connections to the Debian cluster (trust auth)', async () => {
    await checkBouncer(DEBIAN, 'debian');
  });

  it('pools 50 clients over 5 connections to embedded postgres (scram-sha-256)', async () => {
    if (!embedded) throw new Error('embedded postgres did not start');
    await checkBouncer(embedded.url, 'embedded');
  });

  it('rejects a wrong upstream password with a message naming the database', async () => {
    if (!embedded) throw new Error('embedded postgres did not start');
    const bad = new URL(embedded.url);
    bad.password = 'wrong';
    await expect(startPgBouncer({ upstreamUrl: bad.toString(), poolSize: 2 })).rejects.toThrow(/could not reach database "shop"/);
  });
});
