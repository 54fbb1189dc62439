// k6 `options` → NormalisedOptions (k6 names, k6 defaults, k6's shortcuts mapped as
// lib/executor/execution_config_shortcuts.go maps them). Every problem is collected with its
// field path; the first becomes the error's message, the rest its details:
//   scenarios/x.ts: scenarios.sale.stages[1].target: expected a number ≥ 0, got "x"
import type { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { collectThresholds } from '../thresholds/parse.ts';
import { showValue } from '../time/duration.ts';
import {
  COSMETIC_K6_OPTIONS,
  DEFAULT_HTTP_TIMEOUT_MS,
  EXECUTORS,
  SCENARIO_SCHEMAS,
  SUPPORTED_TOP_LEVEL,
  TOP_LEVEL_SCHEMA,
  UNSUPPORTED_K6_OPTIONS,
  executorsWithOption,
  expectation,
  type RawScenario,
} from './options-schema.ts';
import { scenarioLimitIssues, timeoutLimitIssue } from './limits.ts';
import type { ExecutorName, NormalisedOptions, NormalisedScenario, Stage } from './types.ts';

type PathPart = string | number;

interface Issue {
  path: PathPart[] | string;
  message: string;
}

/** `scenarios.sale.stages[1].target`; keys that are not identifiers as `["my key"]`. */
export function formatFieldPath(path: readonly PathPart[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out === '' ? p : `.${p}`;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out === '' ? 'options' : out;
}

const DEFAULT_NAME = 'default';
// lib/executor/base_config.go
const SCENARIO_NAME = /^[0-9a-zA-Z_-]+$/;

export interface NormaliseResult {
  options: NormalisedOptions;
  /** what k6 would warn about (ignored `vus`, empty `scenarios`), and thresholds on unknown metrics */
  warnings: string[];
}

/** Validates and normalises a scenario module's `options`; throws STAMPEDE_E_SCENARIO_INVALID. */
export function normaliseOptions(raw: unknown, file: string): NormalisedOptions {
  return normaliseOptionsWithWarnings(raw, file).options;
}

/** `declaredMetrics`: the custom metrics the scenario creates (a k6 script's), valid in thresholds. */
export function normaliseOptionsWithWarnings(raw: unknown, file: string, declaredMetrics: readonly string[] = []): NormaliseResult {
  const issues: Issue[] = [];
  const warnings: string[] = [];
  const input = raw === undefined ? {} : raw;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    fail(file, [{ path: 'options', message: `expected an object, got ${showValue(raw)}` }]);
  }
  const record = input as Record<string, unknown>;

  const known: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (SUPPORTED_TOP_LEVEL.has(key)) known[key] = value;
    else if (COSMETIC_K6_OPTIONS.has(key)) continue;
    else if (Object.hasOwn(UNSUPPORTED_K6_OPTIONS, key)) {
      const hint = UNSUPPORTED_K6_OPTIONS[key];
      issues.push({ path: [key], message: `a k6 option Stampede does not implement${hint ? `: ${hint}` : ''}` });
    } else {
      const inScenario = executorsWithOption(key);
      const hint = inScenario.length > 0 ? ` (it belongs inside a scenario: ${inScenario.join(', ')})` : '';
      issues.push({ path: [key], message: `unknown option, not a k6 option${hint}` });
    }
  }

  const top = TOP_LEVEL_SCHEMA.safeParse(known);
  if (!top.success) issues.push(...zodIssues(top.error, []));
  const thresholds = collectThresholds(record.thresholds, { unknownMetrics: 'error', declared: new Set(declaredMetrics) });
  issues.push(...thresholds.issues);
  warnings.push(...thresholds.notes);

  // the scenarios are checked even when another top-level option is bad, so all problems show at once
  const execution = EXECUTION_SCHEMA.safeParse(known);
  const scenarios = execution.success ? deriveScenarios(execution.data, issues, warnings) : [];
  if (top.success) {
    for (const key of ['setupTimeout', 'teardownTimeout'] as const) {
      const over = timeoutLimitIssue(key, top.data[key]);
      if (over) issues.push(over);
    }
  }
  if (issues.length > 0) fail(file, inKeyOrder(issues, Object.keys(record)));
  const o = top.data as z.output<typeof TOP_LEVEL_SCHEMA>;
  return {
    options: {
      scenarios,
      thresholds: thresholds.defs,
      tags: o.tags,
      setupTimeoutMs: o.setupTimeout,
      teardownTimeoutMs: o.teardownTimeout,
      noConnectionReuse: o.noConnectionReuse,
      discardResponseBodies: o.discardResponseBodies,
      insecureSkipTLSVerify: o.insecureSkipTLSVerify,
      maxRedirects: o.maxRedirects,
      userAgent: o.userAgent,
      httpTimeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
      summaryTrendStats: o.summaryTrendStats,
    },
    warnings,
  };
}

/** Issues in the order of the options' keys as written (a stable sort), so the first is the first in the file. */
function inKeyOrder(issues: Issue[], keys: string[]): Issue[] {
  const rank = (i: Issue): number => {
    const head = typeof i.path === 'string' ? (/^[^.[]+/.exec(i.path)?.[0] ?? '') : String(i.path[0] ?? '');
    const at = keys.indexOf(head);
    return at < 0 ? keys.length : at;
  };
  return issues.map((issue, n) => ({ issue, n, r: rank(issue) })).sort((a, b) => a.r - b.r || a.n - b.n).map((x) => x.issue);
}

function fail(file: string, issues: Issue[]): never {
  const lines = issues.map((i) => `${typeof i.path === 'string' ? i.path : formatFieldPath(i.path)}: ${i.message}`);
  throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: ${lines[0] ?? 'invalid options'}`, lines.slice(1));
}

function zodIssues(error: z.ZodError, prefix: PathPart[], executor?: ExecutorName): Issue[] {
  const out: Issue[] = [];
  for (const i of error.issues) {
    const path = [...prefix, ...(i.path as PathPart[])];
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) out.push({ path: [...path, key], message: unknownScenarioKey(key, executor) });
    } else {
      out.push({ path, message: i.message });
    }
  }
  return out;
}

function unknownScenarioKey(key: string, executor: ExecutorName | undefined): string {
  if (executor === undefined) return 'unknown key';
  if (key === 'options') return 'scenario `options` (browser) are not supported by Stampede';
  const owners = executorsWithOption(key);
  return owners.length > 0
    ? `not an option of a ${executor} scenario (it is one of ${owners.join(', ')})`
    : `unknown option for a ${executor} scenario`;
}

const EXECUTION_SCHEMA = TOP_LEVEL_SCHEMA.pick({ vus: true, duration: true, iterations: true, stages: true, scenarios: true });
type TopLevel = z.output<typeof EXECUTION_SCHEMA>;

/** k6's DeriveScenariosFromShortcuts, then every scenario's validation. */
function deriveScenarios(o: TopLevel, issues: Issue[], warnings: string[]): NormalisedScenario[] {
  const hasStages = Array.isArray(o.stages) ? o.stages.length > 0 : o.stages !== undefined;
  const conflict = (shortcut: string): void => {
    issues.push({ path: [shortcut], message: `the shortcut \`${shortcut}\` cannot be combined with \`scenarios\` (k6: "using an execution configuration shortcut and scenarios simultaneously is not allowed"); move it into a scenario` });
  };

  if (o.iterations !== undefined) {
    if (hasStages) {
      issues.push({ path: ['stages'], message: 'cannot be combined with the shortcut `iterations` (k6 allows one execution shortcut)' });
      return [];
    }
    if (o.scenarios !== undefined) {
      conflict('iterations');
      return [];
    }
    const raw: Record<string, unknown> = { executor: 'shared-iterations', iterations: o.iterations };
    if (o.vus !== undefined) raw.vus = o.vus;
    if (o.duration !== undefined) raw.maxDuration = o.duration;
    return scenarioFromShortcut(raw, { iterations: 'iterations', vus: 'vus', maxDuration: 'duration' }, issues);
  }
  if (o.duration !== undefined) {
    if (hasStages) {
      issues.push({ path: ['stages'], message: 'cannot be combined with the shortcut `duration` (k6 allows one execution shortcut)' });
      return [];
    }
    if (o.scenarios !== undefined) {
      conflict('duration');
      return [];
    }
    const raw: Record<string, unknown> = { executor: 'constant-vus', duration: o.duration };
    if (o.vus !== undefined) raw.vus = o.vus;
    return scenarioFromShortcut(raw, { duration: 'duration', vus: 'vus' }, issues);
  }
  if (hasStages) {
    if (o.scenarios !== undefined) {
      conflict('stages');
      return [];
    }
    const raw: Record<string, unknown> = { executor: 'ramping-vus', stages: o.stages };
    if (o.vus !== undefined) raw.startVUs = o.vus;
    return scenarioFromShortcut(raw, { stages: 'stages', startVUs: 'vus' }, issues);
  }
  if (o.scenarios !== undefined && Object.keys(o.scenarios).length > 0) {
    const out: NormalisedScenario[] = [];
    for (const [name, value] of Object.entries(o.scenarios)) {
      const s = parseScenario(name, value, ['scenarios', name], issues);
      if (s !== undefined) out.push(s);
    }
    return out;
  }
  // k6: nothing at all → one iteration on one VU
  if (o.vus !== undefined && o.vus !== 1) {
    warnings.push(`vus=${o.vus} is ignored: it only works with iterations, duration or stages (as in k6)`);
  }
  if (o.stages !== undefined) warnings.push('`stages` is empty: running 1 iteration on 1 VU (as k6 does)');
  if (o.scenarios !== undefined) warnings.push('`scenarios` is empty: running 1 iteration on 1 VU (as k6 does)');
  const s = parseScenario(DEFAULT_NAME, { executor: 'per-vu-iterations' }, [], issues);
  return s === undefined ? [] : [s];
}

/** A shortcut's scenario, validated as a scenario but with problems named by the top-level keys. */
function scenarioFromShortcut(raw: Record<string, unknown>, keyMap: Record<string, string>, issues: Issue[]): NormalisedScenario[] {
  const local: Issue[] = [];
  const s = parseScenario(DEFAULT_NAME, raw, [], local);
  for (const i of local) {
    const path = typeof i.path === 'string' ? [i.path] : i.path;
    const head = path[0];
    const mapped = typeof head === 'string' && Object.hasOwn(keyMap, head) ? [keyMap[head] as string, ...path.slice(1)] : path;
    issues.push({ path: mapped, message: i.message });
  }
  return s === undefined ? [] : [s];
}

function parseScenario(name: string, value: unknown, at: PathPart[], issues: Issue[]): NormalisedScenario | undefined {
  if (!SCENARIO_NAME.test(name)) {
    issues.push({ path: at, message: 'a scenario name may contain only latin letters, digits, "_" and "-" (k6 rule)' });
    return undefined;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({ path: at, message: expectation('a scenario object { executor: "...", ... }', value) });
    return undefined;
  }
  const executor = (value as Record<string, unknown>).executor;
  if (!isExecutor(executor)) {
    const why =
      executor === 'externally-controlled'
        ? 'externally-controlled was removed in k6 v2 and is not supported; '
        : '';
    issues.push({ path: [...at, 'executor'], message: `${why}${expectation(`one of ${EXECUTORS.map((e) => `"${e}"`).join(', ')}`, executor)}` });
    return undefined;
  }
  const parsed = SCENARIO_SCHEMAS[executor].safeParse(value);
  if (!parsed.success) {
    issues.push(...zodIssues(parsed.error, at, executor));
    return undefined;
  }
  return build(name, executor, parsed.data, at, issues);
}

function isExecutor(v: unknown): v is ExecutorName {
  return typeof v === 'string' && (EXECUTORS as string[]).includes(v);
}

function build(name: string, executor: ExecutorName, d: RawScenario<ExecutorName>, at: PathPart[], issues: Issue[]): NormalisedScenario | undefined {
  const s = buildUnchecked(name, executor, d, at, issues);
  if (s === undefined) return undefined;
  const over = scenarioLimitIssues(s, at);
  issues.push(...over);
  return over.length > 0 ? undefined : s;
}

function buildUnchecked(name: string, executor: ExecutorName, d: RawScenario<ExecutorName>, at: PathPart[], issues: Issue[]): NormalisedScenario | undefined {
  const common = {
    name,
    exec: d.exec ?? 'default',
    startTimeMs: d.startTime,
    gracefulStopMs: d.gracefulStop,
    env: d.env ?? {},
    tags: d.tags ?? {},
  };
  const before = issues.length;
  switch (executor) {
    case 'shared-iterations': {
      const s = d as RawScenario<'shared-iterations'>;
      if (s.iterations < s.vus) {
        issues.push({ path: [...at, 'iterations'], message: `expected at least as many iterations as vus (${s.vus}), got ${s.iterations} (k6 rule)` });
      }
      return issues.length > before ? undefined : { ...common, executor, vus: s.vus, iterations: s.iterations, maxDurationMs: s.maxDuration };
    }
    case 'per-vu-iterations': {
      const s = d as RawScenario<'per-vu-iterations'>;
      return { ...common, executor, vus: s.vus, iterations: s.iterations, maxDurationMs: s.maxDuration };
    }
    case 'constant-vus': {
      const s = d as RawScenario<'constant-vus'>;
      return { ...common, executor, vus: s.vus, durationMs: s.duration };
    }
    case 'ramping-vus': {
      const s = d as RawScenario<'ramping-vus'>;
      const stages = toStages(s.stages);
      if (Math.max(s.startVUs, ...stages.map((x) => x.target)) <= 0) {
        issues.push({ path: [...at, 'stages'], message: 'expected startVUs or one stage target to be more than 0 (k6 rule)' });
        return undefined;
      }
      return { ...common, executor, startVUs: s.startVUs, stages, gracefulRampDownMs: s.gracefulRampDown };
    }
    case 'constant-arrival-rate': {
      const s = d as RawScenario<'constant-arrival-rate'>;
      const maxVUs = checkVUs(s.preAllocatedVUs, s.maxVUs, at, issues);
      if (maxVUs === undefined) return undefined;
      return { ...common, executor, rate: s.rate, timeUnitMs: s.timeUnit, durationMs: s.duration, preAllocatedVUs: s.preAllocatedVUs, maxVUs };
    }
    case 'ramping-arrival-rate': {
      const s = d as RawScenario<'ramping-arrival-rate'>;
      const maxVUs = checkVUs(s.preAllocatedVUs, s.maxVUs, at, issues);
      if (maxVUs === undefined) return undefined;
      return {
        ...common,
        executor,
        startRate: s.startRate,
        timeUnitMs: s.timeUnit,
        stages: toStages(s.stages),
        preAllocatedVUs: s.preAllocatedVUs,
        maxVUs,
      };
    }
  }
}

function toStages(stages: ReadonlyArray<{ duration: number; target: number }>): Stage[] {
  return stages.map((s) => ({ durationMs: s.duration, target: s.target }));
}

/** k6: maxVUs defaults to preAllocatedVUs and may not be less; Stampede also needs at least one VU. */
function checkVUs(pre: number, max: number | undefined, at: PathPart[], issues: Issue[]): number | undefined {
  const m = max ?? pre;
  if (m < pre) {
    issues.push({ path: [...at, 'maxVUs'], message: `expected at least preAllocatedVUs (${pre}), got ${m} (k6 rule)` });
    return undefined;
  }
  if (m === 0) {
    issues.push({ path: [...at, max === undefined ? 'preAllocatedVUs' : 'maxVUs'], message: 'expected at least 1 VU: with none, no iteration can start' });
    return undefined;
  }
  return m;
}
