// /api/history on the dashboard server, over a real history store read through the read-only
// reader: runs tied to their folder under the runs directory, or to none when they are elsewhere.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openRecorder } from '../../runner/history/recorder.ts';
import { openHistoryReader } from '../../runner/history/reader.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { startDashboardServer } from './server.ts';
import type { ScenarioHistory } from '../view/history.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-dash-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('/api/history', () => {
  it("answers a scenario's runs with their dashboard ids; 404 without a history", async () => {
    const runsDir = path.join(dir, 'runs');
    const file = path.join(dir, 'h.sqlite');
    const recorder = await openRecorder({ setting: file, cwd: dir, command: null, warn: (m) => { throw new Error(m); } });
    // inside the runs folder, outside it, and inside but removed since
    const places = [path.join(runsDir, 'a', 'nested', 'result.json'), path.join(dir, 'elsewhere', 'result.json'), path.join(runsDir, 'gone', 'result.json')];
    for (const [i, p] of places.entries()) {
      const doc = buildRunFixture({ durationS: 3 });
      doc.meta.scenarioName = 'scn';
      doc.meta.startTime = `2026-12-04T0${i}:00:00.000Z`;
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, JSON.stringify(doc));
      await recorder.recordRun(doc, p);
    }
    await recorder.close();
    rmSync(path.dirname(places[2]!), { recursive: true });
    const reader = await openHistoryReader({ kind: 'sqlite', file });
    const server = await startDashboardServer({ runsDir, history: reader });
    const none = await startDashboardServer({ runsDir });
    try {
      const h = (await (await fetch(`${server.url}api/history/scn`)).json()) as ScenarioHistory;
      expect(h.runs.map((r) => r.reportId)).toEqual(['a/nested', null, null]);
      expect(h.runs.map((r) => r.startedAt)).toEqual(['2026-12-04T00:00:00.000Z', '2026-12-04T01:00:00.000Z', '2026-12-04T02:00:00.000Z']);
      expect(h.changes).toEqual([]);
      expect('resultPath' in (h.runs[0] as object)).toBe(false);
      const unknown = (await (await fetch(`${server.url}api/history/${encodeURIComponent('no such')}`)).json()) as ScenarioHistory;
      expect(unknown.runs).toEqual([]);
      expect((await fetch(`${none.url}api/history/scn`)).status).toBe(404);
      expect(await (await fetch(`${none.url}api/history`)).json()).toEqual({ where: null, scenarios: [] });
    } finally {
      await server.close();
      await none.close();
      await reader.close();
    }
  });
});
