// The runs list: every result.json under reports/out/ (any depth), newest first. Entries are
// cached by file size and mtime so a refresh does not re-read unchanged results.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

export interface RunEntry {
  /** the folder relative to the runs directory, '/'-separated: the run's id in URLs */
  id: string;
  scenarioName: string;
  /** the target's configuration as 'variant=async,cache=redis' (runs started with --target-config, or by compare); null otherwise */
  targetConfig: string | null;
  startTime: string;
  durationMs: number;
  partial: boolean;
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
  thresholds: z.array(z.object({ ok: z.boolean() })),
  metrics: z.record(z.string(), z.object({ values: z.record(z.string(), z.number()) })),
});

const cache = new Map<string, { key: string; entry: RunEntry | null }>();

async function findResults(dir: string, depth = 0): Promise<string[]> {
  if (depth > 4) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('.') || e.name === 'screenshots') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findResults(p, depth + 1)));
    else if (e.name === 'result.json') out.push(p);
  }
  return out;
}

async function entryFor(runsDir: string, file: string): Promise<RunEntry | null> {
  const s = await stat(file);
  const key = `${s.size}:${s.mtimeMs}`;
  const hit = cache.get(file);
  if (hit?.key === key) return hit.entry;
  let entry: RunEntry | null = null;
  try {
    const head = headSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (head.success) {
      const d = head.data;
      const dir = path.dirname(file);
      entry = {
        id: path.relative(runsDir, dir).split(path.sep).join('/'),
        scenarioName: d.meta.scenarioName,
        targetConfig: d.meta.targetConfig ? Object.entries(d.meta.targetConfig).map(([k, v]) => `${k}=${v}`).join(',') : null,
        startTime: d.meta.startTime,
        durationMs: d.meta.durationMs,
        partial: d.partial,
        ok: d.thresholds.length === 0 ? null : d.thresholds.every((t) => t.ok),
        requests: d.metrics.http_reqs?.values.count ?? null,
        latencyP99: d.metrics.http_req_latency?.values['p(99)'] ?? null,
        hasReport: await stat(path.join(dir, 'report.html')).then(() => true, () => false),
      };
    }
  } catch {
    entry = null; // a half-written or foreign file is not a run
  }
  cache.set(file, { key, entry });
  return entry;
}

/** Every readable run under `runsDir`, newest first. */
export async function listRuns(runsDir: string): Promise<RunEntry[]> {
  const files = await findResults(runsDir);
  const entries = (await Promise.all(files.map((f) => entryFor(runsDir, f)))).filter((e): e is RunEntry => e !== null);
  return entries.sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
}

/** The folder of a listed run, or null: ids are looked up, never joined blindly into paths. */
export async function runDir(runsDir: string, id: string): Promise<string | null> {
  const runs = await listRuns(runsDir);
  return runs.some((r) => r.id === id) ? path.join(runsDir, ...id.split('/')) : null;
}
