// The dashboard's statuses and hints in Chromium: an interrupted run is listed and shown as
// "interrupted" (its thresholds passed so far — never "passed"); the empty state's command names
// this dashboard and a scenario that exists; a saved comparison links each run to its run page.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { needs, requirements } from '../runner/testing/requirements.ts';
import { dashboardForSuite } from './testing/dashboard-suite.ts';
import { buildRunFixture } from './testing/fixture.ts';
import { settingsReport } from './testing/settings-fixture.ts';

const skip = await needs(requirements.chromium);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe.skipIf(skip)('dashboard statuses', () => {
  const base = buildRunFixture();
  const interrupted = { ...base, partial: true, stopReason: 'interrupted (Ctrl-C)', thresholds: base.thresholds.map((t) => ({ ...t, ok: true })) };
  const passed = { ...base, thresholds: base.thresholds.map((t) => ({ ...t, ok: true })), meta: { ...base.meta, startTime: '2020-01-01T00:00:00.000Z' } };
  const cmp = settingsReport({ repeat: 1 }).comparison;
  const first = cmp.configurations[0]!;
  const suite = dashboardForSuite({
    'run-int/result.json': interrupted,
    'run-ok/result.json': passed,
    'cmp/comparison.json': cmp,
    [`cmp/${first.runs[0]!.resultFile}`]: passed,
  });

  it('an interrupted run is "interrupted" in the list and on its page; the empty state gives a working command', async () => {
    const w = await suite.page();
    await w.page.goto(suite.server().url);
    await w.page.waitForSelector('[data-table="runs"] tr[data-row="1"]');
    const verdictOf = async (id: string) => w.page.locator(`tr:has([data-run-id="${id}"]) [data-cell="verdict"]`).innerText();
    expect(await verdictOf('run-int')).toBe('interrupted');
    expect(await verdictOf('run-ok')).toBe('passed');
    const cmd = await w.page.locator('[data-testid="start-command"]').innerText();
    expect(cmd).toBe(`npx stampede run scenarios/smoke.ts --target-config variant=async --dashboard ${suite.server().url.replace(/\/$/, '')}`);
    expect(existsSync(path.join(ROOT, 'scenarios/smoke.ts'))).toBe(true);
    await w.page.click('[data-run-id="run-int"]');
    await w.page.waitForSelector('[data-testid="verdict"]');
    expect(await w.page.locator('[data-testid="verdict"]').getAttribute('data-state')).toBe('interrupted');
    expect(await w.page.locator('[data-testid="verdict"]').innerText()).toBe('interrupted: thresholds met so far, not a pass');
    expect(w.consoleErrors).toEqual([]);
    await w.context.close();
  });

  it('a saved comparison links its runs to their run pages', async () => {
    const w = await suite.page();
    await w.page.goto(`${suite.server().url.replace(/\/$/, '')}/#/comparison/cmp`);
    await w.page.waitForSelector('[data-table="ranking"] a[data-run-link]');
    expect(await w.page.locator('[data-table="ranking"] a[data-run-link]').count()).toBe(cmp.configurations.length);
    // the one configuration whose run's result.json is in the folder
    const link = w.page.locator(`[data-table="ranking"] a[data-run-link][href*="${first.id}"]`);
    await link.click();
    await w.page.waitForSelector('[data-stat="requests"]');
    expect(decodeURIComponent(new URL(w.page.url()).hash)).toBe(`#/run/cmp/${first.id}/run-1`);
    await w.page.waitForSelector('[data-chart="latency"] path.recharts-line-curve');
    expect(w.consoleErrors).toEqual([]);
    await w.context.close();
  });
});
