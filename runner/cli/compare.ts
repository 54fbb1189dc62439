// `stampede compare <scenario.ts> --matrix <matrix.json | 'variant=sync,async;cache=none,redis'>
//   [--repeat N] [--cooldown 5s] [--out DIR] [--env K=V]... [--threads N] [--ready-timeout D]`
import path from 'node:path';
import { EXIT, StampedeError } from '../errors.ts';
import { parseMatrix } from '../compare/matrix.ts';
import { runComparison } from '../compare/run-matrix.ts';
import { formatComparisonTable } from '../compare/table.ts';
import { defaultOutDir } from '../run/outputs.ts';
import { progressReporter } from '../run/progress.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { scenarioEnv } from './scenario-env.ts';
import { keyValueFlags, numberFlag, parseCommandArgs, usageHint } from './args.ts';
import { handleInterrupts } from './interrupt.ts';
import { writeRunReport } from './sinks.ts';
import { checkOutputDir } from './output-paths.ts';
import { COMMAND_TARGET_OPTIONS, COMMAND_TARGET_USAGE, commandTargetFromFlags } from './command-target-flags.ts';
import { commandMatrix, isCommandMatrixFile, type ComparisonEntry } from '../compare/command-matrix.ts';

export const USAGE = `usage: stampede compare <scenario.ts> --matrix <matrix.json | 'K=v1,v2;K=v1,v2'> [options]

Runs the scenario against each configuration of the flash-sale shop in turn — start it, wait
for /readyz, run, read its invariants, stop it, cool down — and ranks them.

  --matrix M           inline axes, whose cartesian product is taken: 'variant=sync,async;cache=none,redis'
                       or a JSON file: a list of configurations [{"variant":"sync"}, ...], or
                       {"axes": {"variant": ["sync","async"]}, "base": {"stock": 200}, "configurations": [...]}
                       keys are \`stampede target\` knobs (variant, cache, queue, workers, pool, ...)
  --repeat N           runs per configuration (default 1); with N ≥ 2 the table shows median and range,
                       and calls a difference real only when the ranges do not overlap
  --cooldown D         pause between runs (default 5s)
  --out DIR            default reports/out/<UTC time>-compare-<scenario>/; each run writes
                       <DIR>/<configuration>/run-<n>/result.json + report.html, and <DIR>/comparison.json
                       + comparison.html (the page: ranked table, bars, p99 over time; opens offline)
  --env K=V            a value for the scenario (k6 __ENV); repeatable; the same for every configuration
  --threads N          engine worker threads (default 1)
  --ready-timeout D    how long a configuration may take to be ready (default 120s); else it is skipped
  --rank latency|cost  latency (default): lower p99 first; cost: "the cheapest configuration that meets
                       the SLO": of those whose invariants held and thresholds passed, the lowest target
                       CPU-seconds per 1,000 requests first (measured from /proc for started targets)

Your own service instead of the shop: --target-cmd with {placeholders} whose values are the matrix's
axes (--matrix 'workers=1,2;delay=0,20'), or a matrix file of configurations that may each run their
own program: [{"name": "py-2", "cmd": "gunicorn -w {workers} -b 127.0.0.1:{port} app:app",
"knobs": {"workers": 2}, "env": {"K": "v"}, "ready": "/healthz"}, ...]
${COMMAND_TARGET_USAGE}

A configuration that cannot start here (e.g. no Redis) is reported as skipped with the reason;
the others still run. comparison.json holds each run's summary and the path of its result.json.

exit codes: 0 compared (threshold failures of single runs are results, shown in the table),
            2 bad input (scenario, matrix), 3 no configuration could start, 130 interrupted`;

function durationFlag(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const ms = tryParseDurationMs(raw);
  if (ms === undefined || ms < 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede compare: --${flag}: expected a duration such as 5s, got ${JSON.stringify(raw)}`);
  return ms;
}

/** comparison.html beside comparison.json; a page that cannot be built never fails the comparison. */
async function writeComparisonPage(file: string, warn: (m: string) => void): Promise<string | null> {
  try {
    const { writeComparisonReport } = await import('../../reports/comparison.ts');
    return await writeComparisonReport(file);
  } catch (e) {
    warn(`comparison.html not written: ${e instanceof Error ? e.message : String(e)} (comparison.json is complete; rebuild with \`stampede report\`)`);
    return null;
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    'compare',
    argv,
    {
      matrix: { type: 'string' },
      repeat: { type: 'string' },
      cooldown: { type: 'string' },
      out: { type: 'string' },
      env: { type: 'string', multiple: true },
      threads: { type: 'string' },
      'ready-timeout': { type: 'string' },
      ...COMMAND_TARGET_OPTIONS,
      rank: { type: 'string' },
    },
    USAGE,
  );
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new StampedeError('STAMPEDE_E_USAGE', positionals.length > 1 ? `stampede compare: one scenario file expected, got ${positionals.length}` : 'stampede compare: a scenario file is required', usageHint('compare'));
  if (values.matrix === undefined) throw new StampedeError('STAMPEDE_E_USAGE', "stampede compare: --matrix is required (e.g. --matrix 'variant=sync,async;cache=none,redis')");
  // the matrix first: a bad knob is refused before anything is loaded or started
  const commandSpec = commandTargetFromFlags('compare', values, durationFlag('ready-timeout', values['ready-timeout'], 120_000));
  const entries: ComparisonEntry[] =
    commandSpec || isCommandMatrixFile(values.matrix) ? commandMatrix(values.matrix, commandSpec, durationFlag('ready-timeout', values['ready-timeout'], 120_000)) : parseMatrix(values.matrix);
  if (values.rank !== undefined && values.rank !== 'latency' && values.rank !== 'cost') throw new StampedeError('STAMPEDE_E_USAGE', `stampede compare: --rank: expected latency or cost, got ${JSON.stringify(values.rank)}`);
  const rankBy = values.rank === 'cost' ? 'cost' : 'latency';
  const repeat = numberFlag('compare', 'repeat', values.repeat, { min: 1, max: 100, integer: true }) ?? 1;
  const threads = numberFlag('compare', 'threads', values.threads, { min: 1, max: 64, integer: true }) ?? 1;
  const cooldownMs = durationFlag('cooldown', values.cooldown, 5000);
  const readyTimeoutMs = durationFlag('ready-timeout', values['ready-timeout'], 120_000);
  const env = keyValueFlags('compare', 'env', values.env);
  // loaded once, here, with --env: a broken scenario fails before any target starts, and every
  // configuration runs a plan derived from this one (its target's BASE set; run-against.ts)
  const plan = await loadPlan(file, { env: scenarioEnv(env), recordedEnv: env, threads });
  const outDir = checkOutputDir('compare', 'out', values.out ?? defaultOutDir(`compare-${plan.scenario.name}`));
  const history = await (await import('../history/recorder.ts')).openRecorder({ setting: process.env.STAMPEDE_HISTORY_URL, cwd: process.cwd(), command: ['stampede', 'compare', ...argv].join(' '), warn: (m) => process.stderr.write(m + '\n') });

  // first Ctrl-C: finish the current run gracefully (its partial result is kept), start no more
  const interrupts = handleInterrupts('after this run; comparison.json keeps what was measured');
  const { stopRequested } = interrupts;
  const say = (line: string) => process.stderr.write(`stampede compare: ${line}\n`);
  // one progress line per run (a holder: the callbacks replace it)
  const live: { progress: ReturnType<typeof progressReporter> | null } = { progress: null };
  say(`${entries.length} configuration(s) × ${repeat} run(s) of ${file} → ${outDir}`);
  try {
    const { comparison, file: comparisonFile, interrupted } = await runComparison({
      plan,
      matrixSource: values.matrix,
      entries,
      repeat,
      cooldownMs,
      outDir,
      readyTimeoutMs,
      rankBy,
      stopRequested,
      log: (l) => {
        live.progress?.done();
        say(l);
      },
      onRunStart: ({ entry, index, repeat: r }) => {
        live.progress?.done();
        say(`[${index + 1}/${entries.length}] ${entry.label}${repeat > 1 ? ` run ${r}/${repeat}` : ''}`);
        live.progress = progressReporter(process.stderr);
      },
      onSecond: (s) => live.progress?.update(s),
      writeReport: writeRunReport,
    });
    live.progress?.done();
    await (await import('../history/record-comparison.ts')).recordComparisonRuns(history, comparison, comparisonFile);
    const page = await writeComparisonPage(comparisonFile, say);
    process.stdout.write(formatComparisonTable(comparison));
    process.stdout.write(`  comparison ... ${comparisonFile}\n`);
    if (page) process.stdout.write(`  page ......... ${page}\n`);
    for (const cfg of comparison.configurations) {
      for (const r of cfg.runs) if (r.reportFile) process.stdout.write(`  report ....... ${path.join(outDir, r.reportFile)}\n`);
    }
    if (interrupted) return EXIT.aborted;
    if (comparison.configurations.every((c) => c.status === 'skipped')) return EXIT.targetUnavailable;
    return EXIT.ok;
  } finally {
    await history.close();
    live.progress?.done();
    interrupts.dispose();
  }
}
