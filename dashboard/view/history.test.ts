// The history page's view model: a synthetic history with a shift at a known run.
import { describe, expect, it } from 'vitest';
import { historyHash, historyView, runHref, scenarioOfHistoryHash, type HistoryRow } from './history.ts';

const row = (i: number, p99: number | null, reportId: string | null = `run-${i}`): HistoryRow => ({
  id: `20261204-0${i}0000-ab${i}0`,
  startedAt: `2026-12-04T0${i}:00:00.000Z`,
  verdict: i === 7 ? 'failed' : 'passed',
  gitCommit: `c0ffee${i}`.padEnd(40, '0'),
  target: 'http://127.0.0.1:1/',
  p50: p99 === null ? null : p99 / 2,
  p99,
  rate: 100 + i,
  reportId,
});

describe('historyView', () => {
  // p99 around 10 ms for 6 runs, then around 20 ms: the change is before run index 6
  const p99 = [10, 10.4, 9.8, 10.1, 9.9, 10.2, 20.1, 19.7, 20.3, 20];
  const runs = p99.map((v, i) => row(i, v));

  it('marks the change between the runs either side, with the medians of each side', () => {
    const v = historyView({ scenario: 'checkout', runs, changes: [6] });
    expect(v.runs).toBe(10);
    expect(v.changes).toEqual([{ x: 5.5, runBefore: runs[5]!.id, runAfter: runs[6]!.id, before: 10.05, after: 20.05 }]);
    for (const s of v.series) {
      expect(s.points.map((p) => p.changeBefore)).toEqual(p99.map((_, i) => i === 6));
      expect(s.points.map((p) => p.x)).toEqual(p99.map((_, i) => i));
    }
  });

  it('gives p50, p99 and rate series in run order, each point linking to its run', () => {
    const v = historyView({ scenario: 'checkout', runs, changes: [6] });
    expect(v.series.map((s) => s.key)).toEqual(['p50', 'p99', 'rate']);
    expect(v.series[1]!.points.map((p) => p.value)).toEqual(p99);
    expect(v.series[0]!.points.map((p) => p.value)).toEqual(p99.map((x) => x / 2));
    expect(v.series[2]!.points.map((p) => p.value)).toEqual(p99.map((_, i) => 100 + i));
    expect(v.series[1]!.points.map((p) => p.href)).toEqual(p99.map((_, i) => `#/run/run-${i}`));
    expect(v.series[1]!.points[7]!.verdict).toBe('failed');
    // the table: newest first, short commits
    expect(v.table.map((r) => r.runId)).toEqual([...runs].reverse().map((r) => r.id));
    expect(v.table[0]!.commit).toBe('c0ffee9000');
  });

  it('a run outside the runs folder has no link; its id is encoded in the one it has', () => {
    const v = historyView({ scenario: 's', runs: [row(0, 1, null), row(1, 2, 'a b/c#d')], changes: [] });
    expect(v.series[0]!.points.map((p) => p.href)).toEqual([null, '#/run/a%20b%2Fc%23d']);
    expect(runHref('x/y')).toBe('#/run/x%2Fy');
  });

  it('ignores change indices that mark nothing (0, n, out of range, repeated) and keeps several in order', () => {
    const v = historyView({ scenario: 's', runs, changes: [8, 0, 10, -1, 3, 8, 2.5] });
    expect(v.changes.map((c) => c.x)).toEqual([2.5, 7.5]);
    // medians per segment: [0,3) [3,8) [8,10)
    expect(v.changes[0]!.before).toBe(10);
    expect(v.changes[0]!.after).toBe(10.2);
    expect(v.changes[1]!.after).toBe(20.15);
  });

  it('a run without a figure is a gap, not a zero', () => {
    const v = historyView({ scenario: 's', runs: [row(0, 5), row(1, null), row(2, 6)], changes: [] });
    expect(v.series[1]!.points.map((p) => p.value)).toEqual([5, null, 6]);
  });

  it('the hash round-trips any scenario name', () => {
    for (const name of ['checkout', 'a/b c', '<img src=x>', 'ünï#?']) expect(scenarioOfHistoryHash(historyHash(name))).toBe(name);
    expect(scenarioOfHistoryHash('#/run/x')).toBeNull();
  });
});
