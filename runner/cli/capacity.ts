// `stampede capacity <scenario.ts> --slo 'p(99)<200' ...`: the maximum sustainable throughput
// under an SLO (runner/capacity/run-capacity.ts), instances for a peak and an HPA simulation,
// and an optional closed-model sweep (over VUs, or over the target's worker processes) with a
// USL fit. Writes capacity.json and capacity.html (the capacity view, reports/build.ts).
import path from 'node:path';
import { parseCommandArgs, keyValueFlags, numberFlag } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import { defaultOutDir } from '../run/outputs.ts';
import { writeJsonAtomic } from '../result/io.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';
import { validateOrThrow } from '../result/validate.ts';
import { parseSlo } from '../capacity/slo.ts';
import { runCapacity, type CapacityRequest } from '../capacity/run-capacity.ts';
import { formatCapacitySummary, formatProbeLine, formatSweepLine } from '../capacity/capacity-format.ts';
import type { HpaParams } from '../capacity/hpa.ts';
import { DEFAULT_SETTLE, defaultSweepVus, type SweepRequest } from '../capacity/sweep.ts';
import { USL_MIN_POINTS } from '../capacity/usl.ts';
import { checkOutputDir } from './output-paths.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { scenarioEnv } from './scenario-env.ts';
import { knobOf, parseConfigPairs, validateTargetConfig } from '../orchestrate/target-config.ts';
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import { COMMAND_TARGET_OPTIONS, COMMAND_TARGET_USAGE, commandTargetFromFlags } from './command-target-flags.ts';
import { capacityOfCommand, checkOnceCommand, checkSweepCommand, commandSweepStarter } from './capacity-command-target.ts';
import type { CommandTargetSpec } from '../orchestrate/command-target.ts';

export const USAGE = `usage: stampede capacity <scenario.ts> --slo 'p(99)<200' [options]

Finds the maximum sustainable throughput (MST) of the target under an SLO: constant-arrival-rate
probes of the scenario's journey (its first scenario's exec), each a warm-up plus a measured
window; exponential search, bisection to --precision, then a confirmation probe. A probe passes
when in its window the coordinated-omission-corrected latency (http_req_latency) meets --slo,
the error rate meets --errors, completions reach ≥ 99 % of the offered rate and nothing was
dropped. A probe the load generator could not drive is "generator-limited", never the target's limit:
it is re-run (with more VUs when it ran out of them), and the search never goes below it.
Rates are iterations of the journey per second (k6's arrival rate, Gatling's users/s); the answer
also gives the requests per second they cause, as measured. With --target-config the target app is
started for the search and stopped after it.

  --slo EXPR           latency objective on http_req_latency in ms, k6 threshold syntax; repeatable
                       or comma-separated ('p(99)<200', 'p(50)<50')
  --errors EXPR        error objective on http_req_failed (default 'rate<0.01')
  --start-rate R       first probe, iterations/s (default: the scenario's rate, or 10)
  --precision F        stop bisecting when (fail − pass) ≤ F × pass (default 0.05)
  --warmup DUR         warm-up of each probe, whole seconds (default 5s)
  --window DUR         measured window of each probe, whole seconds (default 10s)
  --max-probes N       (default 12)
  --confirmations N    probes at the answer after convergence (default 1)
  --cooldown DUR       wait between probes; with --metrics, the minimum wait (default 2s)
  --metrics URL|none   the target's Prometheus text; between probes wait until its pool-waiting /
                       queue-depth gauges read 0 (default: <target>/metrics when --target is given)
  --max-vus N          a hard cap on each probe's VUs (default: sized by Little's law — rate × the
                       journey's measured duration × margin — and grown when a probe runs out)
  --peak N             the expected peak in iterations/s, the MST's unit (journeys started per second:
                       k6's arrival rate, Gatling's users/s); N rps (or N req/s) gives it in requests/s,
                       converted with the requests per iteration the probes measured. instances =
                       ⌈peak / (MST × headroom)⌉, and an HPA simulation (on the scenario's
                       ramping-arrival-rate profile, else a step to the peak)
  --headroom F         share of MST each instance runs at (default 0.7)
  --hpa-target F       HPA target utilisation (default 0.8, Kubernetes' default)
  --pod-startup DUR    from pod creation to serving (default 30s)
  --min-replicas N     (default 1)    --max-replicas N   (default 100)
  --sweep vus=1,2,4,…  also run closed-model constant-vus points (warm-up + window each) and fit the
                       Universal Scalability Law to their throughput (at least 6 points); without
                       --slo only the sweep runs
  --sweep workers=1,2,3,4
                       start the target app once per worker count (--target-config plus workers=N),
                       measure a saturating closed model against it, stop it; fit the USL to
                       (workers, throughput). Sweep only: no --slo, no --target
  --target-config K=V,…  start the target app with this configuration (variant=async,pool=10,…), search,
                       stop it; with --sweep workers=…, started once per worker count
  --sweep-vus N        VUs of a workers sweep's closed model (default max(32, 8 × the largest count))
${COMMAND_TARGET_USAGE}
                       with --sweep workers=…: the command (using {workers}) is started per count;
                       otherwise it is started once for the search (and a vus sweep), stopped after
  --knob K=V           the value of {K} in --target-cmd (e.g. workers=4 for a search with --peak);
                       repeatable
  --sweep-repeat N     measured windows per value, each a point of the fit
                       (default: enough for 6 points, e.g. 2 for four worker counts)
  --ready-timeout DUR  how long a started target (--target-config) may take to answer /readyz (default 120s)
  --settle-max DUR     after each start, warm up in 5 s chunks until two agree within 10 %, for at
                       most DUR (default 60s; 0: only the fixed --warmup)
  --target URL         the base URL under test; also env BASE / BASE_URL
  --env K=V            a value for the scenario's vu.env; repeatable
  --out DIR            where capacity.json and capacity.html go (default reports/out/<UTC time>-<scenario>-capacity/)
  --quiet              no progress lines and no summary

exit codes: 0 done (the answer is in capacity.json), 2 bad input, 130 interrupted`;

const COMMAND = 'capacity';

function durationFlag(flag: string, raw: string | undefined, fallbackMs: number, opts: { min: number; wholeSeconds?: boolean }): number {
  if (raw === undefined) return fallbackMs;
  const ms = tryParseDurationMs(raw);
  const bad = ms === undefined || ms < opts.min || (opts.wholeSeconds === true && ms % 1000 !== 0);
  if (bad) {
    const want = opts.wholeSeconds ? `a whole number of seconds${opts.min > 0 ? ` ≥ ${opts.min / 1000}s` : ''} such as "5s" (probe windows are measured in whole timeline seconds)` : `a duration ≥ ${opts.min} ms such as "2s" or "500ms"`;
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --${flag}: expected ${want}, got ${JSON.stringify(raw)}`);
  }
  return ms!;
}

/** `vus=1,2,4` / `workers=1,2,3,4` → the kind and the values (checked: whole, ≥ 1, each once). */
function parseSweep(raw: string | undefined): { kind: 'vus' | 'workers'; values: number[] } | null {
  if (raw === undefined) return null;
  const m = /^\s*(\w+)\s*=\s*(.+)$/.exec(raw);
  if (!m) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep: expected "vus=1,2,4,8,16,32" or "workers=1,2,3,4", got ${JSON.stringify(raw)}`);
  const kind = m[1]!;
  if (kind !== 'vus' && kind !== 'workers') throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep: expected vus=… or workers=…, got ${JSON.stringify(kind)}`);
  const what = kind === 'vus' ? 'VUs' : 'worker processes';
  const max = kind === 'vus' ? 100_000 : 64;
  const values = m[2]!.split(',').map((v) => v.trim());
  const nums = values.map(Number);
  if (values.some((v, i) => v === '' || !Number.isInteger(nums[i]) || nums[i]! < 1 || nums[i]! > max)) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep: expected whole numbers of ${what} from 1 to ${max} separated by commas, got ${JSON.stringify(m[2])}`);
  }
  if (new Set(nums).size !== nums.length) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep: each ${kind === 'vus' ? 'VU' : 'worker'} count once, got ${JSON.stringify(m[2])}`);
  return { kind, values: nums };
}

/** The sweep with its flags: --sweep-repeat, and for workers --target-config, --sweep-vus, --ready-timeout. */
function sweepRequest(
  spec: { kind: 'vus' | 'workers'; values: number[] } | null,
  values: {
    'sweep-vus'?: string | undefined;
    'sweep-repeat'?: string | undefined;
    'target-config'?: string | undefined;
    'ready-timeout'?: string | undefined;
    'settle-max'?: string | undefined;
    target?: string | undefined;
  },
  search: boolean,
): SweepRequest | null {
  const workersOnly = ['sweep-vus', 'settle-max'] as const;
  if (!spec || spec.kind === 'vus') {
    const stray = workersOnly.find((f) => values[f] !== undefined);
    if (stray) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --${stray} is for --sweep workers=… (the target is started for each worker count)`);
  }
  if (!spec) {
    if (values['sweep-repeat'] !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep-repeat needs --sweep`);
    return null;
  }
  // the USL fit needs ≥ 6 points: by default each value is measured often enough to reach them
  const repeat = numberFlag(COMMAND, 'sweep-repeat', values['sweep-repeat'], { min: 1, max: 20, integer: true }) ?? Math.ceil(USL_MIN_POINTS / spec.values.length);
  if (spec.kind === 'vus') return { kind: 'vus', values: spec.values, repeat };
  if (values.target !== undefined) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep workers=… starts the target itself for each worker count (from --target-config); --target cannot be used with it`);
  }
  if (search) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --sweep workers=… cannot run with --slo (the MST search needs one running target: run it separately with --target)`);
  }
  const given = values['target-config'] === undefined ? {} : parseConfigPairs(values['target-config'], `stampede ${COMMAND}: --target-config`);
  if (Object.keys(given).some((k) => knobOf(k) === 'workers')) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --target-config: workers is what --sweep workers=… varies; leave it out`);
  }
  const { config } = validateTargetConfig(given, `stampede ${COMMAND}: --target-config`);
  const vus = numberFlag(COMMAND, 'sweep-vus', values['sweep-vus'], { min: 1, max: 100_000, integer: true }) ?? defaultSweepVus(spec.values);
  const readyTimeoutMs = durationFlag('ready-timeout', values['ready-timeout'], 120_000, { min: 1000 });
  const settleMaxMs = durationFlag('settle-max', values['settle-max'], DEFAULT_SETTLE.maxMs, { min: 0 });
  const settle = settleMaxMs === 0 ? null : { ...DEFAULT_SETTLE, maxMs: settleMaxMs };
  return { kind: 'workers', values: spec.values, repeat, vus, targetConfig: config, readyTimeoutMs, settle };
}

/** `--peak 3000` (iterations/s), `3000it/s`, or `3000rps` / `3000req/s` (requests/s). */
export function parsePeak(raw: string | undefined): { value: number; unit: 'iterations/s' | 'requests/s' } | undefined {
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(it\/s|iterations\/s|rps|req\/s|requests\/s)?\s*$/i.exec(raw);
  const value = m ? Number(m[1]) : NaN;
  if (!m || !(value > 0)) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --peak: expected a rate > 0 in iterations/s such as 3000, or in requests/s such as 3000rps, got ${JSON.stringify(raw)}`);
  }
  const unit = m[2] === undefined || /^it/i.test(m[2]) ? 'iterations/s' : 'requests/s';
  return { value, unit };
}

/** The configuration to start for the search (--target-config without a workers sweep); null: none. */
function searchTargetConfig(sweep: SweepRequest | null, values: { 'target-config'?: string | undefined; 'ready-timeout'?: string | undefined; target?: string | undefined }): { config: TargetConfig; readyTimeoutMs: number } | null {
  if (sweep?.kind === 'workers') return null;
  if (values['target-config'] === undefined) {
    if (values['ready-timeout'] !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --ready-timeout is for a target this command starts (--target-config)`);
    return null;
  }
  if (values.target !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --target-config starts the target itself; --target cannot be used with it`);
  const { config } = validateTargetConfig(parseConfigPairs(values['target-config'], `stampede ${COMMAND}: --target-config`), `stampede ${COMMAND}: --target-config`);
  return { config, readyTimeoutMs: durationFlag('ready-timeout', values['ready-timeout'], 120_000, { min: 1000 }) };
}

function urlFlag(flag: string, raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return u.href;
  } catch {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --${flag}: expected an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}`);
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    COMMAND,
    argv,
    {
      slo: { type: 'string', multiple: true },
      errors: { type: 'string' },
      peak: { type: 'string' },
      headroom: { type: 'string' },
      'start-rate': { type: 'string' },
      precision: { type: 'string' },
      warmup: { type: 'string' },
      window: { type: 'string' },
      'max-probes': { type: 'string' },
      confirmations: { type: 'string' },
      cooldown: { type: 'string' },
      metrics: { type: 'string' },
      'max-vus': { type: 'string' },
      'hpa-target': { type: 'string' },
      'pod-startup': { type: 'string' },
      'min-replicas': { type: 'string' },
      'max-replicas': { type: 'string' },
      sweep: { type: 'string' },
      'sweep-vus': { type: 'string' },
      'sweep-repeat': { type: 'string' },
      ...COMMAND_TARGET_OPTIONS,
      knob: { type: 'string', multiple: true },
      'target-config': { type: 'string' },
      'ready-timeout': { type: 'string' },
      'settle-max': { type: 'string' },
      target: { type: 'string' },
      env: { type: 'string', multiple: true },
      out: { type: 'string' },
      threads: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    USAGE,
  );
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1) {
    throw new StampedeError('STAMPEDE_E_USAGE', positionals.length > 1 ? `stampede ${COMMAND}: one scenario file expected, got ${positionals.length}` : `stampede ${COMMAND}: a scenario file is required`, USAGE.split('\n'));
  }

  // Every flag is checked before anything runs, so a typo costs nothing.
  const sweepSpec = parseSweep(values.sweep);
  // an empty objective ('' or ',') would run every probe against no SLO at all
  for (const [flag, list] of [['slo', values.slo], ['errors', values.errors === undefined ? undefined : [values.errors]]] as const) {
    if (list?.some((v) => v.split(',').every((x) => x.trim() === ''))) {
      throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --${flag}: expected an objective such as ${flag === 'slo' ? "'p(99)<200'" : "'rate<0.01'"}, got an empty value`);
    }
  }
  const slo = values.slo === undefined && sweepSpec ? null : parseSlo(values.slo ?? [], values.errors ?? 'rate<0.01');
  const sweep = sweepRequest(sweepSpec, values, slo !== null);
  // --target-cmd: the workers sweep starts the user's command with {workers} = each count;
  // otherwise it is started once, with --knob values, for the search (as --target-config is)
  const commandSpec = commandTargetFromFlags(COMMAND, values, 120_000);
  const knobs = keyValueFlags(COMMAND, 'knob', values.knob);
  let outDirOf = () => process.cwd();
  let commandOnce: CommandTargetSpec | null = null;
  if (commandSpec) {
    if (values['target-config'] !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --target-cmd and --target-config: give one`);
    if (values.target !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --target-cmd starts the target itself; --target cannot be used with it`);
    if (sweep?.kind === 'workers') {
      checkSweepCommand(COMMAND, commandSpec, knobs);
      sweep.starter = commandSweepStarter(commandSpec, knobs, () => outDirOf());
    } else {
      if (!slo && !sweep) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --target-cmd needs --slo (the MST search) or --sweep`);
      checkOnceCommand(COMMAND, commandSpec, knobs);
      commandOnce = commandSpec;
    }
  } else if (values.knob !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --knob needs --target-cmd`);
  const env = keyValueFlags(COMMAND, 'env', values.env);
  let target: string | null = null;
  if (values.target !== undefined) {
    target = urlFlag('target', values.target).replace(/\/$/, '');
    env.BASE ??= target;
    env.BASE_URL ??= target;
  }
  const metricsUrl = values.metrics === 'none' ? null : values.metrics !== undefined ? urlFlag('metrics', values.metrics) : target ? `${target}/metrics` : null;
  const peakGiven = parsePeak(values.peak);
  const peakValue = peakGiven?.value;
  const searchTarget = searchTargetConfig(sweep, values);
  const headroom = numberFlag(COMMAND, 'headroom', values.headroom, { min: 0.01, max: 1 }) ?? 0.7;
  const hpa: Partial<HpaParams> = {};
  const hpaTarget = numberFlag(COMMAND, 'hpa-target', values['hpa-target'], { min: 0.01, max: 10 });
  if (hpaTarget !== undefined) hpa.targetUtilization = hpaTarget;
  if (values['pod-startup'] !== undefined) hpa.podStartupMs = durationFlag('pod-startup', values['pod-startup'], 30_000, { min: 0 });
  const minReplicas = numberFlag(COMMAND, 'min-replicas', values['min-replicas'], { min: 1, max: 100_000, integer: true });
  const maxReplicas = numberFlag(COMMAND, 'max-replicas', values['max-replicas'], { min: 1, max: 100_000, integer: true });
  if (minReplicas !== undefined) hpa.minReplicas = minReplicas;
  if (maxReplicas !== undefined) hpa.maxReplicas = maxReplicas;
  if ((minReplicas ?? 1) > (maxReplicas ?? 100)) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: --min-replicas (${minReplicas ?? 1}) is above --max-replicas (${maxReplicas ?? 100})`);
  if (peakValue === undefined && (values['hpa-target'] ?? values['pod-startup'] ?? values['min-replicas'] ?? values['max-replicas']) !== undefined) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${COMMAND}: the HPA flags (--hpa-target, --pod-startup, --min-replicas, --max-replicas) need --peak`);
  }
  if (peakValue !== undefined && !slo) {
    throw new StampedeError(
      'STAMPEDE_E_USAGE',
      `stampede ${COMMAND}: --peak needs an MST, so it needs --slo${sweep?.kind === 'workers' ? ` — and the MST search one running target: size a worker count on its own (${commandSpec ? '--target-cmd … --knob workers=N' : '--target-config workers=N'} --slo … --peak …), the sweep fits the USL` : ''}`,
    );
  }

  // the scenario is loaded once, here, with --env; every probe and sweep point derives its plan from this one
  const threads = numberFlag(COMMAND, 'threads', values.threads, { min: 1, max: 64, integer: true }) ?? 1;
  const plan = await loadPlan(file, { env: scenarioEnv(env), recordedEnv: env, threads, target });
  const request: CapacityRequest = {
    plan,
    slo,
    startRate: numberFlag(COMMAND, 'start-rate', values['start-rate'], { min: 0.1, max: 10_000_000 }) ?? null,
    precision: numberFlag(COMMAND, 'precision', values.precision, { min: 0.001, max: 1 }) ?? 0.05,
    warmupMs: durationFlag('warmup', values.warmup, 5000, { min: 0, wholeSeconds: true }),
    windowMs: durationFlag('window', values.window, 10_000, { min: 1000, wholeSeconds: true }),
    maxProbes: numberFlag(COMMAND, 'max-probes', values['max-probes'], { min: 1, max: 100, integer: true }) ?? 12,
    confirmations: numberFlag(COMMAND, 'confirmations', values.confirmations, { min: 0, max: 5, integer: true }) ?? 1,
    growthFactor: 2,
    cooldownMs: durationFlag('cooldown', values.cooldown, 2000, { min: 0 }),
    maxVUs: numberFlag(COMMAND, 'max-vus', values['max-vus'], { min: 1, max: 1_000_000, integer: true }) ?? null,
    metricsUrl,
    peak: peakGiven === undefined ? null : { peak: peakGiven.value, unit: peakGiven.unit, headroom, hpa },
    targetConfig: searchTarget?.config ?? null,
    readyTimeoutMs: searchTarget?.readyTimeoutMs ?? 120_000,
    watchTargetMetrics: values.metrics !== 'none',
    sweep,
    log: (line) => process.stderr.write(line + '\n'),
  };
  const quiet = values.quiet === true;
  const outDir = checkOutputDir(COMMAND, 'out', values.out ?? defaultOutDir(`${plan.scenario.name}-capacity`));
  outDirOf = () => outDir;
  const history = await (await import('../history/recorder.ts')).openRecorder({ setting: process.env.STAMPEDE_HISTORY_URL, cwd: process.cwd(), command: ['stampede', COMMAND, ...argv].join(' '), warn: (m) => process.stderr.write(m + '\n') });

  let interrupts = 0;
  let requestStop!: (reason: string) => void;
  const stopRequested = new Promise<string>((r) => (requestStop = r));
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nstopping after this probe (Ctrl-C again to abort without capacity.json)…\n');
      requestStop('interrupted (Ctrl-C)');
    } else process.exit(EXIT.aborted);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    if (!quiet) {
      request.onRunStart = (what) => process.stderr.write(`… ${what}\n`);
      request.onProbe = (p, s) => process.stderr.write(formatProbeLine(p, s.maxProbes) + '\n');
      request.onSweepPoint = (p) => process.stderr.write(formatSweepLine(p, sweep?.kind ?? 'vus') + '\n');
    } else request.log = () => {};
    const doc = commandOnce ? await capacityOfCommand(commandOnce, knobs, request, path.join(outDir, 'target.log'), stopRequested) : await runCapacity({ ...request, stopRequested });
    // the sweep records the shop configuration it was given; for a command target that is the command
    if (commandSpec && doc.sweep) doc.sweep.targetConfig = { cmd: commandSpec.cmd, ...(commandOnce ? knobs : {}) };
    const out = path.join(outDir, 'capacity.json');
    validateOrThrow(capacityDocumentSchema, doc, `${out} (writing)`, 'STAMPEDE_E_INTERNAL');
    await writeJsonAtomic(out, doc);
    await history.recordCapacity(doc, out);
    // capacity.html beside it: the dashboard's capacity view with the document embedded
    const html = path.join(outDir, 'capacity.html');
    const { writeCapacityReport } = await import('../../reports/build.ts');
    let htmlWritten = true;
    await writeCapacityReport(doc, html).catch((e: unknown) => {
      htmlWritten = false;
      process.stderr.write(`stampede ${COMMAND}: capacity.html could not be written (${e instanceof Error ? e.message : String(e)}); rebuild it with: stampede report ${out}\n`);
    });
    if (!quiet) process.stdout.write(formatCapacitySummary(doc, { capacity: out, ...(htmlWritten ? { html } : {}) }));
    return interrupts > 0 ? EXIT.aborted : EXIT.ok;
  } finally {
    await history.close();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
}
