// A report from a real run: `stampede run` against a real HTTP server on 127.0.0.1 (slow
// and failing on some paths), then its report.html opened in Chromium with the network
// blocked; the page's numbers must be the ones in the run's result.json. And a real
// `stampede compare` of a command target (the Node fixture server, started by Stampede, two
// amounts of work per request): each run's report draws the target's CPU, RSS and fds from
// /proc, and comparison.html shows each configuration's cost.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, offlinePage } from '../dashboard/testing/browser.ts';
import { formatCount, formatMs } from '../dashboard/view/format.ts';
import { PROJECT_ROOT, scenarioSource, scratchDir, startServer, type TestServer } from '../runner/testing/fixtures.ts';
import { runResultSchema } from '../runner/result/schema.ts';
import { comparisonSchema } from '../runner/result/comparison-schema.ts';
import { procAvailable } from '../runner/orchestrate/proc-reader.ts';
import { needs, requirements } from '../runner/testing/requirements.ts';

const skip = await needs(requirements.chromium);
const SHOTS = path.join(PROJECT_ROOT, 'reports/out/screenshots');

describe.skipIf(skip)('report of a real run', () => {
  let server: TestServer;
  let browser: Browser;
  const scratch = scratchDir('real-run-report');
  beforeAll(async () => {
    let n = 0;
    server = await startServer((req, res) => {
      n++;
      if (req.url?.startsWith('/slow')) setTimeout(() => res.end('slow'), 20);
      else if (req.url?.startsWith('/flaky') && n % 10 === 0) {
        res.statusCode = 503;
        res.end('busy');
      } else res.end('ok');
    });
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    scratch.remove();
  });

  it('shows the run’s own numbers', async () => {
    const options = {
      scenarios: { shop: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '4s', preAllocatedVUs: 10, maxVUs: 40 } },
      thresholds: { http_req_failed: ['rate<0.01'], http_req_latency: ['p(99)<1000'] },
    };
    const journey = [
      `const a = await vu.http.get(vu.env.BASE + '/slow', { name: 'GET /slow' })`,
      `vu.check(a, { 'slow is 200': (r: any) => r.status === 200 })`,
      `const b = await vu.http.get(vu.env.BASE + '/flaky', { name: 'GET /flaky' })`,
      `vu.check(b, { 'flaky is 200': (r: any) => r.status === 200 })`,
    ].join(';\n  ');
    const file = scratch.write('shop.ts', scenarioSource(options, journey));
    const out = path.join(scratch.dir, 'out');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'run', file, '--out', out, '--env', `BASE=${server.url}`, '--quiet'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
      child.on('close', resolve);
    });
    expect([0, 99]).toContain(code);
    const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
    const html = path.join(out, 'report.html');
    expect(statSync(html).size).toBeGreaterThan(100_000);

    const w = await offlinePage(browser);
    await w.page.goto(pathToFileURL(html).href);
    await w.page.waitForSelector('html[data-ready="true"]');
    await w.page.waitForSelector('[data-chart="latency"] .recharts-line-curve');
    expect(await w.page.locator('[data-chart="latency"] path.recharts-line-curve').count()).toBe(4);
    expect(await w.page.locator('[data-chart="spectrum"] path.recharts-line-curve').count()).toBe(2);
    const m = result.metrics;
    expect(await w.page.locator('[data-stat="requests"] .stat-value').innerText()).toBe(formatCount(m.http_reqs!.values.count));
    expect(m.http_reqs!.values.count).toBeGreaterThanOrEqual(700); // 4 s × 100 iterations/s × 2 requests, give or take the edges
    expect(await w.page.locator('[data-stat="latency-p99"] .stat-value').innerText()).toBe(formatMs(m.http_req_latency!.values['p(99)']));
    expect(await w.page.locator('[data-stat="duration-p99"] .stat-value').innerText()).toBe(formatMs(m.http_req_duration!.values['p(99)']));
    const names = await w.page.locator('[data-table="requests"] [data-cell="name"]').allInnerTexts();
    expect(names.sort()).toEqual(['GET /flaky', 'GET /slow']);
    const checks = await w.page.locator('[data-table="checks"] [data-cell="name"]').allInnerTexts();
    expect(checks.sort()).toEqual(['flaky is 200', 'slow is 200']);
    expect(await w.page.locator('[data-table="thresholds"] tbody tr').count()).toBe(result.thresholds.length);
    await w.page.screenshot({ path: path.join(SHOTS, 'real-run-full.png'), fullPage: true });
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it.skipIf(!procAvailable())('a command target compared: each report draws its CPU, RSS and fds; comparison.html its cost per configuration', async () => {
    const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '4s', preAllocatedVUs: 10, maxVUs: 30 } } };
    const file = scratch.write('cmd.ts', scenarioSource(options, "await vu.http.get(vu.env.BASE + '/work', { timeout: '2s' })"));
    const out = path.join(scratch.dir, 'cmd');
    const fixture = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http-fixture.mjs');
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'compare', file, '--out', out, '--cooldown', '0s', '--rank', 'cost',
        '--target-cmd', `${process.execPath} ${fixture} --port {port} --work {work}`, '--ready', '/healthz', '--matrix', 'work=4000,50'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
      child.on('close', resolve);
    });
    expect(code).toBe(0);
    const c = comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
    const heavy = c.configurations.find((x) => x.label === 'work=4000')!;
    const resultFile = path.join(out, heavy.id, 'run-1', 'result.json');
    const result = runResultSchema.parse(JSON.parse(readFileSync(resultFile, 'utf8')));
    const res = result.server!.resources!;
    expect(res.cpuSeconds).toBeGreaterThan(0.1);

    const w = await offlinePage(browser);
    await w.page.goto(pathToFileURL(path.join(path.dirname(resultFile), 'report.html')).href);
    await w.page.waitForSelector('html[data-ready="true"]');
    await w.page.waitForSelector('[data-chart="target-cpu"] path.recharts-line-curve');
    // the target's total and the generator (one process: no per-process lines)
    expect(await w.page.locator('[data-chart="target-cpu"] path.recharts-line-curve').count()).toBe(2);
    // a line with non-zero points is no flat line: its y coordinates differ
    const ys = async (chart: string) => {
      const d = (await w.page.locator(`[data-chart="${chart}"] path.recharts-line-curve`).first().getAttribute('d')) ?? '';
      return [...d.matchAll(/[ML]\s*[\d.]+[ ,]([\d.]+)/g)].map((m) => Number(m[1]));
    };
    const cpuYs = await ys('target-cpu');
    expect(cpuYs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(cpuYs.map((y) => Math.round(y))).size).toBeGreaterThan(1);
    await w.page.waitForSelector('[data-chart="target-rss"] path.recharts-line-curve');
    expect((await ys('target-rss')).length).toBeGreaterThanOrEqual(3);
    await w.page.waitForSelector('[data-chart="target-fds"] path.recharts-line-curve');
    const stat = (id: string) => w.page.locator(`[data-stat="${id}"] .stat-value`).innerText();
    const requests = result.metrics.http_reqs!.values.count!;
    // shown to 3 decimals, computed from the same figures (the last digit may round either way)
    expect(Math.abs(Number(await stat('target-cpu-per-1k')) - (res.cpuSeconds / requests) * 1000)).toBeLessThanOrEqual(0.001);
    expect(Number(await stat('target-cpu-per-1k'))).toBeGreaterThan(0);
    expect(await stat('target-peak-rss')).toBe(`${res.peakRssMb.toFixed(0)} MB`);
    expect(await w.page.locator('[data-chart="server-0"]').count()).toBe(0); // the fixture has no /metrics: no scraped charts
    await w.page.screenshot({ path: path.join(SHOTS, 'real-run-command-target.png'), fullPage: true });
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);

    await w.page.goto(pathToFileURL(path.join(out, 'comparison.html')).href);
    await w.page.waitForSelector('html[data-ready="true"]');
    expect(await w.page.locator('[data-testid="rank-by"]').innerText()).toMatch(/^Ranked by cost \(--rank cost\)/);
    const labels = await w.page.locator('[data-table="cost"] [data-cell="label"]').allInnerTexts();
    expect(labels).toEqual(c.ranking.map((id) => c.configurations.find((x) => x.id === id)!.label));
    expect(labels[0]).toBe('work=50'); // less work per request: cheaper
    const cpuCells = await w.page.locator('[data-table="cost"] [data-cell="cpu-per-1k"]').allInnerTexts();
    expect(cpuCells).toEqual(c.ranking.map((id) => c.configurations.find((x) => x.id === id)!.stats!.targetCpuSecondsPer1000Requests!.median.toFixed(3)));
    expect(Number(cpuCells[1])).toBeGreaterThan(Number(cpuCells[0]));
    expect(await w.page.locator('[data-chart="cost-cpu-bars"] .recharts-bar-rectangle').count()).toBe(2);
    expect(await w.page.locator('[data-chart="cost-rss-bars"] .recharts-bar-rectangle').count()).toBe(2);
    await w.page.screenshot({ path: path.join(SHOTS, 'comparison-command-target.png'), fullPage: true });
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  }, 120_000);
});
