// comparison.html in Debian's Chromium, opened from disk with every network request blocked:
// the ranked table shows the document's numbers, winners and marks; the bars and the p99
// overlay draw one series per configuration; nothing is requested or logged as an error; and
// configuration and scenario names carrying markup stay text.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserForSuite, offlinePage, type PageWatch } from '../dashboard/testing/browser.ts';
import { writeCompareFixture } from '../dashboard/testing/compare-fixture.ts';
import { COMPARE_COLUMNS } from '../dashboard/view/compare.ts';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { writeComparisonReport } from './comparison.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'reports/out/e2e');
const SHOTS = path.join(ROOT, 'reports/out/screenshots');
const SCRIPT = '</script><script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';

const skip = await needs(requirements.chromium);

async function open(w: PageWatch, file: string): Promise<void> {
  await w.page.goto(pathToFileURL(file).href);
  await w.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  expect(await w.page.getAttribute('html', 'data-ready')).toBe('true');
  for (const sel of ['[data-chart="p99-over-time"] path.recharts-line-curve', '[data-chart="rate-over-time"] path.recharts-line-curve', '[data-chart="p99-bars"] .recharts-bar-rectangle', '[data-chart="rate-bars"] .recharts-bar-rectangle']) {
    await w.page.waitForSelector(sel, { state: 'attached' });
  }
}

async function shoot(w: PageWatch, prefix: string): Promise<void> {
  await w.page.screenshot({ path: path.join(SHOTS, `${prefix}-full.png`), fullPage: true });
  for (const id of await w.page.$$eval('main > header, main > section[id]', (els) => els.map((e) => e.id || 'header'))) {
    await w.page.locator(id === 'header' ? 'main > header' : `section#${id}`).screenshot({ path: path.join(SHOTS, `${prefix}-${id}.png`) });
  }
}

describe.skipIf(skip)('comparison.html in Chromium, offline', () => {
  const browser = browserForSuite(OUT, SHOTS);

  it('draws one series per configuration, shows the document’s numbers, winners and marks, requests nothing', async () => {
    const dir = path.join(OUT, 'comparison-fixture');
    rmSync(dir, { recursive: true, force: true });
    const fx = writeCompareFixture(dir, { repeat: 3, durationS: 40 });
    const file = await writeComparisonReport(fx.file);
    const w = await offlinePage(browser(), { width: 1440, height: 1000 });
    await open(w, file);
    process.stdout.write(`[comparison.html] ${statSync(file).size} bytes\n`);
    const c = fx.comparison;
    const ran = c.configurations.filter((x) => x.status === 'ran');

    // SVG series: one line per configuration in both overlays, two bars (both definitions) per configuration
    expect(await w.page.locator('[data-chart="p99-over-time"] path.recharts-line-curve').count()).toBe(ran.length);
    expect(await w.page.locator('[data-chart="rate-over-time"] path.recharts-line-curve').count()).toBe(ran.length);
    expect(await w.page.locator('[data-chart="p99-bars"] .recharts-bar-rectangle').count()).toBe(2 * ran.length);
    expect(await w.page.locator('[data-chart="rate-bars"] .recharts-bar-rectangle').count()).toBe(ran.length);
    // with repeats, the range shows as whiskers (every configuration's p99s differ between its runs here but one)
    expect(await w.page.locator('[data-chart="p99-bars"] .recharts-errorBar').count()).toBeGreaterThanOrEqual(ran.length);
    // drawn in place, not animated (a screenshot or a print mid-transition put whiskers mid-bar)
    expect(await w.page.locator('.recharts-errorBar line[style*="transition"]').count()).toBe(0);
    // the lines' colours are the table's swatches: the same configuration, the same colour
    const strokes = await w.page.locator('[data-chart="p99-over-time"] path.recharts-line-curve').evaluateAll((els) => els.map((e) => e.getAttribute('stroke')));
    expect(new Set(strokes).size).toBe(ran.length);

    // the ranked table: the document's order, medians, ranges, winners and marks
    const rows = w.page.locator('[data-table="ranking"] tbody tr[data-row]');
    expect(await rows.count()).toBe(c.configurations.length);
    const order = [...c.ranking, ...c.configurations.filter((x) => !c.ranking.includes(x.id)).map((x) => x.id)];
    for (const [i, id] of order.entries()) {
      const cfg = c.configurations.find((x) => x.id === id)!;
      const row = rows.nth(i);
      expect(await row.locator('[data-cell="label"] .config-label').innerText()).toBe(cfg.label);
      if (cfg.status === 'skipped') {
        expect(await row.locator('[data-cell="skipped"]').innerText()).toBe(`skipped: ${cfg.skipReason}`);
        continue;
      }
      expect(await row.locator('[data-cell="rank"]').innerText()).toBe(String(cfg.rank));
      for (const col of COMPARE_COLUMNS.filter((x) => !['checksFailed', 'thresholdsFailed'].includes(x.key))) {
        const st = cfg.stats![col.key];
        const cell = row.locator(`[data-cell="${col.key}"]`);
        expect(await cell.locator('.cell-value').innerText()).toBe(st ? col.format(st.median) : '—');
        if (st && st.min !== st.max) expect(await cell.locator('[data-range]').innerText()).toBe(`${col.format(st.min)} – ${col.format(st.max)}`);
        const w0 = c.winners.find((x) => x.column === col.key);
        const isWinner = w0?.id === id;
        expect(await cell.getAttribute('class')).toBe(isWinner ? 'winner' : '');
        if (isWinner) expect(await cell.locator('[data-mark]').innerText()).toBe(w0!.real === true ? '*' : w0!.real === false ? '~' : '?');
      }
      expect(await row.locator('[data-cell="invariants"]').innerText()).toBe('held in all 3 runs');
    }
    // both latency definitions are named in the table's header
    const head = await w.page.locator('[data-table="ranking"] thead').innerText();
    expect(head).toContain('Latency from intended start (coordinated-omission corrected)');
    expect(head).toContain('Duration from actual send (k6)');
    expect(await w.page.locator('[data-testid="best"]').innerText()).toBe(`Ranked first: ${c.configurations.find((x) => x.id === c.ranking[0])!.label}`);
    expect(await w.page.locator('[data-testid="method"]').innerText()).toBe(c.method);

    await shoot(w, 'comparison');
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    expect(w.dialogs).toEqual([]);
    await w.context.close();
  });

  it('configuration and scenario names carrying markup stay text; nothing executes', async () => {
    const dir = path.join(OUT, 'comparison-hostile');
    rmSync(dir, { recursive: true, force: true });
    const hostile = `${SCRIPT}${IMG}`;
    const fx = writeCompareFixture(dir, { repeat: 2, durationS: 20, hostile });
    const file = await writeComparisonReport(fx.file);
    const w = await offlinePage(browser(), { width: 1440, height: 1000 });
    await open(w, file);
    expect(await w.page.title()).toBe(`flash-sale${hostile} — Stampede comparison`);
    expect(await w.page.locator('h1').innerText()).toContain(`flash-sale${hostile}`);
    const labels = await w.page.locator('[data-table="ranking"] [data-cell="label"] .config-label').allInnerTexts();
    expect(labels).toEqual([...fx.comparison.ranking.map((id) => fx.comparison.configurations.find((x) => x.id === id)!.label), `variant=async,cache=redis,queue=bullmq${hostile}`]);
    expect(labels[0]).toContain(SCRIPT);
    expect(await w.page.locator('[data-cell="skipped"]').innerText()).toContain(`redis-server not found on PATH${hostile}`);
    // the SVG axis labels hold the text too (shortened, the whole of it in a <title>)
    expect(await w.page.locator('[data-chart="p99-bars"] .config-tick title').first().textContent()).toContain(IMG);
    expect(await w.page.locator('img').count()).toBe(0);
    expect(await w.page.locator('main script').count()).toBe(0);
    await w.page.screenshot({ path: path.join(SHOTS, 'comparison-hostile.png'), fullPage: true });
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });
});
