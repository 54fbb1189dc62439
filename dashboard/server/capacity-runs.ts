// The capacity studies under reports/out/: every capacity.json (any depth), newest first,
// beside the runs (runs.ts). Entries are cached by file size and mtime; only the fields the
// list shows are read here, the whole document is validated when it is opened.
import path from 'node:path';
import { z } from 'zod';
import { documentIndex, fileExists } from './document-index.ts';

export interface CapacityEntry {
  /** the folder relative to the runs directory, '/'-separated: the study's id in URLs */
  id: string;
  scenarioName: string;
  startTime: string;
  /** the search's status (converged, max-probes, …); null for a sweep-only study */
  status: string | null;
  /** maximum sustainable throughput, iterations/s; null when nothing passed or no search */
  mst: number | null;
  slo: string;
  probes: number;
  /** instances for the peak, when one was given */
  instances: number | null;
  /** 'vus' | 'workers' when the study has a sweep */
  sweep: string | null;
  /** the sweep's USL peak N*, when fitted and finite */
  peakConcurrency: number | null;
  hasHtml: boolean;
}

const headSchema = z.object({
  kind: z.literal('capacity'),
  meta: z.object({ scenarioName: z.string(), startTime: z.string() }),
  slo: z.object({ latency: z.array(z.string()) }),
  answer: z.object({ status: z.string(), mst: z.number().nullable() }).nullable(),
  probes: z.array(z.unknown()),
  peak: z.object({ instances: z.number().nullable() }).nullable(),
  sweep: z.object({ kind: z.string(), usl: z.object({ peakConcurrency: z.number().nullable() }).nullable() }).nullable(),
});

const index = documentIndex('capacity.json', headSchema, async (d, { id, dir }): Promise<CapacityEntry> => ({
  id,
  scenarioName: d.meta.scenarioName,
  startTime: d.meta.startTime,
  status: d.answer?.status ?? null,
  mst: d.answer?.mst ?? null,
  slo: d.answer ? d.slo.latency.join(', ') : '',
  probes: d.probes.length,
  instances: d.peak?.instances ?? null,
  sweep: d.sweep?.kind ?? null,
  peakConcurrency: d.sweep?.usl?.peakConcurrency ?? null,
  hasHtml: await fileExists(path.join(dir, 'capacity.html')),
}));

/** Every readable capacity study under `runsDir`, newest first. */
export function listCapacityStudies(runsDir: string): Promise<CapacityEntry[]> {
  return index.list(runsDir);
}

/** The folder of a listed capacity study, or null: ids are looked up, never joined blindly into paths. */
export function capacityDir(runsDir: string, id: string): Promise<string | null> {
  return index.dirOf(runsDir, id);
}
