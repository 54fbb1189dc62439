// The compare page's naming and links: configurations named by the knobs that differ, each run
// linked to its report (relative in comparison.html, the run page on the dashboard, never a
// scheme), and which threshold failed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonReportFrom } from '../../reports/comparison.ts';
import type { ComparisonReport } from '../model/compare.ts';
import { writeCompareFixture, type CompareFixture } from '../testing/compare-fixture.ts';
import { buildCompareView, dashboardRunHref, differingLabels, relativeHref, reportFileHref } from './compare.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-compare-links-'));
let fx: CompareFixture;
let report: ComparisonReport;
beforeAll(async () => {
  fx = writeCompareFixture(dir);
  report = await comparisonReportFrom(fx.comparison, dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('configuration names', () => {
  it('only the knobs that differ; all alike → the label as given', () => {
    const base = { workers: '1', pool: '10', queue: 'inline', payment: '50', replica: 'false', shards: '1' };
    const configs = [
      { label: 'long-a', given: { ...base, variant: 'sync', cache: 'none' } },
      { label: 'long-b', given: { ...base, variant: 'async', cache: 'none' } },
      { label: 'long-c', given: { ...base, variant: 'async', cache: 'redis', pool: '50' } },
    ];
    expect(differingLabels(configs)).toEqual(['pool=10,variant=sync,cache=none', 'pool=10,variant=async,cache=none', 'pool=50,variant=async,cache=redis']);
    expect(differingLabels([{ label: 'x', given: base }, { label: 'y', given: base }])).toEqual(['x', 'y']);
  });
});

describe('links and failed thresholds', () => {
  it('comparison.html links every run to its report.html by its relative path', () => {
    const v = buildCompareView(report, reportFileHref);
    for (const row of v.rows.filter((r) => !r.skipped)) {
      const cfg = fx.comparison.configurations.find((c) => c.id === row.id)!;
      expect(row.links.map((l) => l.repeat)).toEqual(cfg.runs.filter((r) => r.reportFile).map((r) => r.repeat));
      for (const l of row.links) expect(l.href).toBe(cfg.runs.find((r) => r.repeat === l.repeat)!.reportFile!.split('/').map(encodeURIComponent).join('/'));
    }
  });

  it('the dashboard links the run page by the run id under reports/out/', () => {
    expect(dashboardRunHref('2026-05-20-cmp')({ resultFile: 'variant-sync/run-2/result.json', reportFile: null })).toBe(`#/run/${encodeURIComponent('2026-05-20-cmp/variant-sync/run-2')}`);
    expect(dashboardRunHref('')({ resultFile: 'abc/run/result.json', reportFile: null })).toBe(`#/run/${encodeURIComponent('abc/run')}`);
  });

  it('never a scheme or an absolute path', () => {
    expect(relativeHref('javascript:alert(1)')).toBeNull();
    expect(relativeHref('/etc/passwd')).toBeNull();
    expect(relativeHref('a b/run-1/report.html')).toBe('a%20b/run-1/report.html');
  });

  it('says which thresholds failed, per configuration and per run', () => {
    const failing = structuredClone(report);
    const cfg = failing.comparison.configurations.find((c) => c.status === 'ran')!;
    for (const r of cfg.runs) if (r.summary) r.summary = { ...r.summary, thresholdsFailed: 1, failedThresholds: ['http_req_latency{scenario:buyers}: p(99)<2000'] };
    const row = buildCompareView(failing, reportFileHref).rows.find((r) => r.id === cfg.id)!;
    expect(row.thresholds.failed).toEqual(['http_req_latency{scenario:buyers}: p(99)<2000']);
    expect(row.links.every((l) => l.failed[0] === 'http_req_latency{scenario:buyers}: p(99)<2000')).toBe(true);
  });
});

describe('the terminal table', () => {
  it('names the failed thresholds per configuration', async () => {
    const { formatComparisonTable } = await import('../../runner/compare/table.ts');
    const { settingsReport } = await import('../testing/settings-fixture.ts');
    const text = formatComparisonTable(settingsReport().comparison);
    expect(text).toContain('  thresholds failed:');
    expect(text).toContain('  pool=5,cache=none: ✗ http_req_latency: p(99)<60');
    expect(text).not.toContain('pool=50,cache=redis: ✗');
  });
});
