// `stampede import k6 <file...> [--out DIR]`: k6 results (--out json NDJSON, plain or .gz, one
// file per runner; or an end-of-test summary) → result.json + report.html.
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { toJUnit } from '../ci-outputs/junit.ts';
import { toMarkdownSummary } from '../ci-outputs/markdown.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { writeRunResult } from '../result/io.ts';
import { defaultOutDir, writeReportBeside } from '../run/outputs.ts';
import { writeRunReport } from './sinks.ts';
import { importK6 } from '../k6/import.ts';
import { parseCommandArgs, usageHint } from './args.ts';
import { checkOutputDir, checkOutputFile } from './output-paths.ts';

export const USAGE = `usage: stampede import k6 <file...> [--out DIR]

  file        k6 --out json output (NDJSON, optionally gzipped), one per runner (the k6
              operator's pods): all are merged into one result with exact percentiles;
              or one k6 end-of-test summary (--summary-export, or handleSummary's JSON.stringify(data))
  --out DIR   where result.json and report.html go (default reports/out/<UTC time>-<name>/)
  --junit FILE       also write JUnit XML of the thresholds and checks (for CI test reports)
  --summary-md FILE  also append a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)

exit codes: 0 written and every threshold passed, 99 written and a threshold failed (as k6),
            2 bad input (the message names the file and line)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('import', argv, { out: { type: 'string', short: 'o' }, junit: { type: 'string' }, 'summary-md': { type: 'string' } }, USAGE);
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [source, ...files] = positionals;
  if (source !== 'k6') throw new StampedeError('STAMPEDE_E_USAGE', `stampede import: expected the source "k6", got ${JSON.stringify(source ?? '')}`, usageHint('import'));
  if (files.length === 0) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede import k6: at least one file is required', usageHint('import'));
  // outputs first: a path that cannot be written is refused before the files are read
  if (values.out !== undefined) checkOutputDir('import', 'out', values.out);
  if (values.junit !== undefined) checkOutputFile('import', 'junit', values.junit);
  if (values['summary-md'] !== undefined) checkOutputFile('import', 'summary-md', values['summary-md'], { append: true });
  const result = await importK6(files);
  const outDir = checkOutputDir('import', 'out', values.out ?? defaultOutDir(`k6-${result.meta.scenarioName}`));
  const resultFile = path.join(outDir, 'result.json');
  await writeRunResult(resultFile, result);
  if (values.junit) await writeFile(values.junit, toJUnit(result));
  if (values['summary-md']) await appendFile(values['summary-md'], toMarkdownSummary(result) + '\n');
  const report = await writeReportBeside(result, outDir, writeRunReport, (m) => process.stderr.write(m + '\n'));
  const imp = result.meta.imported;
  const failed = result.thresholds.filter((t) => !t.ok).length;
  process.stdout.write(
    [
      `imported ${files.length} file(s) from ${imp?.from ?? 'k6'}${imp?.histograms ? ' with histograms' : ' (summary values only, no histograms)'}`,
      `thresholds: ${result.thresholds.length - failed} passed, ${failed} failed`,
      `result: ${resultFile}`,
      report ? `report: ${report}` : '',
    ]
      .filter(Boolean)
      .join('\n') + '\n',
  );
  return failed > 0 ? EXIT.thresholdsFailed : EXIT.ok;
}
