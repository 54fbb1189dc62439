// What items of the reports render in Chromium, offline: comparison.html's latency-against-the-
// settings charts (a line and a band per cache mode and workers count against the pool, a p99
// heatmap), run links and failed thresholds, names by differing knobs; and a run where every
// request was refused, whose report names the refused connection and fails its latency threshold.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserForSuite, offlinePage, type PageWatch } from '../dashboard/testing/browser.ts';
import { POOLS, settingsReport } from '../dashboard/testing/settings-fixture.ts';
import { formatMs } from '../dashboard/view/format.ts';
import { buildSettingsView } from '../dashboard/view/settings.ts';
import { runTest } from '../runner/run/run-test.ts';
import { scratchDir, startServer } from '../runner/testing/fixtures.ts';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { renderComparisonHtml } from './comparison.ts';
import { writeRunReport } from './build.ts';
import { loadPlan } from '../runner/plan/load-plan.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'reports/out/e2e/settings');
const SHOTS = path.join(ROOT, 'reports/out/screenshots');
const skip = await needs(requirements.chromium);

async function open(w: PageWatch, file: string): Promise<void> {
  await w.page.goto(pathToFileURL(file).href);
  await w.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  expect(await w.page.getAttribute('html', 'data-ready')).toBe('true');
}

describe.skipIf(skip)('reports in Chromium: settings charts, links, errors', () => {
  const browser = browserForSuite(OUT, SHOTS);

  it('comparison.html: p50/p90/p99 (both definitions) and rate against pool, one line + band per other knobs, a p99 heatmap', async () => {
    const report = settingsReport({ workers: true });
    const file = path.join(OUT, 'comparison.html');
    writeFileSync(file, await renderComparisonHtml(report));
    const w = await offlinePage(browser(), { width: 1440, height: 1000 });
    await open(w, file);
    await w.page.waitForSelector('[data-chart="settings-0-latencyP99"] path.recharts-line-curve', { state: 'attached' });
    const lines = 4; // cache none/redis × workers 1/2
    for (const m of ['latencyP50', 'latencyP90', 'latencyP99', 'durationP50', 'durationP90', 'durationP99', 'requestsPerSecond']) {
      expect(await w.page.locator(`[data-chart="settings-0-${m}"] path.recharts-line-curve`).count()).toBe(lines);
      expect(await w.page.locator(`[data-chart="settings-0-${m}"] path.recharts-area-area`).count()).toBe(lines);
    }
    // x ticks are the knob's values
    await w.page.locator('section#settings').screenshot({ path: '/tmp/stampede-settings.png' });
    const ticks = (await w.page.locator('[data-chart="settings-0-latencyP99"] .recharts-xAxis-tick-labels text').allTextContents());
    expect(ticks).toEqual(POOLS.map(String));
    expect(await w.page.locator('[data-testid="settings-legend-0"] li').allInnerTexts()).toEqual(['cache=none,workers=1', 'cache=none,workers=2', 'cache=redis,workers=1', 'cache=redis,workers=2']);
    // the heatmap: workers × pool, each cell the median p99
    const h = buildSettingsView(report).heatmap!;
    expect(await w.page.locator('[data-table="heatmap"] tbody tr').count()).toBe(2);
    const cell = h.cells.find((c) => c.x === 20 && c.y === 1)!;
    expect(await w.page.locator('[data-table="heatmap"] [data-cell="20x1"]').innerText()).toBe(formatMs(cell.p99));
    // every run linked to its report; failed thresholds named; names by differing knobs only
    expect(await w.page.locator('[data-table="ranking"] a[data-run-link]').count()).toBe(16 * 2);
    expect(await w.page.locator('[data-table="ranking"] a[data-run-link]').first().getAttribute('href')).toMatch(/^pool-\d+-cache-\w+-workers-\d\/run-1\/report\.html$/);
    expect(await w.page.locator('[data-cell="failed-thresholds"]').first().innerText()).toContain('✗ http_req_latency: p(99)<60');
    const labels = await w.page.locator('[data-table="ranking"] [data-cell="label"] .config-label').allInnerTexts();
    expect(labels.every((l) => !l.includes('variant') && !l.includes('queue'))).toBe(true);
    expect(w.blockedRequests).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await w.page.locator('section#settings').screenshot({ path: '/tmp/stampede-settings.png' });
    await w.page.locator('section#ranking').screenshot({ path: '/tmp/stampede-ranking.png' });
    await w.context.close();
  });

  it('report.html of a run whose every request was refused: the errors table names it, the latency threshold fails', async () => {
    const scratch = scratchDir('settings-e2e');
    const gone = await startServer((_q, res) => res.end());
    const base = gone.url;
    await gone.close();
    const scenario = scratch.write('refused.ts', `export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 20 } }, thresholds: { http_req_latency: ['p(99)<200'] } };
export default async (vu: any) => { await vu.http.get(vu.env.BASE + '/', { name: 'home' }); };`);
    const { result } = await runTest(await loadPlan(scenario, { env: { BASE: base }, threads: 1 }));
    const file = path.join(OUT, 'refused', 'report.html');
    mkdirSync(path.dirname(file), { recursive: true });
    await writeRunReport(result, file);
    const w = await offlinePage(browser(), { width: 1440, height: 1000 });
    await open(w, file);
    await w.page.waitForSelector('[data-table="errors"]');
    expect(await w.page.locator('[data-table="errors"] [data-cell="kind"]').first().innerText()).toBe('connect_refused');
    expect(await w.page.locator('[data-table="errors"] [data-cell="count"]').first().innerText()).toBe('20');
    expect(await w.page.locator('[data-table="errors"] [data-cell="message"]').first().innerText()).toMatch(/ECONNREFUSED/);
    expect(await w.page.locator('[data-table="thresholds"] .verdict').first().innerText()).toBe('FAIL');
    expect(await w.page.locator('[data-table="thresholds"] [data-cell="notes"]').first().innerText()).toMatch(/no request succeeded \(20 of 20 failed\)/);
    expect(await w.page.locator('[data-stat="error-rate"] .stat-value').innerText()).toBe('100 %');
    expect(await w.page.locator('[data-testid="all-failed"]').innerText()).toMatch(/^Every request failed \(20 of 20\): connect_refused 20\. Most frequent: GET home — connect ECONNREFUSED/);
    // the request table's min/mean/max and its distribution
    expect(await w.page.locator('[data-table="requests"] [data-cell="latency-min"]').first().innerText()).toMatch(/ms$/);
    expect(Number(await w.page.locator('[data-table="requests"] svg[data-cell="distribution"]').first().getAttribute('data-buckets'))).toBeGreaterThan(0);
    expect(w.pageErrors).toEqual([]);
    await w.page.screenshot({ path: '/tmp/stampede-refused-report.png', fullPage: true });
    await w.context.close();
    scratch.remove();
  });
});
