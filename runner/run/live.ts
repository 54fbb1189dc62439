// Streaming a run to the dashboard (`stampede run --dashboard [URL]`, or automatically while a
// `stampede dashboard` is up: it announces itself in reports/out/.dashboard.json). Snapshots
// follow the live protocol (dashboard/live/protocol.ts); a dashboard that is gone or goes away
// never slows or fails the run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { RunResult, TimelinePoint } from '../result/schema.ts';
import type { LiveState } from './run-test.ts';

/**
 * What streams a run to a dashboard: the live dashboard's producer (dashboard/live/producer.ts),
 * a sink above the run layer that the CLI hands down (runner/cli/sinks.ts).
 */
export interface LiveProducer {
  start(meta: RunResult['meta'], options: RunResult['options']): void;
  snapshot(points: TimelinePoint[], summary: Omit<RunResult, 'timeline'> & { partial: true }): void;
  end(result: RunResult): Promise<void>;
  close(): void;
}

/** Connects a producer to the dashboard's ingest URL for the run `runId`. */
export type LiveConnector = (ingestUrl: string, runId: string) => Promise<LiveProducer>;

export const DASHBOARD_ANNOUNCE_FILE = path.join('reports', 'out', '.dashboard.json');

export interface LiveStream {
  second(state: LiveState): void;
  end(result: RunResult): Promise<void>;
}

/** The ingest URL: the flag's value (http(s):// or ws:// base), else a running dashboard's announcement. */
export function resolveIngestUrl(flag: string | boolean | undefined): string | null {
  if (typeof flag === 'string' && flag !== '') {
    const u = new URL(flag);
    if (u.protocol === 'http:') u.protocol = 'ws:';
    if (u.protocol === 'https:') u.protocol = 'wss:';
    if (u.pathname === '/' || u.pathname === '') u.pathname = '/ws/ingest';
    return u.href;
  }
  try {
    const announced = JSON.parse(readFileSync(DASHBOARD_ANNOUNCE_FILE, 'utf8')) as { ingestUrl?: string; pid?: number };
    if (!announced.ingestUrl || !announced.pid) return null;
    process.kill(announced.pid, 0); // throws when that dashboard is gone
    return announced.ingestUrl;
  } catch {
    return flag === true ? 'ws://127.0.0.1:5665/ws/ingest' : null;
  }
}

export async function openLiveStream(ingestUrl: string, connect: LiveConnector, warn: (m: string) => void): Promise<LiveStream | null> {
  let producer: LiveProducer;
  try {
    producer = await connect(ingestUrl, randomUUID());
  } catch (e) {
    warn(`dashboard: cannot stream to ${ingestUrl} (${e instanceof Error ? e.message : String(e)}); the run goes on without it`);
    return null;
  }
  const p = producer;
  let started = false;
  let lastT = -1;
  return {
    second(state) {
      const r = state.resultSoFar();
      if (!started) {
        p.start(r.meta, r.options);
        started = true;
      }
      const points = r.timeline.filter((x) => x.t > lastT);
      lastT = r.timeline.at(-1)?.t ?? lastT;
      const { timeline: _omit, ...summary } = r;
      p.snapshot(points, { ...summary, partial: true });
    },
    async end(result) {
      if (!started) p.start(result.meta, result.options);
      await p.end(result);
      p.close();
    },
  };
}
