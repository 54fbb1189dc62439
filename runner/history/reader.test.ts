// The read-only history reader (the dashboard's): never creates, migrates or writes the store;
// a missing file is an empty history, a foreign one is refused.
import { createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHistoryReader } from './reader.ts';
import { openHistory } from './open.ts';
import { StampedeError } from '../errors.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-history-reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entry = (i: number, p99: number) => ({
  kind: 'run' as const,
  startedAt: `2026-12-04T0${i}:00:00.000Z`,
  resultPath: path.join(dir, `run-${i}`, 'result.json'),
  verdict: 'passed',
  durationMs: 1000,
  identity: { scenarioName: i < 6 ? 'shift' : 'other', scenarioFile: 's.ts', scenarioHash: null, target: null, targetConfig: null, command: null, gitCommit: null, gitBranch: null, machine: 'm' },
  figures: [{ metric: 'http_req_latency', tags: '', stat: 'p(99)', value: p99 }, { metric: 'http_reqs', tags: '', stat: 'rate', value: 100 }],
});

describe('openHistoryReader', () => {
  it('a missing SQLite file is an empty history and is not created', async () => {
    const file = path.join(dir, 'nothing-here', 'history.sqlite');
    const r = await openHistoryReader({ kind: 'sqlite', file });
    expect(await r.scenarios()).toEqual([]);
    expect(await r.scenario('x')).toEqual({ runs: [], changes: [] });
    await r.close();
    expect(existsSync(path.dirname(file))).toBe(false);
  });

  it("reads a scenario's runs oldest first with their figures, leaving the file as it was", async () => {
    const file = path.join(dir, 'h.sqlite');
    const store = await openHistory({ kind: 'sqlite', file });
    const p99 = [10, 10.2, 9.9, 30, 30.3, 29.8, 5];
    for (const [i, v] of p99.entries()) await store.record(entry(i, v));
    await store.close();
    const before = readFileSync(file);
    const r = await openHistoryReader({ kind: 'sqlite', file });
    expect(await r.scenarios()).toEqual(['other', 'shift']);
    const h = await r.scenario('shift');
    expect(h.runs.map((x) => x.p99)).toEqual(p99.slice(0, 6));
    expect(h.runs.map((x) => x.rate)).toEqual(p99.slice(0, 6).map(() => 100));
    expect(h.runs.map((x) => x.p50)).toEqual(p99.slice(0, 6).map(() => null));
    expect(h.runs.map((x) => x.resultPath)).toEqual(p99.slice(0, 6).map((_, i) => path.join(dir, `run-${i}`, 'result.json')));
    await r.close();
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a foreign SQLite database is refused (exit-2 error) and left untouched', async () => {
    const file = path.join(dir, 'foreign.sqlite');
    const Database = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => { exec(s: string): void; close(): void };
    const db = new Database(file);
    db.exec('CREATE TABLE notes (t TEXT)');
    db.close();
    const before = readFileSync(file);
    const e = await openHistoryReader({ kind: 'sqlite', file }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(StampedeError);
    expect((e as StampedeError).code).toBe('STAMPEDE_E_HISTORY_INVALID');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a file that is not a database is refused', async () => {
    const file = path.join(dir, 'notes.sqlite');
    writeFileSync(file, 'not a database\n'.repeat(300));
    const e = await openHistoryReader({ kind: 'sqlite', file }).catch((x: unknown) => x);
    expect((e as StampedeError).code).toBe('STAMPEDE_E_HISTORY_INVALID');
  });
});
