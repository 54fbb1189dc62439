// Report builder: a document in, one self-contained HTML page out (opens from disk, no
// network). `stampede run` calls writeRunReport after result.json, `stampede capacity`
// writeCapacityReport after capacity.json; `stampede report` rebuilds either.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeEnvelopeInNode } from './envelope.ts';
import { runResultSchema, type RunResult } from '../runner/result/schema.ts';
import { capacityDocumentSchema, type CapacityDocument } from '../runner/result/capacity-schema.ts';
import { validateOrThrow } from '../runner/result/validate.ts';
import { ensureUiBundle } from './bundle.ts';
import { renderHtml } from './html.ts';

export type ReportKind = 'run' | 'capacity';

/** The report page for a document, as one HTML string (the document is validated first). */
// (the run overload last: Parameters<typeof renderReportHtml> in tests means the run form)
export async function renderReportHtml(kind: 'capacity', doc: CapacityDocument): Promise<string>;
export async function renderReportHtml(kind: 'run', doc: RunResult): Promise<string>;
export async function renderReportHtml(kind: ReportKind, doc: RunResult | CapacityDocument): Promise<string> {
  let title: string;
  let valid: RunResult | CapacityDocument;
  if (kind === 'capacity') {
    const d = validateOrThrow(capacityDocumentSchema, doc, 'capacity document', 'STAMPEDE_E_RESULT_INVALID');
    title = `${d.meta.scenarioName} — Stampede capacity report`;
    valid = d;
  } else {
    const d = validateOrThrow(runResultSchema, doc, `${kind} document`, 'STAMPEDE_E_RESULT_INVALID');
    title = `${d.meta.scenarioName} — Stampede run report`;
    valid = d;
  }
  const [bundle, envelope] = await Promise.all([ensureUiBundle(), encodeEnvelopeInNode(kind, valid)]);
  return renderHtml({ title, bundle, envelope });
}

async function writeAtomic(file: string, html: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, file);
}

/** Writes report.html for a run, atomically (temp + rename). */
export async function writeRunReport(result: RunResult, file: string): Promise<void> {
  await writeAtomic(file, await renderReportHtml('run', result));
}

/** Writes capacity.html for a capacity study, atomically (temp + rename). */
export async function writeCapacityReport(doc: CapacityDocument, file: string): Promise<void> {
  await writeAtomic(file, await renderReportHtml('capacity', doc));
}
