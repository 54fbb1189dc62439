// Report builder: a RunResult in, one self-contained report.html out (opens from disk, no
// network). `stampede run` calls writeRunReport after result.json; `stampede report` too.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeEnvelope } from '../dashboard/model/embedded.ts';
import { runResultSchema, type RunResult } from '../runner/result/schema.ts';
import { validateOrThrow } from '../runner/result/validate.ts';
import { ensureUiBundle } from './bundle.ts';
import { renderHtml } from './html.ts';

export type ReportKind = 'run';

/** The report page for a document, as one HTML string. */
export async function renderReportHtml(kind: ReportKind, doc: RunResult): Promise<string> {
  const result = validateOrThrow(runResultSchema, doc, `${kind} document`, 'STAMPEDE_E_RESULT_INVALID');
  const [bundle, envelope] = await Promise.all([ensureUiBundle(), encodeEnvelope(kind, result)]);
  return renderHtml({ title: `${result.meta.scenarioName} — Stampede run report`, bundle, envelope });
}

/** Writes report.html for a run, atomically (temp + rename). */
export async function writeRunReport(result: RunResult, file: string): Promise<void> {
  const html = await renderReportHtml('run', result);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, file);
}
