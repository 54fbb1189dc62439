// `stampede diff <a> <b>`: two runs compared per metric and request name, with confidence intervals.
import { parseCommandArgs, numberFlag } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { historyLocation, openHistoryForReading } from '../history/open.ts';
import { resolveRun, type ResolvedRun } from '../history/resolve.ts';
import { DEFAULT_CONFIDENCE, diffSeconds } from '../history/diff.ts';
import { formatDiffTable } from '../history/format.ts';
import { targetKey } from '../history/identity.ts';
import type { HistoryStore } from '../history/store.ts';

export const USAGE = `usage: stampede diff <run-a> <run-b> [options]

  a run is a result.json path (or its folder), a run id from \`stampede history\`, or
  last, last-passed, baseline (of the other run's scenario)

  --confidence C       two-sided confidence of the intervals (default 0.99; per request name, simultaneous)
  --seed N             the bootstrap's seed (default 1: the same runs give the same answer)
  --reps N             bootstrap resamples (default 2000)
  --json               the comparison as JSON

Per request name and for all requests: p50/p90/p99 of http_req_latency and http_req_duration,
the request rate and the failed share, B against A, each change with its interval and a verdict
(faster, slower, no evidence of change). Intervals come from a circular block bootstrap over
each run's per-second histograms (runner/history/README.md).

exit codes: 0 compared, 2 bad input (a run not found, a result without per-second histograms)`;

/** Resolves both references; `baseline` takes its scenario and target from the other run. */
export async function resolvePair(store: HistoryStore, refA: string, refB: string, where: string): Promise<[ResolvedRun, ResolvedRun]> {
  const first = refA === 'baseline' ? refB : refA;
  const one = await resolveRun(store, first, {}, where);
  const ctx = { scenario: one.result.meta.scenarioName, target: targetKey(one.result.meta.target, one.result.meta.targetConfig, one.result.meta.env) };
  const other = await resolveRun(store, first === refA ? refB : refA, ctx, where);
  return first === refA ? [one, other] : [other, one];
}

export function secondsOf(r: ResolvedRun, where: string) {
  const s = r.result.seconds;
  if (!s || s.length === 0) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${where}: ${r.file}: no per-second histograms (written by an older Stampede, or imported): it can be listed, not diffed`);
  return s;
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs('diff', argv, { confidence: { type: 'string' }, seed: { type: 'string' }, reps: { type: 'string' }, json: { type: 'boolean' } }, USAGE);
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  if (positionals.length !== 2) throw new StampedeError('STAMPEDE_E_USAGE', `stampede diff: two runs expected, got ${positionals.length}`, USAGE.split('\n'));
  const confidence = numberFlag('diff', 'confidence', values.confidence, { min: 0.5, max: 0.999 }) ?? DEFAULT_CONFIDENCE;
  const seed = numberFlag('diff', 'seed', values.seed, { min: 0, max: 2 ** 32 - 1, integer: true }) ?? 1;
  const reps = numberFlag('diff', 'reps', values.reps, { min: 100, max: 100_000, integer: true }) ?? 2000;
  const store = await openHistoryForReading(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
  try {
    const [a, b] = await resolvePair(store, positionals[0] as string, positionals[1] as string, 'stampede diff');
    const report = diffSeconds(secondsOf(a, 'stampede diff'), secondsOf(b, 'stampede diff'), { confidence, seed, reps });
    const label = (r: ResolvedRun) => `${r.run ? r.run.id : r.ref} — ${r.result.meta.scenarioName}, ${r.result.meta.startTime}${r.run?.identity.gitCommit ? `, ${r.run.identity.gitCommit.slice(0, 10)}` : ''} (${r.file})`;
    if (values.json) process.stdout.write(JSON.stringify({ a: { ref: a.ref, id: a.run?.id ?? null, file: a.file }, b: { ref: b.ref, id: b.run?.id ?? null, file: b.file }, ...report }, null, 1) + '\n');
    else process.stdout.write(formatDiffTable(report, { a: label(a), b: label(b) }));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
