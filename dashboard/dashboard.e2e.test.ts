// The live dashboard in Chromium: the runs list, a past run, a run streamed while the page
// watches (counts rise, then the final verdict shows), and a real `stampede run` of a command
// target streaming to it (the target's CPU drawn while the run goes). Requests may go only to
// the dashboard's own server.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { PROJECT_ROOT, scenarioSource } from '../runner/testing/fixtures.ts';
import { procAvailable } from '../runner/orchestrate/proc-reader.ts';
import { connectLiveProducer } from './live/producer.ts';
import { dashboardForSuite } from './testing/dashboard-suite.ts';
import { buildRunFixture } from './testing/fixture.ts';
import { summaryAfter } from './testing/live.ts';
import { formatCount } from './view/format.ts';

const skip = await needs(requirements.chromium);
const SHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../reports/out/screenshots');

describe.skipIf(skip)('stampede dashboard in Chromium', () => {
  const past = buildRunFixture({ hostile: '<img src=x onerror=alert(1)>' });
  const suite = dashboardForSuite({ 'run-a/result.json': past }, SHOTS);

  it('lists past runs and opens one with the run page', async () => {
    const w = await suite.page();
    await w.page.goto(suite.server().url);
    await w.page.waitForSelector('[data-table="runs"] tr[data-row="0"]');
    expect(await w.page.locator('[data-run-id="run-a"]').innerText()).toBe(past.meta.scenarioName);
    expect(await w.page.locator('[data-testid="connection"]').innerText()).toBe('live updates on');
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-runs.png'), fullPage: true });
    await w.page.click('[data-run-id="run-a"]');
    await w.page.waitForSelector('[data-chart="latency"] path.recharts-line-curve');
    expect(await w.page.locator('[data-stat="requests"] .stat-value').innerText()).toBe(formatCount(past.metrics.http_reqs!.values.count));
    expect(await w.page.locator('img').count()).toBe(0);
    expect(w.dialogs).toEqual([]);
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    await w.context.close();
  });

  it('shows a run live: counts rise while it goes, the final verdict when it ends', async () => {
    const run = buildRunFixture({ durationS: 20, stallAtS: 8 });
    const w = await suite.page();
    const producer = await connectLiveProducer(suite.server().ingestUrl, 'live-e2e');
    producer.start(run.meta, run.options);
    for (let s = 1; s <= 3; s++) producer.snapshot(run.timeline.slice(s - 1, s), summaryAfter(run, s));
    // the viewer arrives late: it must see the three seconds already sent
    await w.page.goto(suite.server().url + '#/live/live-e2e');
    await w.page.waitForSelector('[data-testid="live-status"]');
    const requests = async () => Number((await w.page.locator('[data-stat="requests"] .stat-value').innerText()).replace(/,/g, ''));
    await expect.poll(requests).toBe(summaryAfter(run, 3).metrics.http_reqs!.values.count);
    const seen: number[] = [await requests()];
    for (let s = 4; s <= run.timeline.length; s++) {
      producer.snapshot(run.timeline.slice(s - 1, s), summaryAfter(run, s));
      await new Promise((r) => setTimeout(r, 60));
      if (s % 5 === 0) {
        await expect.poll(requests).toBe(summaryAfter(run, s).metrics.http_reqs!.values.count);
        seen.push(await requests());
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(await w.page.locator('[data-testid="live-status"]').innerText()).toMatch(/^live · \d+ s$/);
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-live.png'), fullPage: false });
    await producer.end(run);
    await expect.poll(() => w.page.locator('[data-testid="live-status"]').innerText()).toBe('finished');
    const failed = run.thresholds.filter((t) => !t.ok).length;
    expect(failed).toBeGreaterThan(0);
    expect(await w.page.locator('[data-testid="verdict"]').innerText()).toBe(`failed: ${failed} of ${run.thresholds.length} thresholds not met`);
    expect(await requests()).toBe(run.metrics.http_reqs!.values.count);
    await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-live-ended.png'), fullPage: false });
    producer.close();
    expect(w.blockedRequests).toEqual([]);
    expect(w.consoleErrors).toEqual([]);
    expect(w.pageErrors).toEqual([]);
    await w.context.close();
  });

  it.skipIf(!procAvailable())('a real run of a command target streams its CPU and memory while it goes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stampede-live-cmd-'));
    const file = path.join(dir, 'live-cmd.ts');
    writeFileSync(file, scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 30, timeUnit: '1s', duration: '12s', preAllocatedVUs: 10, maxVUs: 20 } } }, "await vu.http.get(vu.env.BASE + '/work')"));
    const fixture = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http-fixture.mjs');
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'run', file, '--out', path.join(dir, 'out'), '--quiet', '--no-history', '--dashboard', suite.server().url,
      '--target-cmd', `${process.execPath} ${fixture} --port {port} --work {work}`, '--knob', 'work=3000', '--ready', '/healthz'], { cwd: PROJECT_ROOT, stdio: 'ignore' });
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    const w = await suite.page();
    try {
      await w.page.goto(suite.server().url);
      await w.page.waitForSelector('[data-live-run]', { timeout: 30_000 });
      await w.page.click('[data-live-run]');
      await w.page.waitForSelector('[data-chart="target-cpu"] path.recharts-line-curve', { timeout: 20_000 });
      // while it runs: the target's total and the generator, and the total is no flat line
      expect(await w.page.locator('[data-testid="live-status"]').innerText()).toMatch(/^live · \d+ s$/);
      expect(await w.page.locator('[data-chart="target-cpu"] path.recharts-line-curve').count()).toBe(2);
      const ys = async () => {
        const d = (await w.page.locator('[data-chart="target-cpu"] path.recharts-line-curve').first().getAttribute('d')) ?? '';
        return [...d.matchAll(/[ML]\s*[\d.]+[ ,]([\d.]+)/g)].map((m) => Math.round(Number(m[1])));
      };
      await expect.poll(async () => new Set(await ys()).size, { timeout: 10_000 }).toBeGreaterThan(1);
      expect(Number(await w.page.locator('[data-stat="target-cpu-per-1k"] .stat-value').innerText())).toBeGreaterThan(0);
      await w.page.waitForSelector('[data-chart="target-rss"] path.recharts-line-curve');
      await w.page.screenshot({ path: path.join(SHOTS, 'dashboard-live-command-target.png'), fullPage: true });
      expect(await done).toBe(0);
      expect(w.blockedRequests).toEqual([]);
      expect(w.consoleErrors).toEqual([]);
      expect(w.pageErrors).toEqual([]);
    } finally {
      child.kill('SIGINT');
      await done;
      await w.context.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

