// report.html in a real browser (Debian's Chromium), opened from disk with every network
// request blocked: the charts draw, the numbers equal the result's, nothing is requested,
// nothing logs an error, and hostile strings from a run stay text.
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserForSuite, offlinePage, type PageWatch } from '../dashboard/testing/browser.ts';
import { buildRunFixture } from '../dashboard/testing/fixture.ts';
import { formatCount, formatMs } from '../dashboard/view/format.ts';
import { needs, requirements } from '../runner/testing/requirements.ts';
import type { RunResult } from '../runner/result/schema.ts';
import { writeRunReport } from './build.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT = path.join(ROOT, 'reports/out/e2e');
const SHOTS = path.join(ROOT, 'reports/out/screenshots');
const SCRIPT = '</script><script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(1)>';

const skip = await needs(requirements.chromium);

/** Opens a report and waits until every section is drawn; returns the page's own timings (ms since navigation). */
async function open(w: PageWatch, file: string): Promise<{ firstChart: number; allCharts: number }> {
  await w.page.goto(pathToFileURL(file).href);
  await w.page.waitForSelector('html[data-ready]', { timeout: 30_000 });
  expect(await w.page.getAttribute('html', 'data-ready')).toBe('true');
  await w.page.waitForSelector('[data-chart="latency"] .recharts-line-curve');
  const marks = await w.page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime)])));
  return { firstChart: marks['stampede:first-chart'] ?? Number.NaN, allCharts: marks['stampede:all-charts'] ?? Number.NaN };
}

async function shoot(w: PageWatch, prefix: string): Promise<string[]> {
  const files: string[] = [];
  const full = path.join(SHOTS, `${prefix}-full.png`);
  await w.page.screenshot({ path: full, fullPage: true });
  files.push(full);
  for (const id of await w.page.$$eval('main > header, main > section[id]', (els) => els.map((e) => e.id || 'header'))) {
    const f = path.join(SHOTS, `${prefix}-${id}.png`);
    await w.page.locator(id === 'header' ? 'main > header' : `section#${id}`).screenshot({ path: f });
    files.push(f);
  }
  return files;
}

const text = (w: PageWatch, sel: string) => w.page.locator(sel).first().innerText();
const num = (s: string) => Number(s.replace(/[^0-9.]/g, ''));

describe.skipIf(skip)('report.html in Chromium, offline', () => {
  const browser = browserForSuite(OUT, SHOTS);

  it('draws every chart, shows the result’s numbers, requests nothing, logs no error', async () => {
    const result = buildRunFixture();
    const file = path.join(OUT, 'fixture', 'report.html');
    await writeRunReport(result, file);
    const w = await offlinePage(browser());
    const ms = await open(w, file);
    process.stdout.write(`[report] 60 s fixture: ${statSync(file).size} bytes, first chart ${ms.firstChart} ms, all charts ${ms.allCharts} ms after navigation\n`);

    const curves = async (chart: string) => w.page.locator(`[data-chart="${chart}"] path.recharts-line-curve`).count();
    expect(await curves('latency')).toBe(4); // p50 p90 p99 p99.9
    expect(await curves('duration')).toBe(4);
    expect(await curves('rate')).toBe(3); // offered, started, completed
    expect(await curves('vus')).toBe(2);
    expect(await curves('spectrum')).toBe(2); // both definitions
    expect(await curves('generator-lag')).toBe(1);
    expect(await w.page.locator('[data-chart^="server-"] path.recharts-line-curve').count()).toBe(Object.keys(result.server!.series).length);
    expect(await w.page.locator('[data-chart="errors-by-kind"] .recharts-bar-rectangle').count()).toBeGreaterThan(10);
    expect(await w.page.locator('[data-chart="dropped"] .recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(4);
    // both latency definitions are named on the page
    expect(await text(w, '[data-chart="latency"] figcaption')).toContain('Latency from intended start (coordinated-omission corrected)');
    expect(await text(w, '[data-chart="duration"] figcaption')).toContain('Duration from actual send (k6)');
    // the line paths are real lines (many points), not empty
    const d = await w.page.locator('[data-chart="latency"] path.recharts-line-curve').first().getAttribute('d');
    expect((d ?? '').split(/[ML]/).length).toBeGreaterThan(50);

    // headline numbers
    const m = result.metrics;
    expect(await text(w, '[data-stat="requests"] .stat-value')).toBe(formatCount(m.http_reqs!.values.count));
    expect(num(await text(w, '[data-stat="requests"] .stat-value'))).toBe(m.http_reqs!.values.count);
    expect(await text(w, '[data-stat="latency-p99"] .stat-value')).toBe(formatMs(m.http_req_latency!.values['p(99)']));
    expect(num(await text(w, '[data-stat="latency-p99"] .stat-value'))).toBeCloseTo(m.http_req_latency!.values['p(99)']!, 0);
    expect(num(await text(w, '[data-stat="duration-p99"] .stat-value'))).toBeCloseTo(m.http_req_duration!.values['p(99)']!, 0);
    expect(num(await text(w, '[data-stat="dropped"] .stat-value'))).toBe(m.dropped_iterations!.values.count);
    expect(await text(w, '[data-testid="verdict"]')).toBe('failed: 1 of 4 thresholds not met');
    expect(await text(w, '[data-testid="generator-banner"]')).toContain(result.generator.reasons[0]!);

    // the per-name table equals the tagged entries
    for (const [i, name] of ['GET /products/:id', 'POST /cart', 'POST /checkout'].entries()) {
      const row = w.page.locator(`[data-table="requests"] tr[data-row="${i}"]`);
      const tagged = (metric: string) => result.tagged.find((t) => t.metric === metric && t.tags.name === name)!.values;
      expect(await row.locator('[data-cell="name"]').innerText()).toBe(name);
      expect(num(await row.locator('[data-cell="requests"]').innerText())).toBe(tagged('http_reqs').count);
      expect(num(await row.locator('[data-cell="failed"]').innerText())).toBe(tagged('http_req_failed').passes);
      expect(await row.locator('[data-cell="latency-p99"]').innerText()).toBe(formatMs(tagged('http_req_latency')['p(99)']));
      expect(await row.locator('[data-cell="duration-p50"]').innerText()).toBe(formatMs(tagged('http_req_duration')['p(50)']));
    }
    // thresholds and checks with verdicts
    const t0 = w.page.locator('[data-table="thresholds"] tr[data-row="0"]');
    expect(await t0.locator('.verdict').innerText()).toBe('FAIL');
    expect(await t0.locator('[data-cell="observed"]').innerText()).toBe(formatMs(result.thresholds[0]!.observed));
    const c0 = w.page.locator('[data-table="checks"] tr[data-row="0"]');
    expect(num(await c0.locator('[data-cell="passes"]').innerText())).toBe(result.checks[0]!.passes);
    expect(num(await c0.locator('[data-cell="fails"]').innerText())).toBe(result.checks[0]!.fails);

    const shots = await shoot(w, 'run');
    expect(shots.length).toBeGreaterThanOrEqual(9);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it('shows script and HTML payloads from the run as text and runs none of them', async () => {
    const hostile = `${SCRIPT}${IMG}`;
    const result = buildRunFixture({ hostile });
    // a started target whose process name and CPU affinity (from /proc) carry markup
    result.server!.series.target_cpu_percent = [[1, 30], [2, 42], [3, 35]];
    result.server!.series.target_rss_mb = [[1, 40], [2, 48], [3, 50]];
    result.server!.resources = {
      source: 'proc', rootPids: [10], seconds: 60, cpuSeconds: 3, peakRssMb: 50, peakThreads: 7, peakFds: 20, peakProcesses: 2,
      processes: [
        { pid: 10, comm: `gunicorn${hostile}`, cpuSeconds: 2, peakRssMb: 30, cpuPercent: [[1, 20], [2, 30], [3, 25]] },
        { pid: 11, comm: 'worker', cpuSeconds: 1, peakRssMb: 20, cpuPercent: [[1, 10], [2, 12], [3, 10]] },
      ],
      machine: { cpus: 2, busyCoreSeconds: 50, generatorCpuSeconds: 5, generatorShare: 0.04, targetShare: 0.025, otherShare: 0.35, generatorCpus: `0-1${hostile}`, targetCpus: '0-1', sharedCores: true },
    };
    const file = path.join(OUT, 'hostile', 'report.html');
    await writeRunReport(result, file);
    const w = await offlinePage(browser());
    await open(w, file);
    await w.page.waitForTimeout(300); // give any injected handler time to fire
    expect(w.dialogs).toEqual([]);
    expect(await w.page.locator('img').count()).toBe(0);
    expect(await w.page.evaluate(() => document.querySelectorAll('script').length)).toBe(2);
    // the strings show literally where the run put them
    expect(await w.page.locator('h1').textContent()).toBe(`run flash-sale${hostile}`);
    expect(await w.page.locator('[data-table="requests"] [data-cell="name"]').first().innerText()).toBe(`GET /products/:id${hostile}`);
    expect(await w.page.locator('[data-table="checks"] [data-cell="name"]').first().innerText()).toBe(`status is 2xx${hostile}`);
    expect(await text(w, '[data-chart="errors-by-kind"] .recharts-legend-wrapper')).toContain(`timeout${hostile}`);
    expect(await text(w, '[data-testid="warnings"]')).toContain(hostile);
    expect(await text(w, '#server .explain')).toContain(`/metrics${hostile}`);
    expect(await text(w, '[data-chart="target-cpu"] .recharts-legend-wrapper')).toContain(`gunicorn${hostile} (pid 10)`);
    expect(await text(w, '[data-testid="shared-cores"]')).toContain(`generator 0-1${hostile}`);
    expect(await text(w, '[data-table="thresholds"] tr[data-row="3"] [data-cell="key"]')).toBe(`http_req_duration{name:GET /products/:id${hostile}}`);
    expect(await w.page.title()).toBe(`flash-sale${hostile} — Stampede run report`);
    await shoot(w, 'hostile');
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it('a one-hour run stays under 3 MB and draws its first chart quickly', async () => {
    const result: RunResult = buildRunFixture({ durationS: 3600, stallAtS: 1800, serverSeries: 6 });
    const file = path.join(OUT, 'one-hour', 'report.html');
    await writeRunReport(result, file);
    const size = statSync(file).size;
    const w = await offlinePage(browser());
    const ms = await open(w, file);
    process.stdout.write(`[report] 3600 s fixture: ${size} bytes (result.json ${JSON.stringify(result).length} bytes), first chart ${ms.firstChart} ms, all charts ${ms.allCharts} ms after navigation\n`);
    expect(size).toBeLessThan(3_000_000);
    // generous for 2 shared cores; about 0.7–1.3 s when the machine is quiet
    expect(ms.firstChart).toBeLessThan(4000);
    expect(ms.firstChart).toBeLessThan(ms.allCharts);
    // 3600 s bucketed to 600 points per line
    const d = await w.page.locator('[data-chart="latency"] path.recharts-line-curve').first().getAttribute('d');
    expect((d ?? '').split(/[ML]/).length - 1).toBeLessThanOrEqual(601);
    expect(await text(w, '[data-chart="latency"] .chart-note')).toContain('max of each 6 s');
    await shoot(w, 'one-hour');
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await w.context.close();
  });
});
