import { existsSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isStampedeError } from '../../../runner/errors.ts';
import { liveChildPids } from './child.ts';
import { startDebianCluster } from './debian-cluster.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { startReplica } from './replica.ts';
import { eventually, portClosed, portOf, processGone } from './test-helpers.ts';

const SHARED = 'postgres://postgres@127.0.0.1:5432/test';
const debianBinaries = existsSync('/usr/lib/postgresql/15/bin/pg_basebackup');

/** Start a replica of `primaryUrl`, prove it streams, is read-only and reports lag, then stop it. */
async function checkReplica(primaryUrl: string, label: string): Promise<void> {
  const before = new Set(liveChildPids());
  const t0 = performance.now();
  const replica = await startReplica({ primaryUrl });
  const startMs = performance.now() - t0;
  const pid = liveChildPids().find((p) => !before.has(p));
  expect(pid).toBeDefined();
  expect(portOf(replica.url)).not.toBe(portOf(primaryUrl));

  const primary = new pg.Client(primaryUrl);
  const standby = new pg.Client(replica.url);
  await primary.connect();
  await standby.connect();
  try {
    expect((await standby.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r).toBe(true);
    await primary.query('CREATE TABLE IF NOT EXISTS stampede_replica_probe (id int PRIMARY KEY, at timestamptz DEFAULT now())');
    const id = process.pid;
    await primary.query('DELETE FROM stampede_replica_probe WHERE id = $1', [id]);
    const tInsert = performance.now();
    await primary.query('INSERT INTO stampede_replica_probe (id) VALUES ($1)', [id]);
    const seen = await eventually(async () => {
      const r = await standby.query('SELECT 1 FROM stampede_replica_probe WHERE id = $1', [id]).catch(() => ({ rowCount: 0 }));
      return r.rowCount === 1;
    }, 5000);
    const visibleMs = performance.now() - tInsert;
    expect(seen).toBe(true);

    expect(await eventually(async () => (await replica.lagSeconds()) === 0, 5000)).toBe(true);
    // a replica that stops replaying must read as lagging: pause replay, write, wait 500 ms
    await standby.query('SELECT pg_wal_replay_pause()');
    await primary.query('INSERT INTO stampede_replica_probe (id) VALUES ($1)', [id + 1]);
    await new Promise((r) => setTimeout(r, 500));
    const paused = await replica.lagSeconds();
    expect(paused).toBeGreaterThanOrEqual(0.45);
    expect(paused).toBeLessThan(5);
    expect((await standby.query('SELECT 1 FROM stampede_replica_probe WHERE id = $1', [id + 1])).rowCount).toBe(0);
    await standby.query('SELECT pg_wal_replay_resume()');
    expect(await eventually(async () => (await replica.lagSeconds()) === 0, 5000)).toBe(true);
    expect((await standby.query('SELECT 1 FROM stampede_replica_probe WHERE id = $1', [id + 1])).rowCount).toBe(1);

    await expect(standby.query('INSERT INTO stampede_replica_probe (id) VALUES (-1)')).rejects.toThrow(/read-only/);
    console.log(`replica (${label}) start ${startMs.toFixed(0)} ms; insert visible on replica after ${visibleMs.toFixed(0)} ms; lag with replay paused 500 ms: ${paused.toFixed(3)} s`);
    await primary.query('DROP TABLE stampede_replica_probe');
  } finally {
    await standby.end().catch(() => undefined);
    await primary.end();
  }

  await replica.stop();
  expect(processGone(pid ?? -1)).toBe(true);
  expect(await portClosed(portOf(replica.url))).toBe(true);
}

describe.skipIf(!debianBinaries)('startReplica from a PostgreSQL 15 primary (pg_basebackup -R)', () => {
  it('streams changes to a hot standby and measures lag', async () => {
    const primary = await startDebianCluster({ allowReplication: true });
    try {
      await checkReplica(primary.url, 'pg_basebackup from Debian 15');
    } finally {
      await primary.stop();
    }
  });

  for (const [what, opts, expected] of [
    ['wal_level minimal', { walLevel: 'minimal' }, ["wal_level is 'minimal'", 'max_wal_senders is 0']],
    ['no replication line in pg_hba.conf', { allowReplication: false }, ['pg_hba.conf has no line allowing a replication connection', 'host replication postgres 127.0.0.1/32 trust']],
  ] as const) {
    it(`refuses a primary with ${what}, saying exactly what is missing`, async () => {
      const primary = await startDebianCluster(opts);
      try {
        const err = await startReplica({ primaryUrl: primary.url }).then(() => null, (e: unknown) => e);
        expect(isStampedeError(err)).toBe(true);
        if (!isStampedeError(err)) return;
        expect(err.code).toBe('STAMPEDE_E_TARGET_UNAVAILABLE');
        const details = err.details.join('\n');
        for (const e of expected) expect(details).toContain(e);
      } finally {
        await primary.stop();
      }
    });
  }

  it("the machine's shared cluster: a replica if its pg_hba.conf allows replication, else the pg_hba error", async () => {
    const c = new pg.Client(SHARED);
    await c.connect();
    const allowed = (await c.query("SELECT 1 FROM pg_hba_file_rules WHERE 'replication' = ANY(database) AND error IS NULL")).rowCount !== 0;
    await c.end();
    if (allowed) {
      await checkReplica(SHARED, 'shared Debian cluster');
      return;
    }
    await expect(startReplica({ primaryUrl: SHARED })).rejects.toSatisfy(
      (e: unknown) => isStampedeError(e) && e.details.some((d) => d.includes('/etc/postgresql/15/main/pg_hba.conf has no line allowing a replication connection')),
    );
  });
});

describe('startReplica from the embedded PostgreSQL 18 primary (low-level backup API)', () => {
  it('streams changes to a hot standby and measures lag', async () => {
    const primary = await startEmbeddedPostgres();
    try {
      await checkReplica(primary.url, 'backup API copy of embedded 18');
    } finally {
      await primary.stop();
    }
  });
});
