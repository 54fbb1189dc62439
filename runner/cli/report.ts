// `stampede report <result.json|comparison.json|capacity.json>`: rebuild the self-contained HTML page from a
// document (validated first: a bad file exits 2 naming the file and the field). A run's page
// is report.html beside result.json; a comparison's comparison.html beside comparison.json;
// a capacity study's is capacity.html beside capacity.json.
import path from 'node:path';
import { EXIT, StampedeError } from '../errors.ts';
import { readJsonFile } from '../result/io.ts';
import { validateRunResult } from '../result/validate-run.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';
import { validateOrThrow } from '../result/validate.ts';
import { parseCommandArgs, usageHint } from './args.ts';
import { checkOutputFile } from './output-paths.ts';

const USAGE = `usage: stampede report <result.json|comparison.json|capacity.json> [--out FILE]

Rebuilds the HTML page of a document and writes it beside the document (report.html for a
run result, comparison.html for a comparison — which also reads its runs' result.json files —,
capacity.html for a capacity study), or to --out FILE. The page is one file: it
opens from disk with no network.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('report', argv, { out: { type: 'string', short: 'o' } }, USAGE);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [file, ...extra] = args.positionals;
  if (!file || extra.length > 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede report: expected one document, got ${args.positionals.length}`, usageHint('report'));
  if (args.values.out !== undefined) checkOutputFile('report', 'out', args.values.out, { createsFolder: true });
  const doc = await readJsonFile(file);
  const kind = typeof doc === 'object' && doc !== null && 'kind' in doc ? (doc as { kind: unknown }).kind : undefined;
  if (kind === 'comparison') {
    // validated (exit 2 naming the field), then each configuration's median run's timeline is read from its result.json
    const { writeComparisonReport } = await import('../../reports/comparison.ts');
    process.stdout.write(`report: ${await writeComparisonReport(file, args.values.out)}
`);
    return EXIT.ok;
  }
  if (kind === 'capacity') {
    const capacity = validateOrThrow(capacityDocumentSchema, doc, file, 'STAMPEDE_E_RESULT_INVALID');
    const out = args.values.out ?? path.join(path.dirname(file), 'capacity.html');
    const { writeCapacityReport } = await import('../../reports/build.ts');
    await writeCapacityReport(capacity, out);
    process.stdout.write(`report: ${out}\n`);
    return EXIT.ok;
  }
  if (kind !== 'run') {
    const got = typeof doc !== 'object' || doc === null || Array.isArray(doc) ? `the document is ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}, not an object` : kind === undefined ? 'but it is missing' : `got ${JSON.stringify(kind)}`;
    throw new StampedeError('STAMPEDE_E_RESULT_INVALID', `${file}: kind: expected "run", "comparison" or "capacity", ${got}`);
  }
  const result = validateRunResult(doc, file);
  const out = args.values.out ?? path.join(path.dirname(file), 'report.html');
  const { writeRunReport } = await import('../../reports/build.ts');
  await writeRunReport(result, out);
  process.stdout.write(`report: ${out}\n`);
  return EXIT.ok;
}
