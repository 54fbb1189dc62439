// capacity.html in a real browser (Debian's Chromium), opened from disk with every network
// request blocked: the charts draw (SVG series counted), the numbers shown equal the
// document's, nothing is requested, nothing logs an error, and hostile strings stay text.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserForSuite, offlinePage, type PageWatch } from '../dashboard/testing/browser.ts';
import { capacityFull, capacitySweep, capacitySync } from '../dashboard/testing/capacity-fixture.ts';
import { formatMs, formatRate } from '../dashboard/view/format.ts';
import { fmt } from '../runner/capacity/usl-format.ts';
import { formatIterations } from '../dashboard/view/capacity.ts';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { writeCapacityReport } from './build.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'reports/out/e2e');
const SHOTS = path.join(ROOT, 'reports/out/screenshots');
const HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(1)>';

const skip = await needs(requirements.chromium);

async function open(w: PageWatch, file: string): Promise<void> {
  await w.page.goto(pathToFileURL(file).href);
  await w.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  expect(await w.page.getAttribute('html', 'data-ready')).toBe('true');
}

async function shoot(w: PageWatch, prefix: string): Promise<string[]> {
  const files = [path.join(SHOTS, `${prefix}-full.png`)];
  await w.page.screenshot({ path: files[0]!, fullPage: true });
  for (const id of await w.page.$$eval('main > header, main > section[id]', (els) => els.map((e) => e.id || 'header'))) {
    const f = path.join(SHOTS, `${prefix}-${id}.png`);
    await w.page.locator(id === 'header' ? 'main > header' : `section#${id}`).screenshot({ path: f });
    files.push(f);
  }
  return files;
}

const count = (w: PageWatch, sel: string) => w.page.locator(sel).count();
const text = (w: PageWatch, sel: string) => w.page.locator(sel).first().innerText();

describe.skipIf(skip)('capacity.html in Chromium, offline', () => {
  const browser = browserForSuite(OUT, SHOTS);

  it('draws the curve, the HPA simulation and the USL fit, with the document’s numbers', async () => {
    const doc = capacityFull();
    const file = path.join(OUT, 'capacity', 'capacity.html');
    await writeCapacityReport(doc, file);
    const w = await offlinePage(browser());
    await open(w, file);

    // latency vs throughput: 3 percentiles × 2 definitions, one dot per probe with a latency, the SLO and the answer
    expect(await count(w, '[data-chart="latency-throughput"] path.recharts-line-curve')).toBe(6);
    expect(await count(w, '[data-chart="latency-throughput"] .recharts-scatter-symbol')).toBe(doc.probes.length);
    const d = await w.page.locator('[data-chart="latency-throughput"] path.recharts-line-curve').first().getAttribute('d');
    expect((d ?? '').split(/[ML]/).length - 1).toBe(new Set(doc.probes.filter((p) => p.verdict !== 'generator-limited').map((p) => p.rate)).size);
    expect(await count(w, '[data-chart="latency-throughput"] .recharts-reference-line')).toBe(2);
    const refs = await w.page.locator('[data-chart="latency-throughput"] .recharts-label').allTextContents();
    expect(refs).toContain('SLO p99 < 200 ms');
    expect(refs).toContain(`MST ${formatRate(doc.answer!.mst, ' it/s')}`);
    expect(await count(w, '[data-chart="latency-throughput"] .recharts-reference-area')).toBe(1);
    expect(await text(w, '[data-chart="latency-throughput"] figcaption')).toContain('http_req_latency');
    expect(await text(w, '[data-testid="curve-legend"]')).toContain('latency (from intended start)');
    expect(await text(w, '[data-testid="curve-legend"]')).toContain('duration (from send)');
    // HPA: offered + capacity, replicas + ready, queueing delay
    expect(await count(w, '[data-chart="hpa-load"] path.recharts-line-curve')).toBe(2);
    expect(await count(w, '[data-chart="hpa-pods"] path.recharts-line-curve')).toBe(2);
    expect(await count(w, '[data-chart="hpa-delay"] path.recharts-line-curve')).toBe(1);
    // USL: the fitted curve and one dot per measured point
    expect(await count(w, '[data-chart="usl"] path.recharts-line-curve')).toBe(1);
    expect(await count(w, '[data-chart="usl"] .recharts-scatter-symbol')).toBe(doc.sweep!.points.length);

    // the numbers
    const a = doc.answer!;
    expect(await text(w, '[data-stat="mst"] .stat-value')).toBe(formatIterations(a.mst));
    expect(await text(w, '[data-stat="precision"] .stat-value')).toBe(`±${(a.precision! * 100).toFixed(1)} %`);
    expect(await text(w, '[data-stat="probes"] .stat-value')).toBe(String(a.probes));
    expect(await text(w, '[data-testid="answer-status"]')).toBe(a.status);
    expect(await text(w, '[data-testid="answer-headline"]')).toBe(`MST ≥ ${formatIterations(a.mst)}`);
    expect(await text(w, '[data-testid="answer-message"]')).toBe(a.message);
    expect(await text(w, '[data-cell="precision"]')).toBe('±10.0 % (asked ±5.0 %)');
    const rows = w.page.locator('[data-table="probes"] tr[data-row]');
    expect(await rows.count()).toBe(doc.probes.length);
    for (const [i, p] of doc.probes.entries()) {
      const row = w.page.locator(`[data-table="probes"] tr[data-row="${i}"]`);
      expect(await row.locator('[data-cell="index"]').innerText()).toBe(String(p.index));
      expect(await row.locator('[data-cell="rate"]').innerText()).toBe(formatRate(p.rate));
      expect(await row.locator('[data-verdict]').getAttribute('data-verdict')).toBe(p.verdict);
      expect(await row.locator('[data-cell="latency-p99"]').innerText()).toBe(formatMs(p.latency!.p99));
      expect(await row.locator('[data-cell="duration-p99"]').innerText()).toBe(formatMs(p.duration!.p99));
      expect(await row.locator('[data-cell="dropped"]').innerText()).toBe(String(p.dropped));
    }
    // the three verdicts look different
    const style = (v: string) => w.page.locator(`[data-verdict="${v}"]`).first().evaluate((el) => `${getComputedStyle(el).color}|${getComputedStyle(el).backgroundColor}|${getComputedStyle(el).borderStyle}`);
    expect(new Set([await style('pass'), await style('fail'), await style('generator-limited')]).size).toBe(3);
    expect(await text(w, '[data-verdict="generator-limited"]')).toBe('generator-limited');
    // the peak
    expect(await text(w, '[data-cell="instances"]')).toBe(String(doc.peak!.instances));
    expect(await text(w, '[data-cell="formula"]')).toBe(doc.peak!.instancesFormula);
    expect(await text(w, '[data-testid="pre-scale"]')).toContain(`${doc.peak!.hpa!.summary.preScale.replicas} replicas before the peak`);
    expect(await text(w, '[data-testid="hpa-verdict"]')).toContain(doc.peak!.hpa!.summary.verdict);
    // the USL parameters
    const u = doc.sweep!.usl!;
    expect(await text(w, '[data-usl="alpha"] .stat-value')).toBe(fmt(u.alpha));
    expect(await text(w, '[data-usl="beta"] .stat-value')).toBe(fmt(u.beta));
    expect(await text(w, '[data-usl="gamma"] .stat-value')).toBe(`${fmt(u.gamma)}/s`);
    expect(await text(w, '[data-usl="peak-n"] .stat-value')).toBe(fmt(u.peakConcurrency!));
    expect(await text(w, '[data-usl="r2"] .stat-value')).toBe(fmt(u.r2));
    expect(await text(w, '[data-table="sweep"] tr[data-row="3"] [data-cell="throughput"]')).toBe(formatRate(doc.sweep!.points[3]!.throughput));

    expect(await w.page.title()).toBe(`${doc.meta.scenarioName} — Stampede capacity report`);
    await shoot(w, 'capacity');
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it('a converged search (sync variant) and a sweep-only study render too', async () => {
    for (const [name, doc] of [['capacity-sync', capacitySync()], ['capacity-sweep-only', capacitySweep()]] as const) {
      const file = path.join(OUT, name, 'capacity.html');
      await writeCapacityReport(doc, file);
      const w = await offlinePage(browser());
      await open(w, file);
      if (doc.answer) {
        expect(await text(w, '[data-testid="answer-headline"]')).toBe(`MST ≈ ${formatIterations(doc.answer.mst)}`);
        expect(await count(w, '[data-chart="latency-throughput"] path.recharts-line-curve')).toBe(6);
      } else {
        expect(await text(w, '#answer .explain')).toContain('no --slo was given');
        expect(await count(w, '[data-chart="latency-throughput"]')).toBe(0);
        expect(await count(w, '[data-chart="usl"] .recharts-scatter-symbol')).toBe(doc.sweep!.points.length);
      }
      await shoot(w, name);
      expect(w.blockedRequests).toEqual([]);
      expect(w.consoleErrors).toEqual([]);
      expect(w.pageErrors).toEqual([]);
      await w.context.close();
    }
  });

  it('shows script and HTML payloads from the document as text and runs none of them', async () => {
    const doc = capacityFull({ hostile: HOSTILE });
    const file = path.join(OUT, 'capacity-hostile', 'capacity.html');
    await writeCapacityReport(doc, file);
    const w = await offlinePage(browser());
    await open(w, file);
    await w.page.waitForTimeout(300); // give any injected handler time to fire
    expect(w.dialogs).toEqual([]);
    expect(await count(w, 'img')).toBe(0);
    expect(await w.page.evaluate(() => document.querySelectorAll('script').length)).toBe(2);
    expect(await w.page.locator('h1').textContent()).toBe(`capacity product-read${HOSTILE}`);
    expect(await w.page.title()).toBe(`product-read${HOSTILE} — Stampede capacity report`);
    expect(await text(w, '[data-testid="answer-message"]')).toBe(doc.answer!.message);
    expect(await text(w, '[data-table="probes"] [data-cell="reasons"]')).toContain(`generator event-loop lag p99 61.9 ms > 10 ms${HOSTILE}`);
    expect(await text(w, '[data-testid="warnings"]')).toContain(`warning${HOSTILE}`);
    expect(await text(w, '[data-testid="hpa-verdict"]')).toContain(HOSTILE);
    expect(await text(w, '[data-testid="usl-notes"]')).toContain(`note${HOSTILE}`);
    expect(await text(w, 'main > header .facts')).toContain(`v${HOSTILE}`);
    await shoot(w, 'capacity-hostile');
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });
});
