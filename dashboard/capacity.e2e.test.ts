// The dashboard's capacity studies in Chromium: listed beside the runs, opened in the same
// capacity view as capacity.html. Requests may go only to the dashboard's own server.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { dashboardForSuite } from './testing/dashboard-suite.ts';
import { capacityFull } from './testing/capacity-fixture.ts';
import { formatRate } from './view/format.ts';
import { formatIterations } from './view/capacity.ts';

const skip = await needs(requirements.chromium);
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reports/out/screenshots');
const HOSTILE = '<img src=x onerror=alert(1)>';

describe.skipIf(skip)('capacity studies on the dashboard, in Chromium', () => {
  const doc = capacityFull({ hostile: HOSTILE });
  const suite = dashboardForSuite({ 'study-a/capacity.json': doc }, SHOTS);

  it('lists the study and opens it in the capacity view', async () => {
    const w = await suite.page();
    await w.page.goto(suite.server().url);
    await w.page.waitForSelector('[data-table="capacity"] tr[data-row="0"]');
    expect(await w.page.locator('[data-capacity-id="study-a"]').innerText()).toBe(doc.meta.scenarioName);
    expect(await w.page.locator('[data-table="capacity"] tr[data-row="0"] [data-cell="mst"]').innerText()).toBe(formatRate(doc.answer!.mst));
    await w.page.locator('#capacity-studies').screenshot({ path: path.join(SHOTS, 'dashboard-capacity-list.png') });
    await w.page.click('[data-capacity-id="study-a"]');
    await w.page.waitForSelector('[data-chart="latency-throughput"] path.recharts-line-curve');
    expect(w.page.url()).toMatch(/#\/capacity\/study-a$/);
    expect(await w.page.locator('[data-chart="latency-throughput"] path.recharts-line-curve').count()).toBe(6);
    expect(await w.page.locator('[data-chart="usl"] .recharts-scatter-symbol').count()).toBe(doc.sweep!.points.length);
    expect(await w.page.locator('[data-stat="mst"] .stat-value').innerText()).toBe(formatIterations(doc.answer!.mst));
    expect(await w.page.locator('h1').textContent()).toBe(`capacity ${doc.meta.scenarioName}`);
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-capacity-study.png'), fullPage: true });
    expect(await w.page.locator('img').count()).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });
});
