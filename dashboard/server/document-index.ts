// The dashboard's lists of documents under reports/out/ (runs, comparisons, capacity studies):
// every file of one name at any depth (up to 5 folders down), read through a head schema of just
// the fields the list shows, cached by file size and mtime so a refresh does not re-read
// unchanged files, newest first. A half-written or foreign file is simply not listed.
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';

export interface IndexedEntry {
  /** the folder relative to the runs directory, '/'-separated: the document's id in URLs */
  id: string;
  startTime: string;
}

export interface DocumentIndex<E extends IndexedEntry> {
  /** every readable document under `runsDir`, newest first */
  list(runsDir: string): Promise<E[]>;
  /** the folder of a listed document, or null: ids are looked up, never joined blindly into paths */
  dirOf(runsDir: string, id: string): Promise<string | null>;
}

const MAX_DEPTH = 4;

async function findFiles(dir: string, fileName: string, depth = 0): Promise<string[]> {
  if (depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.name.startsWith('.') || e.name === 'screenshots') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await findFiles(p, fileName, depth + 1)));
    else if (e.name === fileName) out.push(p);
  }
  return out;
}

/** True when `file` exists (e.g. the HTML beside a document). */
export function fileExists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export function documentIndex<S extends z.ZodType, E extends IndexedEntry>(
  fileName: string,
  headSchema: S,
  toEntry: (head: z.infer<S>, where: { id: string; dir: string }) => E | Promise<E>,
): DocumentIndex<E> {
  const cache = new Map<string, { key: string; entry: E | null }>();

  const entryFor = async (runsDir: string, file: string): Promise<E | null> => {
    const s = await stat(file);
    const key = `${s.size}:${s.mtimeMs}`;
    const hit = cache.get(file);
    if (hit?.key === key) return hit.entry;
    let entry: E | null = null;
    try {
      const head = headSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
      if (head.success) {
        const dir = path.dirname(file);
        entry = await toEntry(head.data, { id: path.relative(runsDir, dir).split(path.sep).join('/'), dir });
      }
    } catch {
      entry = null;
    }
    cache.set(file, { key, entry });
    return entry;
  };

  const list = async (runsDir: string): Promise<E[]> => {
    const files = await findFiles(runsDir, fileName);
    const entries: E[] = [];
    for (const e of await Promise.all(files.map((f) => entryFor(runsDir, f)))) if (e !== null) entries.push(e as E);
    return entries.sort((a, b) => b.startTime.localeCompare(a.startTime) || a.id.localeCompare(b.id));
  };

  return {
    list,
    async dirOf(runsDir, id) {
      const entries = await list(runsDir);
      return entries.some((e) => e.id === id) ? path.join(runsDir, ...id.split('/')) : null;
    },
  };
}
