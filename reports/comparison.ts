// comparison.html: the compare page for a comparison.json, as one self-contained file beside it.
// comparison.json holds summaries and the paths of each run's result.json; the page also draws
// a latency-over-time overlay, so the timeline of one run per configuration (the median run by
// p99, see dashboard/model/compare.ts) is read here and embedded with the comparison. A run whose
// result.json is missing or unreadable leaves a note on the page, not a failed report.
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeEnvelopeInNode } from './envelope.ts';
import { parseComparison, parseComparisonReport, representativeRun, timelineOf, type Comparison, type ComparisonReport, type ConfigurationTimeline } from '../dashboard/model/compare.ts';
import { readJsonFile } from '../runner/result/io.ts';
import { runResultSchema } from '../runner/result/schema.ts';
import { ensureUiBundle } from './bundle.ts';
import { renderHtml } from './html.ts';

/** The comparison with its configurations' timelines, read from the result.json files beside it. */
export async function comparisonReportFrom(comparison: Comparison, dir: string): Promise<ComparisonReport> {
  const timelines: ConfigurationTimeline[] = [];
  const notes: string[] = [];
  for (const cfg of comparison.configurations) {
    const run = representativeRun(cfg);
    if (!run?.resultFile) continue;
    const file = path.resolve(dir, run.resultFile);
    try {
      const parsed = runResultSchema.safeParse(await readJsonFile(file));
      if (!parsed.success) throw new Error(`${run.resultFile}: not a valid result (${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''})`);
      const of = cfg.runs.filter((r) => r.status === 'ok' && r.summary && r.resultFile).length;
      timelines.push({ configurationId: cfg.id, repeat: run.repeat, of, points: timelineOf(parsed.data) });
    } catch (e) {
      notes.push(`${cfg.label}: no latency-over-time line — ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return parseComparisonReport({ kind: 'comparison-report', source: 'comparison', comparison, timelines, notes }, 'comparison report');
}

/** Reads and validates comparison.json (a bad file: StampedeError naming the file and the field), then its runs' timelines. */
export async function loadComparisonReport(file: string): Promise<ComparisonReport> {
  const comparison = parseComparison(await readJsonFile(file), file);
  return comparisonReportFrom(comparison, path.dirname(file));
}

export function comparisonTitle(report: ComparisonReport): string {
  return `${report.comparison.meta.scenarioName} — Stampede comparison`;
}

export async function renderComparisonHtml(report: ComparisonReport): Promise<string> {
  const valid = parseComparisonReport(report, 'comparison report');
  const [bundle, envelope] = await Promise.all([ensureUiBundle(), encodeEnvelopeInNode('comparison', valid)]);
  return renderHtml({ title: comparisonTitle(valid), bundle, envelope });
}

/** Writes comparison.html (default: beside comparison.json), atomically; returns its path. */
export async function writeComparisonReport(comparisonFile: string, out = path.join(path.dirname(comparisonFile), 'comparison.html')): Promise<string> {
  const html = await renderComparisonHtml(await loadComparisonReport(comparisonFile));
  await mkdir(path.dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  await writeFile(tmp, html);
  await rename(tmp, out);
  return out;
}
