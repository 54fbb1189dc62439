// The dashboard's history page in Chromium: ten runs recorded in a temporary history store by
// runner/history's recorder (p99 ≈ 10 ms for five runs, then ≈ 30 ms), the dashboard serving it
// through the read-only reader; the page shows every run as a point, the change mark between
// runs 5 and 6, and each point links to that run's report.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { openRecorder } from '../runner/history/recorder.ts';
import { openHistoryReader, type HistoryReader } from '../runner/history/reader.ts';
import { historyLocation } from '../runner/history/open.ts';
import { startDashboardServer, type DashboardServer } from './server/server.ts';
import { browserForSuite, offlinePage } from './testing/browser.ts';
import { buildRunFixture } from './testing/fixture.ts';

const skip = await needs(requirements.chromium);
const SCENARIO = 'checkout <img src=x onerror=alert(1)>';
const P99 = [10, 10.4, 9.8, 10.1, 9.9, 30.2, 29.7, 30.3, 30.1, 29.8];
const SHOT = '/tmp/stampede-dashboard-history.png';

describe.skipIf(skip)('the history page of a scenario, in Chromium', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stampede-history-e2e-'));
  const runsDir = path.join(dir, 'runs');
  const historyFile = path.join(dir, 'history.sqlite');
  const browser = browserForSuite();
  let server: DashboardServer | undefined;
  let reader: HistoryReader | undefined;
  let storeHash = '';
  const sha = () => createHash('sha256').update(readFileSync(historyFile)).digest('hex');

  beforeAll(async () => {
    const recorder = await openRecorder({ setting: historyFile, cwd: dir, command: null, warn: (m) => { throw new Error(m); } });
    for (const [i, p99] of P99.entries()) {
      const doc = buildRunFixture({ durationS: 5 });
      doc.meta.scenarioName = SCENARIO;
      doc.meta.startTime = `2026-12-04T0${i}:00:00.000Z`;
      const lat = doc.metrics.http_req_latency!.values;
      lat['p(99)'] = p99;
      lat['p(50)'] = p99 / 4;
      doc.metrics.http_reqs!.values.rate = 200 + i;
      const file = path.join(runsDir, `run-${i}`, 'result.json');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(doc));
      expect(await recorder.recordRun(doc, file)).not.toBeNull();
    }
    await recorder.close();
    storeHash = sha();
    reader = await openHistoryReader(historyLocation(historyFile, dir));
    server = await startDashboardServer({ runsDir, history: reader });
  });
  afterAll(async () => {
    await server?.close();
    await reader?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('charts p50/p99/rate over the runs, marks the change and links each point to its report', async () => {
    const origin = server!.url.replace(/\/$/, '');
    const w = await offlinePage(browser(), { allow: [origin, origin.replace('http', 'ws')] });
    await w.page.goto(server!.url);
    await w.page.waitForSelector('[data-table="runs"] tr[data-row="9"]');
    // reachable from the runs list: every row of the scenario links to its history
    expect(await w.page.locator('[data-history-of]').count()).toBe(10);
    await w.page.locator('[data-history-of]').first().click();
    await w.page.waitForSelector('[data-chart="history-p99"] [data-history-point]');
    expect(decodeURIComponent(new URL(w.page.url()).hash)).toBe(`#/history/${SCENARIO}`);
    expect(await w.page.locator('h1').textContent()).toBe(`history ${SCENARIO}`);
    expect(await w.page.locator('[data-testid="history-summary"]').innerText()).toBe('10 run(s), 1 change point(s) in p99');

    for (const key of ['p50', 'p99', 'rate']) {
      const points = w.page.locator(`[data-chart="history-${key}"] [data-history-point]`);
      expect(await points.count()).toBe(10);
      // the mark sits between the 5th and the 6th run's points, in every chart
      const marks = w.page.locator(`[data-chart="history-${key}"] .recharts-reference-line line`);
      expect(await marks.count()).toBe(1);
      const markX = Number(await marks.first().getAttribute('x1'));
      const cx = await points.evaluateAll((els) => els.map((e) => Number(e.getAttribute('cx'))));
      expect(cx).toEqual([...cx].sort((a, b) => a - b));
      expect(markX).toBeGreaterThan(cx[4]!);
      expect(markX).toBeLessThan(cx[5]!);
    }
    // p99 points: higher on screen (smaller y) after the change
    const cy = await w.page.locator('[data-chart="history-p99"] [data-history-point]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    expect(Math.min(...cy.slice(0, 5))).toBeGreaterThan(Math.max(...cy.slice(5)));
    const rateCy = await w.page.locator('[data-chart="history-rate"] [data-history-point]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('cy'))));
    expect(rateCy).toEqual([...rateCy].sort((a, b) => b - a));

    // each point links to its run's report in the dashboard
    const hrefs = await w.page.locator('[data-chart="history-p99"] a[data-history-link]').evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(hrefs).toEqual(P99.map((_, i) => `#/run/run-${i}`));
    await w.page.screenshot({ path: SHOT, fullPage: true });
    await w.page.locator('[data-chart="history-p99"] a[data-history-link]').nth(6).click();
    await w.page.waitForSelector('header h1 .kind');
    expect(new URL(w.page.url()).hash).toBe('#/run/run-6');

    expect(await w.page.locator('img').count()).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
    // the dashboard only read the store
    expect(sha()).toBe(storeHash);
  });

  it('the API answers for the scenario with its runs oldest first and the change index', async () => {
    const res = await fetch(`${server!.url.replace(/\/$/, '')}/api/history/${encodeURIComponent(SCENARIO)}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { runs: Array<{ p99: number; reportId: string }>; changes: number[] };
    expect(body.runs.map((r) => r.p99)).toEqual(P99);
    expect(body.runs.map((r) => r.reportId)).toEqual(P99.map((_, i) => `run-${i}`));
    expect(body.changes).toEqual([5]);
    const list = (await (await fetch(`${server!.url.replace(/\/$/, '')}/api/history`)).json()) as { scenarios: string[] };
    expect(list.scenarios).toEqual([SCENARIO]);
  });
});
