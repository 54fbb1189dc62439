// The comparisons list: every comparison.json under reports/out/ (any depth up to 4), newest
// first, cached by file size and mtime like the runs list. Opening one builds its page data
// (the comparison with its runs' timelines) with the same loader as comparison.html.
import path from 'node:path';
import { z } from 'zod';
import { documentIndex, fileExists } from './document-index.ts';

export interface ComparisonEntry {
  /** the folder relative to the runs directory, '/'-separated: the comparison's id in URLs */
  id: string;
  scenarioName: string;
  startTime: string;
  configurations: number;
  skipped: number;
  repeat: number;
  partial: boolean;
  /** label of the configuration ranked first */
  best: string | null;
  hasReport: boolean;
}

// only what the list shows: the full document is validated when it is opened
const headSchema = z.object({
  kind: z.literal('comparison'),
  meta: z.object({ scenarioName: z.string(), startTime: z.string(), repeat: z.number(), partial: z.boolean() }),
  configurations: z.array(z.object({ id: z.string(), label: z.string(), status: z.string() })),
  ranking: z.array(z.string()),
});

const index = documentIndex('comparison.json', headSchema, async (d, { id, dir }): Promise<ComparisonEntry> => {
  const best = d.ranking[0];
  return {
    id,
    scenarioName: d.meta.scenarioName,
    startTime: d.meta.startTime,
    configurations: d.configurations.length,
    skipped: d.configurations.filter((c) => c.status === 'skipped').length,
    repeat: d.meta.repeat,
    partial: d.meta.partial,
    best: best === undefined ? null : (d.configurations.find((c) => c.id === best)?.label ?? best),
    hasReport: await fileExists(path.join(dir, 'comparison.html')),
  };
});

/** Every readable comparison under `runsDir`, newest first. */
export function listComparisons(runsDir: string): Promise<ComparisonEntry[]> {
  return index.list(runsDir);
}

/** The folder of a listed comparison, or null: ids are looked up, never joined blindly into paths. */
export function comparisonDir(runsDir: string, id: string): Promise<string | null> {
  return index.dirOf(runsDir, id);
}
