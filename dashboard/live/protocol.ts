// The live protocol between a running `stampede run --dashboard` (the producer), the
// dashboard server, and the browser (viewers). JSON text frames over WebSocket, protocol 1.
//
// producer → server, on ws://HOST:PORT/ws/ingest:
//   {type:'run-start', protocol:1, runId, meta, options}
//   {type:'snapshot', runId, points, summary}  once a second: `points` are the timeline
//        seconds completed since the previous snapshot; `summary` is the RunResult so far
//        without its timeline (cumulative metrics, tagged, thresholds, checks, generator,
//        server, warnings; partial: true)
//   {type:'run-end', runId, result}            the final RunResult (as written to result.json)
// server → viewer, on ws://HOST:PORT/ws/live:
//   on connect, for every run in progress: {type:'run-state', runId, result} — the whole run
//        so far (timeline complete), so a late viewer misses nothing
//   then every snapshot and run-end as the producer sends them (same shapes as above)
//   {type:'runs-changed'} when a run ended (its files are under reports/out/)
import { z } from 'zod';
import { runMetaSchema, runResultSchema, timelinePointSchema, type RunResult, type TimelinePoint } from '../../runner/result/schema.ts';

export const LIVE_PROTOCOL = 1;

const summarySchema = runResultSchema.omit({ timeline: true });
export type LiveSummary = z.infer<typeof summarySchema>;

export const runStartSchema = z.object({ type: z.literal('run-start'), protocol: z.literal(LIVE_PROTOCOL), runId: z.string().min(1), meta: runMetaSchema, options: runResultSchema.shape.options });
export const snapshotSchema = z.object({ type: z.literal('snapshot'), runId: z.string().min(1), points: z.array(timelinePointSchema), summary: summarySchema });
export const runEndSchema = z.object({ type: z.literal('run-end'), runId: z.string().min(1), result: runResultSchema });
export const runStateSchema = z.object({ type: z.literal('run-state'), runId: z.string().min(1), result: runResultSchema });
export const runsChangedSchema = z.object({ type: z.literal('runs-changed') });

export const producerMessageSchema = z.discriminatedUnion('type', [runStartSchema, snapshotSchema, runEndSchema]);
export const viewerMessageSchema = z.discriminatedUnion('type', [runStateSchema, snapshotSchema, runEndSchema, runsChangedSchema]);
export type ProducerMessage = z.infer<typeof producerMessageSchema>;
export type ViewerMessage = z.infer<typeof viewerMessageSchema>;
export type RunStart = z.infer<typeof runStartSchema>;
export type Snapshot = z.infer<typeof snapshotSchema>;

/** A run in progress as the dashboard holds it. */
export interface LiveRun {
  runId: string;
  ended: boolean;
  result: RunResult;
}

/** The state before the first snapshot: metadata, no measurements yet. */
export function emptyRun(start: RunStart): LiveRun {
  return {
    runId: start.runId,
    ended: false,
    result: {
      schemaVersion: 1,
      kind: 'run',
      meta: start.meta,
      options: start.options,
      partial: true,
      stopReason: null,
      metrics: {},
      tagged: [],
      thresholds: [],
      checks: [],
      timeline: [],
      generator: { eventLoopLag: { p50: 0, p99: 0, max: 0 }, cpu: { mean: 0, max: 0 }, sendLag: null, achievedRatio: null, saturated: false, reasons: [], threads: 1 },
      server: null,
      warnings: [],
    },
  };
}

/** Applies a snapshot: appends the new seconds (a repeated second replaces the old one) and takes the new summary. */
export function applySnapshot(run: LiveRun, s: Snapshot): LiveRun {
  const timeline: TimelinePoint[] = run.result.timeline.slice();
  for (const p of s.points) {
    const last = timeline.at(-1);
    if (last && p.t <= last.t) {
      const i = timeline.findIndex((x) => x.t === p.t);
      if (i >= 0) timeline[i] = p;
    } else timeline.push(p);
  }
  return { ...run, result: { ...s.summary, timeline } };
}

export function applyEnd(run: LiveRun, result: RunResult): LiveRun {
  return { ...run, ended: true, result };
}
