// The compare view model from a realistic comparison on disk (4 configurations × 3 runs of the
// simulated flash sale, one configuration skipped) and from runs picked on the dashboard.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonReportFrom } from '../../reports/comparison.ts';
import type { RunResult } from '../../runner/result/schema.ts';
import { representativeRun, timelineOf, type ComparisonReport } from '../model/compare.ts';
import { compareRuns } from '../model/compare-runs.ts';
import { writeCompareFixture, type CompareFixture } from '../testing/compare-fixture.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { buildCompareView, COMPARE_COLUMNS } from './compare.ts';
import { formatMs, formatPercent } from './format.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-compare-view-'));
let fx: CompareFixture;
let report: ComparisonReport;
beforeAll(async () => {
  fx = writeCompareFixture(dir);
  report = await comparisonReportFrom(fx.comparison, dir);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compare view from comparison.json', () => {
  it('rows in the document’s ranking, skipped ones last with their reason', () => {
    const v = buildCompareView(report);
    expect(v.rows.map((r) => r.id)).toEqual([...fx.comparison.ranking, 'variant-async_cache-redis_queue-bullmq']);
    expect(v.rows[0]!.label).toBe('variant=async,cache=redis');
    expect(v.rows[0]!.rank).toBe(1);
    expect(v.rows.at(-1)!.skipped).toBe('the target did not become ready: redis-server not found on PATH');
    expect(v.rows.at(-1)!.cells.latencyP99.text).toBe('—');
    expect(v.stats.find((s) => s.id === 'configurations')!.value).toBe('4 of 5');
    expect(v.stats.find((s) => s.id === 'runs')!.value).toBe('12');
  });

  it('cells are the document’s medians and ranges, formatted as everywhere else', () => {
    const v = buildCompareView(report);
    for (const row of v.rows.filter((r) => !r.skipped)) {
      const stats = fx.comparison.configurations.find((c) => c.id === row.id)!.stats!;
      const p99 = stats.latencyP99!;
      expect(row.cells.latencyP99.median).toBe(p99.median);
      expect(row.cells.latencyP99.text).toBe(formatMs(p99.median));
      expect(row.cells.latencyP99.range).toBe(p99.min === p99.max ? null : `${formatMs(p99.min)} – ${formatMs(p99.max)}`);
      expect(row.cells.errorRate.text).toBe(formatPercent(stats.errorRate!.median));
      expect(row.cells.durationP50.median).toBe(stats.durationP50!.median);
    }
    // the simulated sync/no-cache shop stalls 6 s at the peak: its p99 from the intended start is the 3 s timeout
    const worst = v.rows.find((r) => r.id === 'variant-sync_cache-none')!;
    expect(worst.cells.latencyP99.median).toBeGreaterThanOrEqual(3000); // HDR: 3 significant digits
    expect(worst.cells.latencyP99.median).toBeLessThan(3004);
    expect(worst.cells.latencyP99.text).toBe('3,000 ms');
    expect(worst.cells.sold.text).toBe('273');
    expect(worst.cells.sold.range).toBe('270 – 276');
    const best = v.rows[0]!;
    expect(best.cells.latencyP99.median).toBeLessThan(200);
    expect(best.invariants).toEqual({ text: 'held in all 3 runs', ok: true });
    expect(best.runs).toBe('3 of 3');
  });

  it('winners and significance marks are the document’s', () => {
    const v = buildCompareView(report);
    for (const w of fx.comparison.winners) {
      const marked = v.rows.filter((r) => r.cells[w.column].winner);
      if (w.id === null) expect(marked).toEqual([]);
      else {
        expect(marked.map((r) => r.id)).toEqual([w.id]);
        expect(marked[0]!.cells[w.column].mark).toBe(w.real === true ? '*' : w.real === false ? '~' : '?');
      }
    }
    // async+redis wins p99 latency beyond the spread: its worst run beat the runner-up's best
    expect(v.rows[0]!.cells.latencyP99.mark).toBe('*');
    const line = v.winners.find((w) => w.column === 'p99 latency (from intended start)')!;
    expect(line).toMatchObject({ winner: 'variant=async,cache=redis', mark: '*' });
    // oversold is 0 everywhere: a tie, no winner
    expect(v.winners.find((w) => w.column === 'oversold')!.winner).toBeNull();
    // sold is shown, not ranked
    expect(v.winners.some((w) => w.column === 'sold')).toBe(false);
  });

  it('bars hold the medians with the range as error bars, in rank order', () => {
    const v = buildCompareView(report);
    expect(v.bars.latencyP99.map((b) => b.id)).toEqual(fx.comparison.ranking);
    for (const b of v.bars.latencyP99) {
      const s = fx.comparison.configurations.find((c) => c.id === b.id)!.stats!.latencyP99!;
      expect(b.value).toBe(s.median);
      expect(b.spread).toEqual(s.min === s.max ? null : [s.median - s.min, s.max - s.median]);
    }
    const rate = v.bars.rate.find((b) => b.id === 'variant-async_cache-redis')!;
    expect(rate.value).toBeGreaterThan(119);
    expect(rate.value).toBeLessThan(120);
    expect(v.bars.rateAxis.domain[1]).toBeGreaterThanOrEqual(120);
  });

  it('overlay: one p99 line per configuration that ran, from its median run, keyed by index (never by label)', () => {
    const v = buildCompareView(report);
    expect(v.overlay.series.map((s) => s.key)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(v.overlay.series.every((s) => /^run \d \(the median of 3 by p99 latency\)$/.test(s.note))).toBe(true);
    expect(v.overlay.durationS).toBe(40);
    expect(v.overlay.points).toHaveLength(40);
    const cfg = fx.comparison.configurations[0]!; // sync, no cache
    const run = representativeRun(cfg)!;
    const p99s = cfg.runs.map((r) => r.summary!.latencyP99!).sort((a, b) => a - b);
    expect(run.summary!.latencyP99).toBe(p99s[1]);
    const result = fx.results.get(run.resultFile!)!;
    const t = result.timeline.find((p) => p.latency && p.latency.p99 > 1000)!; // a second of the stall
    expect(v.overlay.points.find((p) => p.t === t.t)!.c0).toBe(t.latency!.p99);
    expect(v.overlay.points.find((p) => p.t === t.t)!.r0).toBe(t.requests);
    expect(v.overlay.latencyAxis.domain[1]).toBeGreaterThanOrEqual(3000);
  });

  it('a missing result.json leaves a note, not a failed page', async () => {
    rmSync(path.join(dir, 'variant-async_cache-none/run-1/result.json'));
    rmSync(path.join(dir, 'variant-async_cache-none/run-2/result.json'));
    rmSync(path.join(dir, 'variant-async_cache-none/run-3/result.json'));
    const r = await comparisonReportFrom(fx.comparison, dir);
    expect(r.timelines.map((t) => t.configurationId)).not.toContain('variant-async_cache-none');
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/^variant=async,cache=none: no latency-over-time line — .*result\.json: cannot read \(ENOENT\)/);
    expect(buildCompareView(r).overlay.series).toHaveLength(3);
  });
});

describe('runs picked on the dashboard', () => {
  const a = buildRunFixture({ durationS: 30, rate: 100, stallAtS: 10, stallS: 5, seed: 7 });
  const b = buildRunFixture({ durationS: 30, rate: 100, stallAtS: null, seed: 8 });
  const withConfig = (r: RunResult, cfg: Record<string, string>, start: string): RunResult => ({ ...r, meta: { ...r.meta, targetConfig: cfg, startTime: start } });

  it('become a comparison of single runs: ranked, no difference called real', () => {
    const report = compareRuns([
      { id: '20260520T100000Z-flash-sale', result: withConfig(a, { variant: 'sync' }, '2026-05-20T10:00:00.000Z') },
      { id: '20260520T110000Z-flash-sale', result: withConfig(b, { variant: 'async' }, '2026-05-20T11:00:00.000Z') },
    ]);
    const v = buildCompareView(report);
    expect(v.source).toBe('picked-runs');
    expect(v.rows.map((r) => r.label)).toEqual(['variant=async', 'variant=sync']);
    const stalled = v.rows[1]!;
    expect(stalled.cells.latencyP99.median).toBe(a.metrics.http_req_latency!.values['p(99)']);
    expect(stalled.cells.latencyP99.range).toBeNull();
    // these results carry no per-status counts: the error rate is http_req_failed's, the achieved rate follows
    expect(stalled.cells.errorRate.median).toBe(a.metrics.http_req_failed!.values.rate);
    expect(stalled.cells.requestsPerSecond.median).toBeCloseTo(a.metrics.http_reqs!.values.rate! * (1 - a.metrics.http_req_failed!.values.rate!), 9);
    expect(stalled.cells.requestsPerSecond.median).toBeGreaterThan(80);
    expect(stalled.cells.durationP99.median).toBe(a.metrics.http_req_duration!.values['p(99)']);
    expect(v.rows[0]!.cells.latencyP99.mark).toBe('?');
    // invariants come from the shop, not from result.json: not shown for picked runs
    expect(stalled.cells.sold.text).toBe('—');
    expect(v.overlay.series.map((s) => s.label)).toEqual(['variant=sync', 'variant=async']);
    expect(v.overlay.points).toHaveLength(30);
    expect(v.overlay.points[12]!.c0).toBe(a.timeline[12]!.latency?.p99 ?? null);
    expect(v.facts.find((f) => f.label === 'compared')!.value).toBe('2 runs picked on the dashboard');
  });

  it('runs with the same configuration are told apart by their start time', () => {
    const report = compareRuns([
      { id: 'x', result: withConfig(a, { variant: 'sync' }, '2026-05-20T10:00:00.000Z') },
      { id: 'y', result: withConfig(b, { variant: 'sync' }, '2026-05-20T11:00:00.000Z') },
    ]);
    expect(report.comparison.configurations.map((c) => c.label)).toEqual(['variant=sync @ 2026-05-20 10:00:00Z', 'variant=sync @ 2026-05-20 11:00:00Z']);
  });
});

describe('timelineOf', () => {
  it('buckets a long run to at most 600 points: p99 is the bucket’s max, the rate its mean', () => {
    const long = buildRunFixture({ durationS: 1300, rate: 5, stallAtS: 700, stallS: 3, seed: 3 });
    const tl = timelineOf(long);
    expect(tl).toHaveLength(Math.ceil(1300 / 3));
    const i = 700 / 7; // a bucket index near the stall (3 s buckets)
    const g = long.timeline.slice(i * 3, i * 3 + 3);
    expect(tl[i]!.t).toBe(g[0]!.t);
    expect(tl[i]!.latencyP99).toBe(Math.max(...g.flatMap((p) => (p.latency ? [p.latency.p99] : []))));
    expect(tl[i]!.requests).toBeCloseTo(g.reduce((s, p) => s + p.requests, 0) / 3, 9);
    expect(COMPARE_COLUMNS.filter((c) => c.group === 'latency').map((c) => c.key)).toEqual(['latencyP50', 'latencyP99']);
  });
});

describe('compare view: the target’s cost', () => {
  it('none without /proc figures; with them, a row per configuration that ran, in rank order, the cheapest marked, bars with the medians', () => {
    expect(buildCompareView(report).cost).toBeNull();
    // the same comparison as if Stampede had started each target: CPU-s per 1,000 requests grows with the rank
    const ran = fx.comparison.configurations.filter((c) => c.status === 'ran' && c.stats);
    const cpu = new Map(fx.comparison.ranking.map((id, i) => [id, 0.5 + i]));
    const withCost = {
      ...report,
      comparison: {
        ...fx.comparison,
        meta: { ...fx.comparison.meta, rankBy: 'cost' as const },
        configurations: fx.comparison.configurations.map((c) =>
          !ran.includes(c)
            ? c
            : {
                ...c,
                stats: { ...c.stats, targetCpuSecondsPer1000Requests: { median: cpu.get(c.id)!, min: cpu.get(c.id)! - 0.1, max: cpu.get(c.id)! + 0.1, n: 3 }, targetPeakRssMb: { median: 40, min: 40, max: 40, n: 3 } },
                runs: c.runs.map((r) => (r.summary ? { ...r, summary: { ...r.summary, requestsPerTargetCoreSecond: 1000 / cpu.get(c.id)! } } : r)),
              },
        ),
      },
    };
    const v = buildCompareView(withCost);
    expect(v.cost?.rankBy).toBe('cost');
    expect(v.cost?.rows.map((r) => r.id)).toEqual(fx.comparison.ranking);
    expect(v.cost?.rows.map((r) => r.cpuSecondsPer1000Requests)).toEqual(fx.comparison.ranking.map((id) => cpu.get(id)));
    expect(v.cost?.rows[0]?.requestsPerCoreSecond).toBeCloseTo(2000, 6);
    expect(v.cost?.rows.map((r) => r.best.cpu)).toEqual(fx.comparison.ranking.map((_, i) => i === 0));
    // every configuration has the same RSS: all share the best
    expect(v.cost?.rows.every((r) => r.best.rss)).toBe(true);
    expect(v.cost?.cpuBars.map((b) => [b.value, b.spread])).toEqual(fx.comparison.ranking.map((id) => [cpu.get(id), [0.1, 0.1].map((x) => expect.closeTo(x, 9))]));
  });
});
