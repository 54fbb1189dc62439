import { describe, expect, it } from 'vitest';
import { runResultSchema } from '../../runner/result/schema.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { summaryAfter } from '../testing/live.ts';
import { applyEnd, applySnapshot, emptyRun, producerMessageSchema, viewerMessageSchema, type RunStart } from './protocol.ts';

const run = buildRunFixture();
const start: RunStart = { type: 'run-start', protocol: 1, runId: 'r1', meta: run.meta, options: run.options };

describe('live protocol', () => {
  it('an empty run is already a valid (partial) RunResult', () => {
    const e = emptyRun(start);
    expect(runResultSchema.parse(e.result).timeline).toEqual([]);
    expect(e.result.partial).toBe(true);
  });

  it('snapshots append seconds; a repeated second replaces the old one; the summary is taken whole', () => {
    let live = emptyRun(start);
    live = applySnapshot(live, { type: 'snapshot', runId: 'r1', points: run.timeline.slice(0, 3), summary: summaryAfter(run, 3) });
    live = applySnapshot(live, { type: 'snapshot', runId: 'r1', points: run.timeline.slice(3, 5), summary: summaryAfter(run, 5) });
    expect(live.result.timeline.map((p) => p.t)).toEqual([0, 1, 2, 3, 4]);
    const redo = { ...run.timeline[4]!, requests: 1 };
    live = applySnapshot(live, { type: 'snapshot', runId: 'r1', points: [redo, run.timeline[5]!], summary: summaryAfter(run, 6) });
    expect(live.result.timeline.map((p) => p.t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(live.result.timeline[4]!.requests).toBe(1);
    expect(live.result.metrics.http_reqs!.values.count).toBe(run.timeline.slice(0, 6).reduce((a, p) => a + p.requests, 0));
    expect(runResultSchema.safeParse(live.result).success).toBe(true);
    const done = applyEnd(live, run);
    expect(done.ended).toBe(true);
    expect(done.result.timeline).toHaveLength(60);
  });

  it('validates messages on both sides', () => {
    expect(producerMessageSchema.safeParse(start).success).toBe(true);
    expect(producerMessageSchema.safeParse({ ...start, protocol: 2 }).success).toBe(false);
    expect(producerMessageSchema.safeParse({ type: 'snapshot', runId: 'r1', points: [{ t: -1 }], summary: summaryAfter(run, 1) }).success).toBe(false);
    expect(viewerMessageSchema.safeParse({ type: 'run-state', runId: 'r1', result: run }).success).toBe(true);
    expect(viewerMessageSchema.safeParse({ type: 'runs-changed' }).success).toBe(true);
  });
});
