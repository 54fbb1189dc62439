// The capacity studies under reports/out/: every capacity.json (any depth), newest first,
// beside the runs (runs.ts). Entries are cached by file size and mtime; only the fields the
// list shows are read here, the whole document is validated when it is opened.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

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

const cache = new Map<string, { key: string; entry: CapacityEntry | null }>();

async function findDocuments(dir: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('.') || e.name === 'screenshots') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findDocuments(p, depth + 1)));
    else if (e.name === 'capacity.json') out.push(p);
  }
  return out;
}

async function entryFor(runsDir: string, file: string): Promise<CapacityEntry | null> {
  const s = await stat(file);
  const key = `${s.size}:${s.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.key === key) return hit.entry;
  let entry: CapacityEntry | null = null;
  try {
    const head = headSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (head.success) {
      const d = head.data;
      const dir = path.dirname(file);
      entry = {
        id: path.relative(runsDir, dir).split(path.sep).join('/'),
        scenarioName: d.meta.scenarioName,
        startTime: d.meta.startTime,
        status: d.answer?.status ?? null,
        mst: d.answer?.mst ?? null,
        slo: d.answer ? d.slo.latency.join(', ') : '',
        probes: d.probes.length,
        instances: d.peak?.instances ?? null,
        sweep: d.sweep?.kind ?? null,
        peakConcurrency: d.sweep?.usl?.peakConcurrency ?? null,
        hasHtml: await stat(path.join(dir, 'capacity.html')).then(() => true, () => false),
      };
    }
  } catch {
    entry = null; // a half-written or foreign file is not a study
  }
  cache.set(file, { key, entry });
  return entry;
}

/** Every readable capacity study under `runsDir`, newest first. */
export async function listCapacityStudies(runsDir: string): Promise<CapacityEntry[]> {
  const files = await findDocuments(runsDir);
  const entries = (await Promise.all(files.map((f) => entryFor(runsDir, f)))).filter((e): e is CapacityEntry => e !== null);
  return entries.sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
}

/** The folder of a listed study, or null: ids are looked up, never joined blindly into paths. */
export async function capacityDir(runsDir: string, id: string): Promise<string | null> {
  const studies = await listCapacityStudies(runsDir);
  return studies.some((s) => s.id === id) ? path.join(runsDir, ...id.split('/')) : null;
}
