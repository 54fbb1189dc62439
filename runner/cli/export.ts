// `stampede export k6 <scenario.ts> [--out FILE] [--latency-as-duration]`: a k6 script of the
// scenario (options, journeys on k6's API, setup/teardown); refusals exit 2 naming each construct.
import { writeFile } from 'node:fs/promises';
import { EXIT, StampedeError } from '../errors.ts';
import { exportK6 } from '../k6/export.ts';
import { scenarioEnv } from './scenario-env.ts';
import { parseCommandArgs, usageHint } from './args.ts';
import { checkOutputFile } from './output-paths.ts';

export const USAGE = `usage: stampede export k6 <scenario.ts> [--out FILE] [--latency-as-duration]

  --out FILE               write the k6 script here (default: standard output)
  --latency-as-duration    export thresholds on http_req_latency as http_req_duration
                           (k6 has no coordinated-omission-corrected latency; refused otherwise)

What is translated, and what is refused: runner/k6/README.md.
exit codes: 0 written, 2 the scenario uses something k6 cannot express (each one named with its line)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('export', argv, { out: { type: 'string', short: 'o' }, 'latency-as-duration': { type: 'boolean' } }, USAGE);
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [target, file, ...extra] = positionals;
  if (target !== 'k6') throw new StampedeError('STAMPEDE_E_USAGE', `stampede export: expected the target "k6", got ${JSON.stringify(target ?? '')}`, usageHint('export'));
  if (!file || extra.length > 0) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede export k6: expected one scenario file', usageHint('export'));
  if (values.out !== undefined) checkOutputFile('export', 'out', values.out);
  const { script, notes } = await exportK6(file, { latencyAsDuration: values['latency-as-duration'] === true }, scenarioEnv({}));
  for (const n of notes) process.stderr.write(`note: ${n}\n`);
  if (values.out) {
    await writeFile(values.out, script);
    process.stderr.write(`k6 script: ${values.out}\n`);
  } else process.stdout.write(script);
  return EXIT.ok;
}
