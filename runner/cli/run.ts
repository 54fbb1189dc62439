// `stampede run <scenario.ts> [--out DIR] [--env K=V]... [--target URL | --target-config K=V,...] [--threads N] [--quiet]`
import path from 'node:path';
import { keyValueFlags, numberFlag, parseCommandArgs, usageHint } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { runAgainstTarget } from '../orchestrate/run-against.ts';
import { parseConfigPairs, recordedConfig, validateTargetConfig } from '../orchestrate/target-config.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import { formatInvariants } from '../orchestrate/invariants.ts';
import { progressReporter } from '../run/progress.ts';
import { formatSummary } from '../run/summary.ts';
import { defaultOutDir, writeReportBeside } from '../run/outputs.ts';
import { openLiveStream, resolveIngestUrl } from '../run/live.ts';
import { connectLiveDashboard, writeRunReport } from './sinks.ts';
import { handleInterrupts } from './interrupt.ts';
import { scenarioEnv } from './scenario-env.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { scenarioName as scenarioNameOf } from '../scenario/load.ts';
import { checkOutputDir, checkOutputFile } from './output-paths.ts';
import { writeResultOrRescue, writeSideOutput } from './result-rescue.ts';
import { dashboardUrlFlag, httpUrlFlag, listenOrRefuse } from './flag-values.ts';
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
  --k6                 the file is a k6 script (found by itself when it imports k6 modules); run unchanged
  --summary-export FILE
                       k6's end-of-test summary JSON (as k6 --summary-export) written to FILE
  --metrics-port N     serve the run's live metrics in Prometheus format on N (--metrics-host, default 127.0.0.1)
  --baseline R         after the run, compare it with run R (a run id, last, last-passed, baseline, or a
                       result.json): per metric and request name, with confidence intervals
  --fail-on RULES      with --baseline: exit 99 when a regression beyond a tolerance is significant,
                       e.g. 'p(99)+10%,rate-5%' (also http_req_duration.p(95)+5ms, errors+1%)
  --no-history         do not record the run in the run history (reports/history.sqlite, or STAMPEDE_HISTORY_URL)
  --dashboard URL      stream the run live to the \`stampede dashboard\` at URL; without the flag, a
                       dashboard running from this folder is found and used (--no-dashboard: don't)

When the target answers /metrics (Prometheus), it is scraped every second into result.server.

exit codes: 0 passed, 99 a threshold failed, 2 bad input, 3 the target could not start or get ready,
            108 the k6 script called exec.test.abort() (result written), 130 interrupted (partial result written)`;

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
      k6: { type: 'boolean' },
      'summary-export': { type: 'string' },
      'no-history': { type: 'boolean' },
      baseline: { type: 'string' },
      'fail-on': { type: 'string' },
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
  if (!file || positionals.length > 1) throw new StampedeError('STAMPEDE_E_USAGE', positionals.length > 1 ? `stampede run: one scenario file expected, got ${positionals.length}` : 'stampede run: a scenario file is required', usageHint('run'));
  const env = keyValueFlags('run', 'env', values.env);
  const threads = numberFlag('run', 'threads', values.threads, { min: 1, max: 64, integer: true }) ?? 1;
  let target: string | null = null;
  if (values.target !== undefined) {
    target = httpUrlFlag('run', 'target', values.target).replace(/\/$/, '');
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
  const scenarioName = scenarioNameOf(file);
  const outDir = path.resolve(values.out ?? defaultOutDir(scenarioName));
  // the scenario is loaded once, here, with the env its top level sees; the run is its plan
  const plan = await loadPlan(file, { env: scenarioEnv(env), recordedEnv: env, threads, target, k6: values.k6 === true });
  // every output and listener is checked before any load is sent
  checkOutputDir('run', 'out', values.out ?? outDir);
  if (values.junit !== undefined) checkOutputFile('run', 'junit', values.junit);
  if (values['summary-md'] !== undefined) checkOutputFile('run', 'summary-md', values['summary-md'], { append: true });
  const summaryExport = values['summary-export'] === undefined ? null : checkOutputFile('run', 'summary-export', values['summary-export']);
  if (values.dashboard !== undefined) dashboardUrlFlag('run', values.dashboard);
  const metricsPort = numberFlag('run', 'metrics-port', values['metrics-port'], { min: 0, max: 65535, integer: true });

  let lastState: LiveState | null = null;
  // the CI outputs are loaded only when asked for: start-up time is CPU the generator pays
  const prometheus = metricsPort === undefined ? null : await import('../ci-outputs/prometheus.ts');
  const formatPrometheus = prometheus?.formatPrometheus;
  const metricsHost = values['metrics-host'] ?? '127.0.0.1';
  // '' would make node listen on every interface: the metrics of a run are not everyone's
  if (metricsHost.trim() === '') throw new StampedeError('STAMPEDE_E_USAGE', 'stampede run: --metrics-host: expected an address to listen on such as 127.0.0.1, got an empty string');
  // listening is the last check before the run: a port in use is refused before any load
  const metrics =
    metricsPort === undefined || !prometheus || !formatPrometheus
      ? null
      : await listenOrRefuse('run', 'metrics-port', `${metricsHost}:${metricsPort}`, () =>
          prometheus.serveMetrics(metricsPort, () => (lastState ? formatPrometheus(lastState.aggregate, { planned_seconds: lastState.plannedMs / 1000 }) : '# no data yet\n'), metricsHost),
        );

  // the history store is opened before any load: a damaged or foreign one is exit 2 up front
  if (values['fail-on'] !== undefined && values.baseline === undefined) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede run: --fail-on needs --baseline (the run to compare with)');
  const history = values['no-history'] && values.baseline === undefined ? null : await (await import('../history/recorder.ts')).openRecorder({ setting: process.env.STAMPEDE_HISTORY_URL, cwd: process.cwd(), command: ['stampede', 'run', ...argv].join(' '), warn: (m) => process.stderr.write(m + '\n') });
  const gate = values.baseline === undefined || !history ? null : await (await import('../history/run-gate.ts')).prepareGate(await history.reading(), values.baseline, values['fail-on'], { scenario: scenarioName, target: (await import('../history/identity.ts')).targetKey(target, targetConfig ? recordedConfig(targetConfig) : null, env) });

  // first Ctrl-C: stop gracefully and write a partial result; second: abort now
  const interrupts = handleInterrupts('(a partial result will be written)');
  const { stopRequested } = interrupts;

  const progress = quiet ? null : progressReporter(process.stderr);
  const warn = (m: string) => process.stderr.write(m + '\n');
  const ingest = values['no-dashboard'] ? null : resolveIngestUrl(values.dashboard);
  const live = ingest ? await openLiveStream(ingest, connectLiveDashboard, warn) : null;
  try {
    const { result, thresholdsFailed, invariants, handleSummary, setupData, scriptAborted } = await runAgainstTarget({
      plan,
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
    const resultFile = await writeResultOrRescue(path.join(outDir, 'result.json'), result, warn);
    if (!values['no-history']) await history?.recordRun(result, resultFile);
    const regression = gate?.evaluate(result) ?? null;
    const reportFile = await writeReportBeside(result, path.dirname(resultFile), writeRunReport, warn);
    await live?.end(result);
    const junit = values.junit;
    const summaryMd = values['summary-md'];
    if (junit) await writeSideOutput('junit', async () => writeFile(junit, (await import('../ci-outputs/junit.ts')).toJUnit(result, regression ? [regression.junit] : [])), warn);
    if (summaryMd) await writeSideOutput('summary-md', async () => appendFile(summaryMd, (await import('../ci-outputs/markdown.ts')).toMarkdownSummary(result) + '\n' + (regression ? regression.markdown + '\n' : '')), warn);
    if (summaryExport) await writeSideOutput('summary-export', async () => writeFile(summaryExport, JSON.stringify((await import('../k6/script/summary.ts')).summaryExport(result), null, 2) + '\n'), warn);
    // a k6 script's handleSummary(): its outputs written; the default summary only without its 'stdout' (as k6)
    const k6Summary = (await import('../k6/script/runtime.ts')).isK6Function(handleSummary) ? await (await import('../k6/script/handle-summary.ts')).runHandleSummary(handleSummary, result, setupData, env, file) : null;
    if (!quiet && !k6Summary?.stdout) process.stdout.write(formatSummary(result, { result: resultFile, report: reportFile ?? undefined }));
    if (!quiet && invariants) process.stdout.write(`  shop invariants: ${formatInvariants(invariants)}\n`);
    if (regression && (!quiet || regression.failed)) process.stdout.write(regression.text);
    // interrupted wins over a failed threshold: the run did not finish, so no verdict is final
    if (interrupts.interrupted()) return EXIT.aborted;
    if (scriptAborted !== undefined) return EXIT.scriptAborted;
    if (thresholdsFailed || regression?.failed) return EXIT.thresholdsFailed;
    return EXIT.ok;
  } finally {
    await metrics?.close();
    await history?.close();
    progress?.done();
    interrupts.dispose();
  }
}

