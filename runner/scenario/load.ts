// Loads a scenario module: imports it (compiled by esbuild under the CLI: compile.ts) with the
// env its top level sees (init-env.ts), validates and normalises its k6 `options`, and finds its
// journeys. Every failure is a StampedeError (exit code 2) that names the file and, for options,
// the field; never a stack trace. A run loads its scenario once (runner/plan/); engine worker
// threads import the same module again (functions cannot cross threads): importJourneys().
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import type { Journey, SetupFn, TeardownFn } from './api.ts';
import { formatFieldPath, normaliseOptionsWithWarnings } from './normalise.ts';
import type { NormalisedOptions } from './types.ts';
import { importScenario } from './compile.ts';
import { withInitEnv } from './init-env.ts';
import { mayBeK6Script } from '../k6/script/detect.ts';

export interface LoadedScenario {
  /** the path as given */
  file: string;
  /** basename without extension */
  name: string;
  /** sha256 of the file's bytes, hex */
  hash: string;
  options: NormalisedOptions;
  /** every exported function except setup, teardown and handleSummary, by export name */
  journeys: Record<string, Journey>;
  setup?: SetupFn;
  teardown?: TeardownFn;
  handleSummary?: unknown;
  /** k6-style warnings (ignored options, thresholds on metrics Stampede does not record) */
  warnings: string[];
  /** a k6 script's Trends declared without isTime: their values are plain numbers, not ms */
  untimedTrends?: readonly string[];
  /** the module URL that was imported (the file, or its compiled form): what worker threads import */
  moduleUrl: string;
  /** the env the module's top level saw (init-env.ts); worker threads import it with the same */
  initEnv: Readonly<Record<string, string>>;
}

const LIFECYCLE = new Set(['setup', 'teardown', 'handleSummary']);

export interface LoadOptions {
  /** treat the file as a k6 script even when it imports no k6 module (`stampede run --k6`) */
  k6?: boolean;
  /** what the module's top level sees as its env (k6's init-context __ENV); default none */
  env?: Readonly<Record<string, string>>;
}

/** The name a scenario's runs go by: the file's basename without its extension. */
export function scenarioName(file: string): string {
  return path.basename(file).replace(/\.[^.]*$/, '');
}

/** Every exported function except the lifecycle ones, by export name. */
function journeysOf(mod: Record<string, unknown>): Record<string, Journey> {
  const journeys: Record<string, Journey> = {};
  for (const [key, value] of Object.entries(mod)) {
    if (typeof value === 'function' && !LIFECYCLE.has(key)) journeys[key] = value as Journey;
  }
  return journeys;
}

/**
 * The journeys of a module loadScenario() loaded, imported again in this thread (an engine
 * worker): the same module URL, the same init env, no validation (the plan has the options).
 */
export async function importJourneys(loaded: Pick<LoadedScenario, 'moduleUrl' | 'initEnv'>): Promise<Record<string, Journey>> {
  const mod = (await withInitEnv(loaded.initEnv, () => import(loaded.moduleUrl))) as Record<string, unknown>;
  return journeysOf(mod);
}

export async function loadScenario(file: string, opts: LoadOptions = {}): Promise<LoadedScenario> {
  const absolute = path.resolve(file);
  const bytes = await readScenarioFile(file, absolute);
  const hash = createHash('sha256').update(bytes).digest('hex');
  const initEnv = Object.freeze({ ...opts.env });

  let imported: ImportedModule;
  try {
    imported = await withInitEnv(initEnv, () => importModule(absolute, bytes, opts.k6 === true));
  } catch (e) {
    if (e instanceof StampedeError) throw e;
    throw loadError(file, e);
  }
  const mod = imported.mod;

  // a k6 script's custom metrics (new Trend('name') at init) are metrics it records
  const customMetrics = (mod as Record<symbol, unknown>)[Symbol.for('stampede.k6.metrics')];
  const declaredMetrics = Array.isArray(customMetrics) ? customMetrics.filter((n): n is string => typeof n === 'string') : [];
  const { options, warnings } = normaliseOptionsWithWarnings(mod.options, file, declaredMetrics);
  const journeys = journeysOf(mod);

  const problems: string[] = [];
  for (const key of ['setup', 'teardown'] as const) {
    if (mod[key] !== undefined && typeof mod[key] !== 'function') problems.push(`${key}: expected an exported function, got ${typeof mod[key]}`);
  }
  const declared = declaredScenarioNames(mod.options);
  for (const s of options.scenarios) {
    if (Object.hasOwn(journeys, s.exec)) continue;
    const exported = Object.keys(journeys);
    const list = exported.length > 0 ? `exported functions: ${exported.join(', ')}` : 'the file exports no function';
    if (!declared.has(s.name)) {
      problems.push(`export default: expected a default-exported journey function (the default scenario runs it); ${list}`);
    } else if (s.exec === 'default' && !hasExplicitExec(mod.options, s.name)) {
      problems.push(
        `${formatFieldPath(['scenarios', s.name, 'exec'])}: expected the name of an exported function; without exec the scenario runs the default export, which this file lacks (${list})`,
      );
    } else {
      problems.push(`${formatFieldPath(['scenarios', s.name, 'exec'])}: expected the name of an exported function, got ${JSON.stringify(s.exec)} (${list})`);
    }
  }
  if (problems.length > 0) throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: ${problems[0]}`, problems.slice(1));

  const loaded: LoadedScenario = {
    file,
    name: scenarioName(file),
    hash,
    options,
    journeys,
    warnings,
    moduleUrl: imported.url,
    initEnv,
  };
  if (typeof mod.setup === 'function') loaded.setup = mod.setup as SetupFn;
  if (typeof mod.teardown === 'function') loaded.teardown = mod.teardown as TeardownFn;
  if (mod.handleSummary !== undefined) loaded.handleSummary = mod.handleSummary;
  const untimedTrends = (mod as Record<symbol, unknown>)[Symbol.for('stampede.k6.untimedTrends')];
  if (Array.isArray(untimedTrends) && untimedTrends.length > 0) loaded.untimedTrends = untimedTrends.filter((n): n is string => typeof n === 'string');
  return loaded;
}

interface ImportedModule {
  mod: Record<string, unknown>;
  url: string;
}

async function importModule(absolute: string, bytes: Buffer, forceK6: boolean): Promise<ImportedModule> {
  // a k6 script (imports k6 modules at run time): transformed and shimmed (runner/k6/script/)
  const k6 = forceK6 || mayBeK6Script(bytes.toString('utf8')) ? await importK6(absolute, forceK6) : null;
  return k6 ?? (await importScenario(absolute).catch(async (e: unknown) => {
    // a k6 script whose k6 imports are all in its local modules
    // (k6/options has types only: importing a value from it is the native scenario's mistake, hinted below)
    if (/Cannot find (package|module) 'k6(?!\/options')(\/[^']*)?'|Could not resolve "k6(?!\/options")(\/[^"]*)?"/.test(firstLine(e))) {
      const script = await importK6(absolute, true);
      if (script) return script;
    }
    throw e;
  }));
}

async function readScenarioFile(file: string, absolute: string): Promise<Buffer> {
  try {
    return await readFile(absolute);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new StampedeError('STAMPEDE_E_SCENARIO_NOT_FOUND', `${file}: no such scenario file`);
    if (code === 'EISDIR') throw new StampedeError('STAMPEDE_E_SCENARIO_NOT_FOUND', `${file}: is a directory; expected a scenario module (.ts or .js)`);
    throw new StampedeError('STAMPEDE_E_SCENARIO_NOT_FOUND', `${file}: cannot be read (${code ?? firstLine(e)})`);
  }
}

async function importK6(absolute: string, force: boolean): Promise<ImportedModule | null> {
  return (await import('../k6/script/load-script.ts')).importK6Script(absolute, force);
}

function declaredScenarioNames(options: unknown): Set<string> {
  if (options === null || typeof options !== 'object') return new Set();
  const scenarios = (options as Record<string, unknown>).scenarios;
  if (scenarios === null || typeof scenarios !== 'object') return new Set();
  return new Set(Object.keys(scenarios));
}

function hasExplicitExec(options: unknown, name: string): boolean {
  const scenarios = (options as { scenarios?: Record<string, unknown> }).scenarios;
  const s = scenarios?.[name];
  return s !== null && typeof s === 'object' && (s as Record<string, unknown>).exec !== undefined;
}

/** A module that throws on import or does not compile: its error's first meaningful line. */
function loadError(file: string, e: unknown): StampedeError {
  const line = firstLine(e);
  const details: string[] = [];
  if (/Cannot find (package|module) 'k6\/|Could not resolve "k6\//.test(line)) {
    details.push("k6 modules do not exist at run time: import k6 types with `import type { Options } from 'k6/options'`");
  }
  return new StampedeError('STAMPEDE_E_SCENARIO_LOAD', `${file}: failed to load: ${line}`, details, { cause: e });
}

function firstLine(e: unknown): string {
  // esbuild's errors carry their messages structured; the text of the first is the news
  const first = e !== null && typeof e === 'object' && Array.isArray((e as { errors?: unknown }).errors) ? ((e as { errors: Array<{ text?: unknown; location?: { file?: unknown; line?: unknown; column?: unknown } | null }> }).errors[0] ?? null) : null;
  if (first && typeof first.text === 'string') {
    const at = first.location ? `${String(first.location.file)}:${String(first.location.line)}:${String(first.location.column)}: ` : '';
    return `${at}ERROR: ${first.text}`;
  }
  const name = e instanceof Error && e.name !== 'Error' ? `${e.name}: ` : '';
  const message = e instanceof Error ? e.message : String(e);
  // (esbuild names the plugin that reported an error: ours are no news to the user)
  const lines = message.split('\n').map((l) => l.replace(/\[plugin: stampede-[\w-]+\] /, '').trim()).filter((l) => l !== '');
  // esbuild (directly or through tsx) reports "Build/Transform failed with 1 error:" first and the real error below it
  const useful = lines.find((l) => /\bERROR\b|error:/i.test(l) && !/^(Transform|Build) failed/.test(l)) ?? lines[0] ?? 'unknown error';
  return lines[0] !== undefined && /^(Transform|Build) failed/.test(lines[0]) ? useful : `${name}${lines[0] ?? 'unknown error'}`;
}
