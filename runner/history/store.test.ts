// The history store on real databases: SQLite files (the default) and PostgreSQL (a database of
// its own on the shared server, dropped after). Concurrent writer processes lose no record; a
// damaged or foreign database is refused with exit 2 and left as it was.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, scratchDir } from '../testing/fixtures.ts';
import { needs, requirements } from '../testing/requirements.ts';
import { historyLocation, openHistory } from './open.ts';
import { SCHEMA_VERSION } from './migrations.ts';
import type { HistoryEntry, HistoryStore } from './store.ts';
import { isStampedeError } from '../errors.ts';

const scratch = scratchDir('history-store');
afterAll(() => scratch.remove());
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as new (file: string) => { exec(sql: string): void; close(): void };

function entry(i: number, over: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    kind: 'run',
    startedAt: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
    resultPath: `/runs/${i}/result.json`,
    verdict: i % 3 === 0 ? 'failed' : 'passed',
    durationMs: 10_000,
    identity: { scenarioName: i % 2 ? 'browse' : 'checkout', scenarioFile: 'scenarios/x.ts', scenarioHash: 'abc', target: 'http://127.0.0.1:8080', targetConfig: null, command: 'stampede run', gitCommit: 'deadbeef', gitBranch: 'main', machine: 'm' },
    figures: [
      { metric: 'http_req_latency', tags: '', stat: 'p(50)', value: 1 + i },
      { metric: 'http_req_latency', tags: '', stat: 'p(99)', value: 10 + i },
      { metric: 'http_reqs', tags: '', stat: 'rate', value: 100 },
      { metric: 'http_req_failed', tags: '', stat: 'rate', value: 0.01 },
      { metric: 'http_req_latency', tags: '{"name":"GET /"}', stat: 'p(99)', value: 12 + i },
    ],
    ...over,
  };
}

async function roundTrip(store: HistoryStore): Promise<void> {
  for (let i = 1; i <= 6; i++) expect((await store.record(entry(i))).status).toBe('recorded');
  // the same document again is not a second record; a newer run written to the same path replaces it
  expect((await store.record(entry(2))).status).toBe('already-recorded');
  expect((await store.record(entry(2, { startedAt: '2026-12-02T00:00:00.000Z' }))).status).toBe('replaced');
  expect(await store.count()).toBe(6);
  const browse = await store.list({ scenario: 'browse' });
  expect(browse.map((r) => r.resultPath)).toEqual(['/runs/5/result.json', '/runs/3/result.json', '/runs/1/result.json']);
  expect((await store.list({ since: '2026-12-01T00:04:00.000Z' })).map((r) => r.resultPath)).toEqual(['/runs/2/result.json', '/runs/6/result.json', '/runs/5/result.json', '/runs/4/result.json']);
  const heads = await store.headlines(browse.map((r) => r.id));
  expect(heads.get(browse[0]?.id as string)).toEqual({ p50: 6, p99: 15, rate: 100, errors: 0.01 });
  expect((await store.figures(browse[0]?.id as string)).find((f) => f.tags === '{"name":"GET /"}')?.value).toBe(17);
  const series = await store.series('browse', 'http_req_latency', 'p(99)');
  expect(series.map((p) => p.value)).toEqual([11, 13, 15]);
  const first = browse[2];
  if (!first) throw new Error('no run');
  await store.setBaseline(first);
  expect((await store.baseline('browse', 'http://127.0.0.1:8080'))?.id).toBe(first.id);
  expect(await store.baseline('browse', 'http://elsewhere')).toBeNull();
  const last = browse[0];
  if (!last) throw new Error('no run');
  await store.setBaseline(last);
  expect((await store.baseline('browse', 'http://127.0.0.1:8080'))?.id).toBe(last.id);
  expect((await store.get(first.id))?.identity).toEqual(entry(1).identity);
}

function writers(setting: string, processes: number, each: number): Promise<number[]> {
  return Promise.all(
    Array.from({ length: processes }, (_, p) =>
      new Promise<number>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'runner/history/concurrent-writer.ts'), setting, String(each), `w${p}`], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('close', (code) => resolve(code ?? -1));
      }),
    ),
  );
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('history store (SQLite)', () => {
  it('records, lists newest first, keeps figures per tag set and baselines per scenario and target', async () => {
    const store = await openHistory(historyLocation(path.join(scratch.dir, 'a.sqlite'), PROJECT_ROOT));
    try {
      await roundTrip(store);
    } finally {
      await store.close();
    }
  });

  it('several writer processes at once lose no record', async () => {
    const file = path.join(scratch.dir, 'concurrent.sqlite');
    const codes = await writers(file, 6, 40);
    expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
    const store = await openHistory(historyLocation(file, PROJECT_ROOT));
    try {
      expect(await store.count()).toBe(240);
      const runs = await store.list();
      expect(new Set(runs.map((r) => r.id)).size).toBe(240);
      expect(new Set(runs.map((r) => r.resultPath)).size).toBe(240);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('a damaged file is exit 2 with one line, and is left as it was', async () => {
    const file = path.join(scratch.dir, 'damaged.sqlite');
    const store = await openHistory(historyLocation(file, PROJECT_ROOT));
    await store.record(entry(1));
    await store.close();
    const bytes = readFileSync(file);
    randomBytes(bytes.length - 16).copy(bytes, 16); // keep the header magic, ruin everything else
    writeFileSync(file, bytes);
    const before = sha(file);
    const r = await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: file } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error STAMPEDE_E_HISTORY_INVALID: .*damaged\.sqlite: not a usable Stampede history database/);
    expect(sha(file)).toBe(before);
    const text = path.join(scratch.dir, 'notes.sqlite');
    writeFileSync(text, 'these are my notes, not a database\n'.repeat(200));
    const t = await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: text } });
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('not a usable Stampede history database');
    expect(readFileSync(text, 'utf8')).toBe('these are my notes, not a database\n'.repeat(200));
  }, 60_000);

  it('a foreign SQLite database (another application\'s tables) is exit 2 and untouched; so is a newer schema', async () => {
    const file = path.join(scratch.dir, 'foreign.sqlite');
    const db = new Database(file);
    db.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')");
    db.close();
    const before = sha(file);
    const r = await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: file } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a Stampede history database: it holds other tables \(users\)/);
    expect(sha(file)).toBe(before);
    await expect(openHistory(historyLocation(file, PROJECT_ROOT))).rejects.toSatisfy((e) => isStampedeError(e) && e.exitCode === 2);

    const newer = path.join(scratch.dir, 'newer.sqlite');
    (await openHistory(historyLocation(newer, PROJECT_ROOT))).close();
    const n = new Database(newer);
    n.exec(`INSERT INTO stampede_migrations (version, description, applied_at) VALUES (${SCHEMA_VERSION + 1}, 'future', 'x')`);
    n.close();
    const f = await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: newer } });
    expect(f.code).toBe(2);
    expect(f.stderr).toContain(`history schema version ${SCHEMA_VERSION + 1} is newer than this Stampede knows`);
  }, 60_000);
});

const skipPg = await needs(requirements.databaseUrl);

describe.skipIf(skipPg)('history store (PostgreSQL)', () => {
  const name = `stampede_history_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  const adminUrl = process.env.DATABASE_URL ?? '';
  const url = (() => {
    if (!adminUrl) return '';
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.href;
  })();
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  afterAll(async () => {
    if (adminUrl) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('the same schema and queries; concurrent writers lose no record', async () => {
    await admin(`CREATE DATABASE ${name}`);
    const store = await openHistory(historyLocation(url, PROJECT_ROOT));
    try {
      await roundTrip(store);
    } finally {
      await store.close();
    }
    const codes = await writers(url, 4, 25);
    expect(codes).toEqual([0, 0, 0, 0]);
    const again = await openHistory(historyLocation(url, PROJECT_ROOT));
    try {
      expect(await again.count()).toBe(6 + 100);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('a database whose stampede_meta names another application is exit 2', async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query("UPDATE stampede_meta SET value = 'someone-else' WHERE key = 'application'");
    await c.end();
    const r = await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: url } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a Stampede history database: its stampede_meta names another application');
  }, 60_000);
});
