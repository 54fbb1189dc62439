// `stampede history import <dir>`: every result.json, comparison.json and capacity.json under a
// folder, validated first (one invalid file: exit 2 and nothing recorded), then recorded.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { StampedeError, isStampedeError } from '../errors.ts';
import { readDocument } from '../result/io.ts';
import { runResultSchema, type RunResult } from '../result/schema.ts';
import { comparisonSchema, type Comparison } from '../result/comparison-schema.ts';
import { capacityDocumentSchema, type CapacityDocument } from '../result/capacity-schema.ts';
import { capacityEntry, comparisonEntry, runEntry, type RecordContext } from './entries.ts';
import type { HistoryEntry, HistoryStore } from './store.ts';

const NAMES = new Set(['result.json', 'comparison.json', 'capacity.json']);

export function findDocuments(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && NAMES.has(e.name)) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export async function importDirectory(store: HistoryStore, dir: string): Promise<{ recorded: number; already: number; files: number }> {
  const files = findDocuments(dir);
  // imported documents: the git state of today's working directory is not theirs
  const ctx: RecordContext = { git: { commit: null, branch: null }, command: null };
  const entries: HistoryEntry[] = [];
  const invalid: string[] = [];
  for (const f of files) {
    try {
      const name = path.basename(f);
      if (name === 'result.json') entries.push(runEntry((await readDocument(f, runResultSchema)) as RunResult, f, ctx));
      else if (name === 'comparison.json') entries.push(comparisonEntry((await readDocument(f, comparisonSchema)) as Comparison, f, ctx));
      else entries.push(capacityEntry((await readDocument(f, capacityDocumentSchema)) as CapacityDocument, f, ctx));
    } catch (e) {
      if (!isStampedeError(e)) throw e;
      invalid.push(e.message);
    }
  }
  if (invalid.length > 0) throw new StampedeError('STAMPEDE_E_RESULT_INVALID', `stampede history import: ${invalid.length} invalid document(s), nothing recorded: ${invalid[0]}`, invalid.slice(1));
  let recorded = 0;
  let already = 0;
  for (const e of entries) {
    const r = await store.record(e);
    if (r.status === 'already-recorded') already++;
    else recorded++;
  }
  return { recorded, already, files: files.length };
}
