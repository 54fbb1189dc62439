// The dashboard's compare pages in Chromium: a comparison.json listed under reports/out/ opens
// as the compare view, and two runs ticked in the runs list open side by side. Requests may go
// only to the dashboard's own server; hostile labels stay text.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs, requirements } from '../runner/testing/requirements.ts';
import type { RunResult } from '../runner/result/schema.ts';
import { startDashboardServer, type DashboardServer } from './server/server.ts';
import { launchChromium, offlinePage } from './testing/browser.ts';
import { withStatusTags, writeCompareFixture, type CompareFixture } from './testing/compare-fixture.ts';
import { buildRunFixture } from './testing/fixture.ts';
import { formatMs } from './view/format.ts';

const skip = await needs(requirements.chromium);
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reports/out/screenshots');
const IMG = '<img src=x onerror=alert(1)>';

describe.skipIf(skip)('dashboard: compare views in Chromium', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stampede-dash-compare-'));
  // per-status request counts, as the runner records them (the comparison's error rate reads them)
  const tagged = (r: RunResult): RunResult => ({ ...r, tagged: withStatusTags(r) });
  const sync = tagged(buildRunFixture({ durationS: 30, rate: 100, stallAtS: 10, stallS: 5, seed: 11 }));
  const asyncRun = tagged(buildRunFixture({ durationS: 30, rate: 100, stallAtS: null, seed: 12 }));
  const runs: Array<[string, RunResult]> = [
    ['20260520T100000Z-flash-sale', { ...sync, meta: { ...sync.meta, targetConfig: { variant: 'sync', cache: `none${IMG}` }, startTime: '2026-05-21T10:00:00.000Z' } }],
    ['20260520T110000Z-flash-sale', { ...asyncRun, meta: { ...asyncRun.meta, targetConfig: { variant: 'async', cache: 'redis' }, startTime: '2026-05-21T11:00:00.000Z' } }],
  ];
  let fx: CompareFixture;
  let server: DashboardServer;
  let browser: Browser;
  beforeAll(async () => {
    for (const [id, r] of runs) {
      mkdirSync(path.join(dir, id), { recursive: true });
      writeFileSync(path.join(dir, id, 'result.json'), JSON.stringify(r));
    }
    fx = writeCompareFixture(path.join(dir, '20260520T090000Z-compare-flash-sale'), { repeat: 2, durationS: 30, hostile: IMG });
    mkdirSync(SHOTS, { recursive: true });
    server = await startDashboardServer({ runsDir: dir });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const page = async () => {
    const origin = server.url.replace(/\/$/, '');
    return offlinePage(browser, { allow: [origin, origin.replace('http', 'ws')], width: 1400, height: 1000 });
  };

  it('lists comparison.json documents and opens one as the compare view', async () => {
    const w = await page();
    await w.page.goto(server.url);
    await w.page.waitForSelector('[data-table="comparisons"] tr[data-row="0"]');
    const link = w.page.locator('[data-comparison-id="20260520T090000Z-compare-flash-sale"]');
    expect(await link.innerText()).toBe(`flash-sale${IMG}`);
    expect(await w.page.locator('[data-table="comparisons"] tr[data-row="0"] td').nth(2).innerText()).toBe('5 (1 skipped)');
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-runs-with-comparisons.png'), fullPage: true });
    await link.click();
    await w.page.waitForSelector('[data-chart="p99-over-time"] path.recharts-line-curve');
    expect(await w.page.locator('[data-chart="p99-over-time"] path.recharts-line-curve').count()).toBe(4);
    const rows = w.page.locator('[data-table="ranking"] tbody tr[data-row]');
    expect(await rows.count()).toBe(5);
    const first = fx.comparison.configurations.find((c) => c.id === fx.comparison.ranking[0])!;
    expect(await rows.nth(0).locator('[data-cell="label"] .config-label').innerText()).toBe(first.label);
    expect(await rows.nth(0).locator('[data-cell="latencyP99"] .cell-value').innerText()).toBe(formatMs(first.stats!.latencyP99!.median));
    expect(await w.page.locator('img').count()).toBe(0);
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-comparison.png'), fullPage: true });
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it('compares two runs ticked in the runs list, side by side', async () => {
    const w = await page();
    await w.page.goto(server.url);
    await w.page.waitForSelector('[data-table="runs"] tr[data-row="0"]');
    // the runs list names each run's target configuration, so the runs to pick can be told apart
    expect(await w.page.locator(`tr:has(input[data-pick="${runs[0]![0]}"]) [data-cell="target-config"]`).innerText()).toBe(`variant=sync,cache=none${IMG}`);
    const button = w.page.locator('[data-testid="compare-picked"]');
    expect(await button.isDisabled()).toBe(true);
    for (const [id] of runs) await w.page.locator(`input[data-pick="${id}"]`).check();
    expect(await button.innerText()).toBe('Compare selected (2)');
    await button.click();
    for (const sel of ['[data-chart="p99-over-time"] path.recharts-line-curve', '[data-chart="rate-over-time"] path.recharts-line-curve', '[data-chart="p99-bars"] .recharts-bar-rectangle', '[data-chart="rate-bars"] .recharts-bar-rectangle']) await w.page.waitForSelector(sel, { state: 'attached' });
    expect(decodeURIComponent(new URL(w.page.url()).hash)).toBe(`#/compare/${runs.map(([id]) => id).join(',')}`);
    expect(await w.page.locator('[data-chart="p99-over-time"] path.recharts-line-curve').count()).toBe(2);
    expect(await w.page.locator('[data-chart="rate-over-time"] path.recharts-line-curve').count()).toBe(2);
    expect(await w.page.locator('[data-chart="p99-bars"] .recharts-bar-rectangle').count()).toBe(4); // 2 configurations × 2 definitions
    expect(await w.page.locator('[data-chart="rate-bars"] .recharts-bar-rectangle').count()).toBe(2);
    const rows = w.page.locator('[data-table="ranking"] tbody tr[data-row]');
    expect(await rows.count()).toBe(2);
    // the async run did not stall: it ranks first on p99
    expect(await rows.nth(0).locator('[data-cell="label"] .config-label').innerText()).toBe('variant=async,cache=redis');
    expect(await rows.nth(1).locator('[data-cell="label"] .config-label').innerText()).toBe(`variant=sync,cache=none${IMG}`);
    expect(await rows.nth(1).locator('[data-cell="latencyP99"] .cell-value').innerText()).toBe(formatMs(sync.metrics.http_req_latency!.values['p(99)']));
    expect(await rows.nth(0).locator('[data-cell="latencyP99"] .cell-value').innerText()).toBe(formatMs(asyncRun.metrics.http_req_latency!.values['p(99)']));
    expect(await rows.nth(0).locator('[data-cell="latencyP99"] [data-mark]').innerText()).toBe('?');
    // achieved rate: answered requests per second; the stalled run lost the timed-out ones
    const rate = async (i: number) => Number(await rows.nth(i).locator('[data-cell="requestsPerSecond"] .cell-value').innerText());
    expect(await rate(0)).toBeGreaterThan(99);
    expect(await rate(1)).toBeLessThan(await rate(0));
    expect(await w.page.locator('h1 .kind').innerText()).toBe('PICKED RUNS');
    expect(await w.page.locator('img').count()).toBe(0);
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-compare-picked.png'), fullPage: true });
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });
});
