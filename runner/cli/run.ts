// `stampede run <scenario.ts> [--out DIR] [--env K=V]... [--target URL | --target-config K=V,...] [--threads N] [--quiet]`
import path from 'node:path';
import { existsSync } from 'node:fs';
import { parseCommandArgs, keyValueFlags, numberFlag } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { runAgainstTarget } from '../orchestrate/run-against.ts';
import { parseConfigPairs, validateTargetConfig } from '../orchestrate/target-config.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import { formatInvariants } from '../orchestrate/invariants.ts';
import { progressReporter } from '../run/progress.ts';
import { formatSummary } from '../run/summary.ts';
import { writeRunResult } from '../result/io.ts';
import { defaultOutDir, writeReportBeside } from '../run/outputs.ts';
import { openLiveStream, resolveIngestUrl } from '../run/live.ts';
import { handleInterrupts } from './interrupt.ts';
import { appendFile, writeFile } from 'node:fs/promises';
import type { LiveState } from '../run/run-test.ts';
import { COMMAND_TARGET_OPTIONS, COMMAND_TARGET_USAGE, commandTargetFromFlags } from './command-target-flags.ts';
import { specPlaceholders } from '../orchestrate/command-target.ts';
import { checkKnobsAgainstPlaceholders } from '../orchestrate/placeholders.ts';

export const USAGE = `usage: stampede run <scenario.ts> [options]

  --out DIR            where result.json and report.html go (default reports/out/<UTC time>-<scenario>/)
  --env K=V            a value for the scenario's vu.env (k6 __ENV); repeatable
  --target URL         the base URL under test; also given to the scenario as env BASE / BASE_URL
  --target-config K=V,...
                       start the flash-sale shop in this configuration (e.g. variant=async,cache=redis;
                       keys as \`stampede target\` flags), wait for /readyz, run against it (env BASE,
                       BASE_URL, ADMIN_TOKEN), stop it
  --ready-timeout D    how long the started shop may take to be ready (default 120s); then exit 3
${COMMAND_TARGET_USAGE}
  --knob K=V           the value of {K} in --target-cmd; repeatable
  --threads N          engine worker threads (default 1); the schedule is split between them
  --quiet              no progress line and no summary (the result is still written)
  --junit FILE         thresholds and checks as JUnit XML (for a CI job's test report)
  --summary-md FILE    a Markdown summary appended to FILE (e.g. $GITHUB_STEP_SUMMARY)
  --metrics-port N     serve the run's live metrics in Prometheus format on N (--metrics-host, default 127.0.0.1)
  --dashboard URL      stream the run live to the \`stampede dashboard\` at URL; without the flag, a
                       dashboard running from this folder is found and used (--no-dashboard: don't)

When the target answers /metrics (Prometheus), it is scraped every second into result.server.

exit codes: 0 passed, 99 a threshold failed, 2 bad input, 3 the target could not start or get ready,
            130 interrupted (partial result written)`;

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    'run',
    argv,
    {
      out: { type: 'string' },
      env: { type: 'string', multiple: true },
      target: { type: 'string' },
      'target-config': { type: 'string' },
      'ready-timeout': { type: 'string' },
      threads: { type: 'string' },
      quiet: { type: 'boolean' },
      dashboard: { type: 'string' },
      'no-dashboard': { type: 'boolean' },
      junit: { type: 'string' },
      'summary-md': { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      ...COMMAND_TARGET_OPTIONS,
      knob: { type: 'string', multiple: true },
    },
    USAGE,
  );
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new StampedeError('STAMPEDE_E_USAGE', positionals.length > 1 ? `stampede run: one scenario file expected, got ${positionals.length}` : 'stampede run: a scenario file is required', USAGE.split('\n'));
  const env = keyValueFlags('run', 'env', values.env);
  const threads = numberFlag('run', 'threads', values.threads, { min: 1, max: 64, integer: true }) ?? 1;
  let target: string | null = null;
  if (values.target !== undefined) {
    try {
      target = new URL(values.target).href.replace(/\/$/, '');
    } catch {
      throw new StampedeError('STAMPEDE_E_USAGE', `stampede run: --target: expected a URL such as http://127.0.0.1:8080, got ${JSON.stringify(values.target)}`);
    }
    env.BASE ??= target;
    env.BASE_URL ??= target;
  }
  const targetConfig = values['target-config'] === undefined ? null : validateTargetConfig(parseConfigPairs(values['target-config'], 'stampede run: --target-config'), 'stampede run: --target-config').config;
  if (targetConfig && target) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede run: --target and --target-config: give one (--target-config starts its own target)');
  const readyTimeoutMs = values['ready-timeout'] === undefined ? 120_000 : tryParseDurationMs(values['ready-timeout']);
  if (readyTimeoutMs === undefined || readyTimeoutMs <= 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede run: --ready-timeout: expected a duration such as 90s, got ${JSON.stringify(values['ready-timeout'])}`);
  const commandSpec = commandTargetFromFlags('run', values, readyTimeoutMs);
  const knobs = keyValueFlags('run', 'knob', values.knob);
  if (commandSpec) {
    if (target || targetConfig) throw new StampedeError('STAMPEDE_E_USAGE', `stampede run: --target-cmd and ${target ? '--target' : '--target-config'}: give one`);
    checkKnobsAgainstPlaceholders(specPlaceholders(commandSpec), Object.keys(knobs), 'stampede run: --knob');
  } else if (values.knob !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede run: --knob needs --target-cmd');
  const quiet = values.quiet === true;
  const scenarioName = path.basename(file).replace(/\.[cm]?[jt]s$/, '');
  const outDir = path.resolve(values.out ?? defaultOutDir(scenarioName));
  if (!existsSync(file)) throw new StampedeError('STAMPEDE_E_SCENARIO_NOT_FOUND', `${file}: no such scenario file`);

  // first Ctrl-C: stop gracefully and write a partial result; second: abort now
  const interrupts = handleInterrupts('(a partial result will be written)');
  const { stopRequested } = interrupts;

  const progress = quiet ? null : progressReporter(process.stderr);
  const warn = (m: string) => process.stderr.write(m + '\n');
  const ingest = values['no-dashboard'] ? null : resolveIngestUrl(values.dashboard);
  const live = ingest ? await openLiveStream(ingest, warn) : null;
  const metricsPort = numberFlag('run', 'metrics-port', values['metrics-port'], { min: 0, max: 65535, integer: true });
  let lastState: LiveState | null = null;
  // the CI outputs are loaded only when asked for: start-up time is CPU the generator pays
  const prometheus = metricsPort === undefined ? null : await import('../ci-outputs/prometheus.ts');
  const formatPrometheus = prometheus?.formatPrometheus;
  const metrics =
    metricsPort === undefined || !prometheus || !formatPrometheus
      ? null
      : await prometheus.serveMetrics(metricsPort, () => (lastState ? formatPrometheus(lastState.aggregate, { planned_seconds: lastState.plannedMs / 1000 }) : '# no data yet\n'), values['metrics-host'] ?? '127.0.0.1');
  try {
    const { result, thresholdsFailed, invariants } = await runAgainstTarget({
      file,
      env,
      threads,
      target,
      targetConfig,
      command: commandSpec ? { spec: commandSpec, knobs, logFile: path.join(outDir, 'target.log') } : null,
      readyTimeoutMs,
      stopRequested,
      onSecond: (s) => {
        lastState = s;
        progress?.update(s);
        live?.second(s);
      },
    });
    progress?.done();
    const resultFile = path.join(outDir, 'result.json');
    await writeRunResult(resultFile, result);
    const reportFile = await writeReportBeside(result, outDir, warn);
    await live?.end(result);
    if (values.junit) await writeFile(values.junit, (await import('../ci-outputs/junit.ts')).toJUnit(result));
    if (values['summary-md']) await appendFile(values['summary-md'], (await import('../ci-outputs/markdown.ts')).toMarkdownSummary(result) + '\n');
    if (!quiet) process.stdout.write(formatSummary(result, { result: resultFile, report: reportFile ?? undefined }));
    if (!quiet && invariants) process.stdout.write(`  shop invariants: ${formatInvariants(invariants)}\n`);
    // interrupted wins over a failed threshold: the run did not finish, so no verdict is final
    if (interrupts.interrupted()) return EXIT.aborted;
    if (thresholdsFailed) return EXIT.thresholdsFailed;
    return EXIT.ok;
  } finally {
    await metrics?.close();
    progress?.done();
    interrupts.dispose();
  }
}
