// The runs list: every result.json under reports/out/ (any depth), newest first. Entries are
// cached by file size and mtime so a refresh does not re-read unchanged results.
import path from 'node:path';
import { z } from 'zod';
import { documentIndex, fileExists } from './document-index.ts';
import { isInterrupted } from '../view/summary.ts';

export interface RunEntry {
  /** the folder relative to the runs directory, '/'-separated: the run's id in URLs */
  id: string;
  scenarioName: string;
  /** the target's configuration as 'variant=async,cache=redis' (runs started with --target-config, or by compare); null otherwise */
  targetConfig: string | null;
  startTime: string;
  durationMs: number;
  partial: boolean;
  /** stopped by Ctrl-C: shown as "interrupted", never as passed */
  interrupted: boolean;
  /** null when the run had no thresholds */
  ok: boolean | null;
  requests: number | null;
  latencyP99: number | null;
  hasReport: boolean;
}

// only what the list shows: a full validation happens when a run is opened
const headSchema = z.object({
  kind: z.literal('run'),
  meta: z.object({ scenarioName: z.string(), startTime: z.string(), durationMs: z.number(), targetConfig: z.record(z.string(), z.string()).nullable().optional() }),
  partial: z.boolean(),
  stopReason: z.string().nullable().optional(),
  thresholds: z.array(z.object({ ok: z.boolean() })),
  metrics: z.record(z.string(), z.object({ values: z.record(z.string(), z.number()) })),
});

const index = documentIndex('result.json', headSchema, async (d, { id, dir }): Promise<RunEntry> => ({
  id,
  scenarioName: d.meta.scenarioName,
  targetConfig: d.meta.targetConfig ? Object.entries(d.meta.targetConfig).map(([k, v]) => `${k}=${v}`).join(',') : null,
  startTime: d.meta.startTime,
  durationMs: d.meta.durationMs,
  partial: d.partial,
  interrupted: isInterrupted({ partial: d.partial, stopReason: d.stopReason ?? null }),
  ok: d.thresholds.length === 0 ? null : d.thresholds.every((t) => t.ok),
  requests: d.metrics.http_reqs?.values.count ?? null,
  latencyP99: d.metrics.http_req_latency?.values['p(99)'] ?? null,
  hasReport: await fileExists(path.join(dir, 'report.html')),
}));

/** Every readable run under `runsDir`, newest first. */
export function listRuns(runsDir: string): Promise<RunEntry[]> {
  return index.list(runsDir);
}

/** The folder of a listed run, or null: ids are looked up, never joined blindly into paths. */
export function runDir(runsDir: string, id: string): Promise<string | null> {
  return index.dirOf(runsDir, id);
}
