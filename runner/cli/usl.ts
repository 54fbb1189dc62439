// `stampede usl <points.csv> [--json]`: fits the Universal Scalability Law to measured
// (n, throughput) points and prints α, β, γ, N*, X(N*), R² and the residuals.
import { readFileSync } from 'node:fs';
import { EXIT, StampedeError } from '../errors.ts';
import { parsePointsCsv } from '../capacity/points-csv.ts';
import { fitUsl } from '../capacity/usl.ts';
import { formatUslHuman, uslToJson } from '../capacity/usl-format.ts';
import { parseCommandArgs, usageHint } from './args.ts';

const USAGE = `usage: stampede usl <points.csv> [--json]

Fits X(N) = γN / (1 + α(N−1) + βN(N−1)) to measured points by bounded least squares
(α, β in [0, 1], γ ≥ 0). The file has one "n,throughput" row per measurement (at least 6,
at least 3 distinct n); a header row, blank lines and # comments are ignored.

options:
  --json    print one JSON object (alpha, beta, gamma, peakConcurrency, peakThroughput,
            amdahlCeiling, r2, standardErrors, residuals, notes); an unbounded N* (β = 0)
            is null there, with peakUnbounded: true
  -h, --help`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('usl', argv, { json: { type: 'boolean' } }, USAGE);
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede usl: expected one points file, got ${positionals.length}`, usageHint('usl'));
  }
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const reason = e instanceof Error && 'code' in e && e.code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e);
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `stampede usl: cannot read points file ${file}: ${reason}`);
  }
  const points = parsePointsCsv(text, file);
  let fit;
  try {
    fit = fitUsl(points);
  } catch (e) {
    // Name the file: the fitter only knows points.
    if (e instanceof StampedeError) throw new StampedeError(e.code, `${file}: ${e.message}`, e.details);
    throw e;
  }
  process.stdout.write(values.json ? JSON.stringify(uslToJson(fit)) + '\n' : formatUslHuman(fit, file) + '\n');
  return EXIT.ok;
}
