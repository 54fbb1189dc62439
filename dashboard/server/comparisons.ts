// The comparisons list: every comparison.json under reports/out/ (any depth up to 4), newest
// first, cached by file size and mtime like the runs list. Opening one builds its page data
// (the comparison with its runs' timelines) with the same loader as comparison.html.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

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

const cache = new Map<string, { key: string; entry: ComparisonEntry | null }>();

async function findComparisons(dir: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('.') || e.name === 'screenshots') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findComparisons(p, depth + 1)));
    else if (e.name === 'comparison.json') out.push(p);
  }
  return out;
}

async function entryFor(runsDir: string, file: string): Promise<ComparisonEntry | null> {
  const s = await stat(file);
  const key = `${s.size}:${s.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.key === key) return hit.entry;
  let entry: ComparisonEntry | null = null;
  try {
    const head = headSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (head.success) {
      const d = head.data;
      const dir = path.dirname(file);
      const best = d.ranking[0];
      entry = {
        id: path.relative(runsDir, dir).split(path.sep).join('/'),
        scenarioName: d.meta.scenarioName,
        startTime: d.meta.startTime,
        configurations: d.configurations.length,
        skipped: d.configurations.filter((c) => c.status === 'skipped').length,
        repeat: d.meta.repeat,
        partial: d.meta.partial,
        best: best === undefined ? null : (d.configurations.find((c) => c.id === best)?.label ?? best),
        hasReport: await stat(path.join(dir, 'comparison.html')).then(() => true, () => false),
      };
    }
  } catch {
    entry = null; // half-written or foreign: not a comparison
  }
  cache.set(file, { key, entry });
  return entry;
}

/** Every readable comparison under `runsDir`, newest first. */
export async function listComparisons(runsDir: string): Promise<ComparisonEntry[]> {
  const files = await findComparisons(runsDir);
  const entries = (await Promise.all(files.map((f) => entryFor(runsDir, f)))).filter((e): e is ComparisonEntry => e !== null);
  return entries.sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
}

/** The folder of a listed comparison, or null: ids are looked up, never joined blindly into paths. */
export async function comparisonDir(runsDir: string, id: string): Promise<string | null> {
  const list = await listComparisons(runsDir);
  return list.some((c) => c.id === id) ? path.join(runsDir, ...id.split('/')) : null;
}
