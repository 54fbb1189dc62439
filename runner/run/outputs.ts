// Where a run's files go, and the report written beside result.json.
import path from 'node:path';
import type { RunResult } from '../result/schema.ts';

/** reports/out/<UTC timestamp>-<scenario>/ under the current directory. */
export function defaultOutDir(scenarioName: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return path.join('reports', 'out', `${stamp}-${scenarioName.replace(/[^A-Za-z0-9._-]/g, '_')}`);
}

/**
 * Writes a run's report to `file`. The report builder (reports/) is an output sink above the
 * run layer: the CLI hands it down (runner/cli/sinks.ts).
 */
export type ReportWriter = (result: RunResult, file: string) => Promise<void>;

/**
 * Writes report.html beside result.json with the report writer given. A report that cannot be
 * built never loses the result: the error is shown, the result stays.
 */
export async function writeReportBeside(result: RunResult, outDir: string, writeReport: ReportWriter, warn: (m: string) => void): Promise<string | null> {
  const file = path.join(outDir, 'report.html');
  try {
    await writeReport(result, file);
    return file;
  } catch (e) {
    warn(`report.html not written: ${e instanceof Error ? e.message : String(e)} (result.json is complete; rebuild with \`stampede report\`)`);
    return null;
  }
}
