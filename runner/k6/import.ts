// `stampede import k6`: decides what each file is (k6 --out json NDJSON, plain or gzipped, or
// an end-of-test summary) and builds one RunResult. Several NDJSON files merge (one per runner);
// a summary stands alone (summaries cannot be merged into correct percentiles).
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { StampedeError } from '../errors.ts';
import type { RunResult } from '../result/schema.ts';
import { isGzip, readLines } from './ndjson.ts';
import { importNdjson } from './import-ndjson.ts';
import { importSummary, looksLikeSummary } from './import-summary.ts';

export type K6FileKind = { kind: 'ndjson' } | { kind: 'summary'; doc: unknown };

/** Sniffs a file: NDJSON when its first line is a k6 envelope, a summary when the whole file is a summary object. */
export async function detectK6File(file: string): Promise<K6FileKind> {
  try {
    for await (const { text } of readLines(file)) {
      try {
        const first = JSON.parse(text) as { type?: unknown };
        if (first && (first.type === 'Metric' || first.type === 'Point')) return { kind: 'ndjson' };
      } catch {
        // a pretty-printed summary's first line is "{": fall through to the whole-file parse
      }
      break;
    }
  } catch (e) {
    if (e instanceof StampedeError) throw e;
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let text: string;
  try {
    const bytes = await readFile(file);
    text = ((await isGzip(file)) ? gunzipSync(bytes) : bytes).toString('utf8');
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (text.trim() === '') throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: empty file; expected k6 --out json lines or a k6 summary`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // neither: report the first line, as an NDJSON reader would
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:1: not a k6 --out json line nor a k6 summary (${(e as Error).message})`);
  }
  if (isStampedeDocument(doc)) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: kind: this is a Stampede ${String(doc.kind)} document (schemaVersion ${String(doc.schemaVersion)}), not a k6 summary; \`stampede report ${file}\` renders it`);
  }
  if (!looksLikeSummary(doc)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: metrics: expected a k6 end-of-test summary (an object with "metrics") or k6 --out json lines`);
  return { kind: 'summary', doc };
}

/** Stampede's own documents (result.json, comparison.json, capacity.json) carry `schemaVersion` and `kind`. */
function isStampedeDocument(doc: unknown): doc is { schemaVersion: unknown; kind: unknown } {
  return typeof doc === 'object' && doc !== null && 'schemaVersion' in doc && 'kind' in doc;
}

export async function importK6(files: string[]): Promise<RunResult> {
  if (files.length === 0) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede import k6: at least one file is required');
  const kinds = await Promise.all(files.map(async (f) => ({ file: f, k: await detectK6File(f) })));
  const summaries = kinds.filter((x) => x.k.kind === 'summary');
  if (summaries.length > 0) {
    if (files.length > 1) {
      const names = summaries.map((s) => s.file).join(', ');
      throw new StampedeError(
        'STAMPEDE_E_USAGE',
        `stampede import k6: ${names}: a k6 summary imports on its own; several files merge only from k6 --out json (percentiles cannot be merged from summaries)`,
      );
    }
    const only = summaries[0];
    if (!only || only.k.kind !== 'summary') throw new StampedeError('STAMPEDE_E_INTERNAL', 'unreachable');
    return importSummary(only.file, only.k.doc);
  }
  return importNdjson(files);
}
