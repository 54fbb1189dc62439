// The bad-input table: every command's flags (read from the command's own --help, so a new flag
// is covered as soon as it is documented — and an unclassified one fails the suite), scenario
// files with bad options, matrices, result documents, k6 files and points files. Every case
// must be refused with exit 2 and one message line that names what was wrong and where,
// before anything runs and without leaving a file behind (bad-input.test.ts runs them).
//
// Paths in a case are placeholders, resolved per case by the harness:
//   {dir}      the case's own empty working folder (also the cwd)
//   {out}      {dir}/out, an output folder that must stay absent or empty
//   {outfile}  {dir}/out.file, an output file that must not appear
//   {file}     {dir}/a-file, an existing regular file
//   {missing}  {dir}/missing, a path that does not exist
//   {tiny}     a valid scenario (fixtures/tiny.ts), {result} a valid result.json,
//   {k6}       a valid k6 --out json file, {csv} a valid points file
// and `files` are written into {dir} before the case runs.
import { runResultSchema } from '../../result/schema.ts';

export interface BadInputCase {
  category: string;
  name: string;
  argv: string[];
  /** files written into the case's folder first (name → content) */
  files?: Record<string, string>;
  /** what the message line must contain (the flag, file or field), after placeholder resolution */
  mentions: string[];
  /**
   * run as a real process only: under the test runner, a module's syntax error reaches the
   * loader through vite's transform, which words it differently from the CLI's own loader
   */
  realProcess?: true;
  /**
   * lines the command may print before the message: `stampede demo` says what it starts (for
   * --simple it starts its small local server) before `stampede run` reads the flags; no load is sent
   */
  preambleLines?: number;
}

/** How a flag's value is checked, and so which bad values it gets. */
export type FlagKind =
  | 'bool'
  | 'int'
  | 'number'
  | 'duration'
  | 'url'
  | 'dashboard-url'
  | 'out-dir'
  | 'out-file'
  | 'in-dir'
  | 'kv'
  | 'matrix'
  | 'slo'
  | 'errors'
  | 'sweep'
  | 'target-config'
  | 'enum'
  | 'host'
  | 'token'
  | 'pg-url'
  | 'redis-url'
  | 'metrics'
  | 'since'
  | 'command'
  | 'ready-url'
  | 'run-ref'
  | 'fail-on'
  | 'header';

const BAD_VALUES: Record<FlagKind, string[]> = {
  bool: ['=yes'],
  int: ['', 'abc', '-1', '1.5', 'NaN', 'Infinity', '1e309', '99999999999'],
  number: ['', 'abc', '-1', 'NaN', '-Infinity', '1e309'],
  duration: ['', 'soon', '-5s', '5parsecs', '1e309s'],
  url: ['', 'notaurl', 'ftp://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', 'http://'],
  metrics: ['', 'notaurl', 'ftp://example.com/', 'javascript:alert(1)'],
  'dashboard-url': ['', 'notaurl', 'ftp://example.com/', 'javascript:alert(1)'],
  'out-dir': ['', '/proc/stampede-x', '/sys/stampede-x', '/dev/stampede-x', '{file}', '{file}/sub'],
  'out-file': ['', '/proc/stampede-x', '/sys/stampede-x', '{dir}', '{missing}/f', '{file}/f'],
  'in-dir': ['', '{file}'],
  kv: ['novalue', '=x', ''],
  matrix: ['', ';', 'variant', 'nope=1', 'variant=nope', 'workers=0'],
  slo: ['', ',', 'p99<200', 'p(99)', 'p(99)<fast', 'p(101)<5', 'rate<0.1'],
  errors: ['', 'rate<', 'nope', 'p(99)<5'],
  sweep: ['', 'vus', 'vus=', 'vus=0', 'vus=1,1', 'vus=a', 'cpus=1,2', 'workers=0', 'workers=1000'],
  'target-config': ['', 'variant', 'variant=nope', 'nope=1', 'workers=0', 'workers=abc', '=x'],
  enum: ['', 'nope'],
  host: [''],
  token: ['', 'short'],
  'pg-url': ['', 'notaurl', 'mysql://x/y'],
  'redis-url': ['', 'notaurl', 'ftp://x/y'],
  since: ['', 'soon', '-5s', '1e309s', '2026-13-45'],
  command: ['', 'no-such-command-stampede {port}', 'node {nope}', 'node a | b {port}', 'node a > f {port}'],
  'ready-url': ['', 'ftp://x/', 'javascript:alert(1)'],
  'run-ref': ['', 'no-such-run'],
  'fail-on': ['', 'nope+10%', 'p(99)', 'p(99)+x%'],
  header: ['', 'no colon', ': value', 'bad name: v', 'x-token: a\r\nx-evil: 1'],
};

const TINY = '{tiny}';
const DEAD = 'http://127.0.0.1:9';

interface CommandTable {
  /** argv with which the command would run (quickly) if the flag under test were accepted */
  base: string[];
  /** per flag: its kind, and optionally other argv it needs to be read at all (replacing base) */
  flags: Record<string, FlagKind | { kind: FlagKind; base: string[] }>;
  /** flags the help text names that are not this command's (another tool's, e.g. k6's) */
  prose?: string[];
}

const CAPACITY_BASE = ['capacity', TINY, '--slo', 'p(99)<200', '--target', DEAD, '--out', '{out}', '--quiet', '--max-probes', '1', '--warmup', '0s', '--window', '1s'];
const CAPACITY_HPA = [...CAPACITY_BASE, '--peak', '100'];
const CAPACITY_WORKERS = ['capacity', TINY, '--sweep', 'workers=1,2', '--out', '{out}', '--quiet'];
// a command target that would start (and exit at once: exit 3) if the flag under test were accepted
const RUN_CMD = ['run', TINY, '--target-cmd', 'node -e 0 {port}', '--out', '{out}', '--quiet'];
const COMPARE_CMD = ['compare', TINY, '--target-cmd', 'node -e 0 {port} {x}', '--matrix', 'x=1', '--out', '{out}'];
const CAPACITY_CMD = ['capacity', TINY, '--target-cmd', 'node -e 0 {port} {workers}', '--sweep', 'workers=1', '--out', '{out}', '--quiet'];
/** The command-target flags of run, compare and capacity, each read with a command line given. */
function commandTargetFlags(base: string[]): CommandTable['flags'] {
  return {
    'target-cmd': { kind: 'command', base: base.filter((_, i) => base[i] !== '--target-cmd' && base[i - 1] !== '--target-cmd') },
    knob: { kind: 'kv', base },
    ready: { kind: 'ready-url', base },
    cwd: { kind: 'in-dir', base },
    'target-env': { kind: 'kv', base },
    reset: { kind: 'ready-url', base },
    invariants: { kind: 'ready-url', base },
    'stop-grace': { kind: 'duration', base },
    // sent with the hooks: read with one of them given
    'hook-header': { kind: 'header', base: [...base, '--reset', '/reset'] },
  };
}
const CAPACITY_VUS_SWEEP = ['capacity', TINY, '--sweep', 'vus=1,2', '--target', DEAD, '--out', '{out}', '--quiet', '--warmup', '0s', '--window', '1s'];

/** Every command with its flags' kinds. `help` is never tested as a bad flag. */
export const COMMAND_TABLES: Record<string, CommandTable> = {
  run: {
    base: ['run', TINY, '--target', DEAD, '--out', '{out}', '--quiet'],
    flags: {
      out: 'out-dir',
      env: 'kv',
      target: 'url',
      'target-config': { kind: 'target-config', base: ['run', TINY, '--out', '{out}', '--quiet'] },
      'ready-timeout': 'duration',
      threads: 'int',
      quiet: 'bool',
      dashboard: 'dashboard-url',
      'no-dashboard': 'bool',
      junit: 'out-file',
      'summary-md': 'out-file',
      'metrics-port': 'int',
      'metrics-host': { kind: 'host', base: ['run', TINY, '--target', DEAD, '--out', '{out}', '--quiet', '--metrics-port', '0'] },
      ...commandTargetFlags(RUN_CMD),
      k6: 'bool',
      'summary-export': 'out-file',
      baseline: 'run-ref',
      'fail-on': 'fail-on',
      'no-history': 'bool',
    },
    // named in the help of --target-cmd's knobs ("--matrix on compare")
    prose: ['matrix'],
  },
  compare: {
    base: ['compare', TINY, '--matrix', 'variant=async', '--out', '{out}'],
    flags: { matrix: 'matrix', repeat: 'int', cooldown: 'duration', out: 'out-dir', env: 'kv', threads: 'int', 'ready-timeout': 'duration', rank: 'enum', ...commandTargetFlags(COMPARE_CMD) },
  },
  capacity: {
    base: CAPACITY_BASE,
    flags: {
      slo: 'slo',
      errors: 'errors',
      'start-rate': 'number',
      precision: 'number',
      warmup: 'duration',
      window: 'duration',
      'max-probes': 'int',
      confirmations: 'int',
      cooldown: 'duration',
      metrics: 'metrics',
      'max-vus': 'int',
      peak: 'number',
      headroom: { kind: 'number', base: CAPACITY_HPA },
      'hpa-target': { kind: 'number', base: CAPACITY_HPA },
      'pod-startup': { kind: 'duration', base: CAPACITY_HPA },
      'min-replicas': { kind: 'int', base: CAPACITY_HPA },
      'max-replicas': { kind: 'int', base: CAPACITY_HPA },
      sweep: 'sweep',
      'sweep-vus': { kind: 'int', base: CAPACITY_WORKERS },
      'sweep-repeat': { kind: 'int', base: CAPACITY_VUS_SWEEP },
      'target-config': { kind: 'target-config', base: CAPACITY_WORKERS },
      'ready-timeout': { kind: 'duration', base: CAPACITY_WORKERS },
      'settle-max': { kind: 'duration', base: CAPACITY_WORKERS },
      target: 'url',
      env: 'kv',
      out: 'out-dir',
      threads: 'int',
      quiet: 'bool',
      ...commandTargetFlags(CAPACITY_CMD),
    },
    prose: ['matrix'],
  },
  import: {
    base: ['import', 'k6', '{k6}', '--out', '{out}'],
    flags: { out: 'out-dir', junit: 'out-file', 'summary-md': 'out-file' },
    prose: ['summary-export'],
  },
  report: { base: ['report', '{result}', '--out', '{outfile}'], flags: { out: 'out-file' } },
  export: { base: ['export', 'k6', TINY, '--out', '{outfile}'], flags: { out: 'out-file', 'latency-as-duration': 'bool' } },
  usl: { base: ['usl', '{csv}'], flags: { json: 'bool' } },
  history: {
    base: ['history'],
    flags: {
      since: 'since',
      json: 'bool',
      limit: 'int',
      changes: 'bool',
      html: { kind: 'out-file', base: ['history', 'tiny'] },
      csv: { kind: 'bool', base: ['history', 'export', '--csv'] },
      out: { kind: 'out-file', base: ['history', 'export', '--csv'] },
    },
    // free text naming the figure of --changes: a metric nothing recorded has no change points
    prose: ['metric', 'stat'],
  },
  diff: { base: ['diff', '{result}', '{result}'], flags: { confidence: 'number', seed: 'int', reps: 'int', json: 'bool' } },
  baseline: { base: ['baseline', 'show'], flags: {} },
  dashboard: { base: ['dashboard'], flags: { port: 'int', runs: 'in-dir' } },
  // demo passes its other flags to `stampede run` (so run's table covers them); --simple picks the small demo
  demo: { base: ['demo', '--simple', '--out', '{out}', '--quiet'], flags: { simple: { kind: 'bool', base: ['demo', '--out', '{out}', '--quiet'] }, env: 'kv' } },
  target: {
    base: ['target'],
    flags: {
      variant: 'enum',
      workers: 'int',
      pool: 'int',
      pgbouncer: 'bool',
      cache: 'enum',
      'cache-ttl-ms': 'int',
      queue: 'enum',
      'queue-concurrency': 'int',
      'recover-after-ms': 'int',
      'payment-latency-ms': 'int',
      'payment-failure-rate': 'number',
      replica: 'bool',
      shards: 'int',
      sessions: 'enum',
      stock: 'int',
      products: 'int',
      port: 'int',
      host: 'host',
      'admin-token': 'token',
      'database-url': 'pg-url',
      'redis-url': 'redis-url',
      'body-limit-bytes': 'int',
      shop: 'enum',
      'pool-overflow': 'int',
      threads: 'int',
    },
  },
};

/** Values that are fine for some flags of a kind: a flag whose range admits them skips them. */
const ADMITTED: Record<string, string[]> = {
  // 0 / large values are fine for these
  'run --metrics-port': [],
  'target --port': [],
  'target --stock': [],
  'target --payment-latency-ms': [],
  'target --recover-after-ms': ['99999999999'],
  'target --cache-ttl-ms': ['99999999999'],
  'capacity --confirmations': [],
  // a fraction of a second is a valid duration
  'capacity --pod-startup': [],
  'capacity --settle-max': [],
  'compare --cooldown': [],
  // the report writer creates the folder of its --out
  'report --out': ['{missing}/f'],
  // any positive count is a limit
  'history --limit': ['99999999999'],
};

/** Flags named in a command's --help text (`--name`), without --help itself. */
export function flagsInHelp(help: string): string[] {
  const out = new Set<string>();
  for (const m of help.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)) if (m[1] !== 'help') out.add(m[1]!);
  return [...out];
}

/** The flags a command's --help mentions that the table does not classify (the suite fails on any). */
export function unclassifiedFlags(command: string, help: string): string[] {
  const table = COMMAND_TABLES[command];
  if (!table) return [`(no table for command ${command})`];
  return flagsInHelp(help).filter((f) => !Object.hasOwn(table.flags, f) && !(table.prose ?? []).includes(f));
}

/** `base` without the flag (and its value, for a flag that takes one). */
function withoutFlag(base: string[], flag: string, kind: FlagKind): string[] {
  const out: string[] = [];
  for (let i = 0; i < base.length; i++) {
    if (base[i] === `--${flag}`) {
      if (kind !== 'bool') i++;
      continue;
    }
    out.push(base[i]!);
  }
  return out;
}

export function flagCases(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  for (const [command, table] of Object.entries(COMMAND_TABLES)) {
    for (const [flag, spec] of Object.entries(table.flags)) {
      const kind = typeof spec === 'string' ? spec : spec.kind;
      const base = withoutFlag(typeof spec === 'string' ? table.base : spec.base, flag, kind);
      const admitted = ADMITTED[`${command} --${flag}`] ?? [];
      for (const value of BAD_VALUES[kind]) {
        if (admitted.includes(value)) continue;
        const argv = kind === 'bool' ? [...base, `--${flag}${value}`] : [...base, `--${flag}`, value];
        cases.push({ category: `flags: ${command}`, name: `${command} --${flag} ${JSON.stringify(value)}`, argv, mentions: [`--${flag}`], ...(command === 'demo' ? { preambleLines: 1 } : {}) });
      }
    }
    // the shape of the command line itself
    cases.push({ category: `flags: ${command}`, name: `${command} --no-such-flag`, argv: [...table.base, '--no-such-flag'], mentions: ['--no-such-flag'], ...(command === 'demo' ? { preambleLines: 1 } : {}) });
    const last = Object.entries(table.flags).find(([, s]) => (typeof s === 'string' ? s : s.kind) !== 'bool');
    if (last && command !== 'target') {
      const [flag] = last;
      const kind = typeof last[1] === 'string' ? last[1] : last[1].kind;
      cases.push({ category: `flags: ${command}`, name: `${command} --${flag} without its value`, argv: [...withoutFlag(table.base, flag, kind), `--${flag}`], mentions: [`--${flag}`], ...(command === 'demo' ? { preambleLines: 1 } : {}) });
    }
  }
  // positionals
  const positional: Array<[string, string[], string[]]> = [
    ['run without a scenario', ['run', '--quiet'], ['scenario file']],
    ['run with two scenarios', ['run', TINY, TINY, '--quiet'], ['one scenario file']],
    ['run of a missing scenario', ['run', '{missing}.ts', '--target', DEAD, '--out', '{out}', '--quiet'], ['{missing}.ts']],
    ['run --target with --target-config', ['run', TINY, '--target', DEAD, '--target-config', 'variant=async', '--out', '{out}'], ['--target']],
    ['compare without --matrix', ['compare', TINY, '--out', '{out}'], ['--matrix']],
    ['compare without a scenario', ['compare', '--matrix', 'variant=async'], ['scenario file']],
    ['compare of a missing scenario', ['compare', '{missing}.ts', '--matrix', 'variant=async', '--out', '{out}'], ['{missing}.ts']],
    ['capacity without --slo', ['capacity', TINY, '--target', DEAD, '--out', '{out}'], ['--slo']],
    ['capacity --peak without --slo', ['capacity', TINY, '--sweep', 'vus=1,2', '--peak', '100', '--target', DEAD, '--out', '{out}'], ['--peak']],
    ['capacity --min-replicas above --max-replicas', [...CAPACITY_HPA, '--min-replicas', '5', '--max-replicas', '2'], ['--min-replicas']],
    ['capacity HPA flag without --peak', [...CAPACITY_BASE, '--hpa-target', '0.5'], ['--peak']],
    ['capacity --sweep workers with --target', ['capacity', TINY, '--sweep', 'workers=1,2', '--target', DEAD, '--out', '{out}'], ['--target']],
    ['capacity --sweep workers with --slo', ['capacity', TINY, '--sweep', 'workers=1,2', '--slo', 'p(99)<200', '--out', '{out}'], ['--slo']],
    ['capacity --sweep workers with workers in --target-config', ['capacity', TINY, '--sweep', 'workers=1,2', '--target-config', 'workers=2', '--out', '{out}'], ['workers']],
    ['capacity of a missing scenario', ['capacity', '{missing}.ts', '--slo', 'p(99)<200', '--target', DEAD, '--out', '{out}'], ['{missing}.ts']],
    ['import without a source', ['import'], ['"k6"']],
    ['import from k7', ['import', 'k7', '{k6}'], ['"k7"']],
    ['import k6 without files', ['import', 'k6', '--out', '{out}'], ['at least one file']],
    ['report without a document', ['report'], ['expected one document']],
    ['report with two documents', ['report', '{result}', '{result}'], ['expected one document']],
    ['report of a missing file', ['report', '{missing}.json', '--out', '{outfile}'], ['{missing}.json']],
    ['export to k7', ['export', 'k7', TINY], ['"k7"']],
    ['export k6 without a scenario', ['export', 'k6'], ['one scenario file']],
    ['export k6 of a missing scenario', ['export', 'k6', '{missing}.ts', '--out', '{outfile}'], ['{missing}.ts']],
    ['usl without a file', ['usl'], ['one points file']],
    ['usl of a missing file', ['usl', '{missing}.csv'], ['{missing}.csv']],
    ['an unknown command', ['stampedes'], ['"stampedes"']],
    ['history with two scenarios', ['history', 'a', 'b'], ['one scenario']],
    ['history import without a folder', ['history', 'import'], ['one folder']],
    ['history import of a missing folder', ['history', 'import', '{missing}'], ['{missing}']],
    ['history export without --csv', ['history', 'export'], ['--csv']],
    ['history --html without a scenario', ['history', '--html', '{outfile}'], ['--html']],
    ['diff with one run', ['diff', '{result}'], ['two runs']],
    ['diff of an unknown run', ['diff', 'no-such-run', '{result}'], ['"no-such-run"']],
    ['baseline without an action', ['baseline'], ['set <run>']],
    ['baseline set without a run', ['baseline', 'set'], ['set <run>']],
    ['baseline set of an unknown run', ['baseline', 'set', 'no-such-run'], ['"no-such-run"']],
  ];
  for (const [name, argv, mentions] of positional) cases.push({ category: 'flags: positionals', name, argv, mentions });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Scenario files

function scenarioSource(options: unknown): string {
  return `export const options = ${JSON.stringify(options)};\nexport default async function () {}\n`;
}

/** A valid scenario of each executor, and for each of its fields values k6 (or a machine) refuses. */
const EXECUTOR_BASES: Record<string, Record<string, unknown>> = {
  'shared-iterations': { executor: 'shared-iterations', vus: 1, iterations: 1, maxDuration: '5s' },
  'per-vu-iterations': { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDuration: '5s' },
  'constant-vus': { executor: 'constant-vus', vus: 1, duration: '1s' },
  'ramping-vus': { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 1 }] },
  'constant-arrival-rate': { executor: 'constant-arrival-rate', rate: 1, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1 },
  'ramping-arrival-rate': { executor: 'ramping-arrival-rate', startRate: 1, timeUnit: '1s', stages: [{ duration: '1s', target: 1 }], preAllocatedVUs: 1 },
};

const FIELD_BAD: Record<string, unknown[]> = {
  vus: [-1, 1.5, 'many', null, 1e9],
  iterations: [0, -5, 2.5, 'x', 1e12],
  maxDuration: ['soon', -1, '0.5s', '30d'],
  duration: ['soon', '-1s', '0s', '30d', null],
  startVUs: [-1, 'x', 1e9],
  stages: ['x', [], [{ duration: '1s' }], [{ duration: 'x', target: 1 }], [{ duration: '1s', target: -1 }], [{ duration: '1s', target: 1, extra: 1 }]],
  rate: [0, -1, 'fast', 1e12],
  startRate: [-1, 'x', 1e12],
  timeUnit: ['0s', 'x', -1],
  preAllocatedVUs: [-1, 'x', 1.5, 1e9],
  maxVUs: [-1, 0.5, 1e9],
  startTime: ['x', '-1s', '30d'],
  gracefulStop: ['x', '-5s', '30d'],
  gracefulRampDown: ['x', '-5s'],
  exec: ['', 5],
  env: [{ A: 1 }, 'x'],
  tags: [{ t: true }, 5],
};

export function scenarioCases(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (name: string, source: string, mentions: string[], realProcess?: true): void => {
    const file = `s${cases.length}.ts`;
    cases.push({ category: 'scenario files', name, argv: ['run', `{dir}/${file}`, '--target', DEAD, '--out', '{out}', '--quiet'], files: { [file]: source }, mentions: [file, ...mentions], ...(realProcess ? { realProcess } : {}) });
  };
  for (const [executor, base] of Object.entries(EXECUTOR_BASES)) {
    for (const field of Object.keys(FIELD_BAD)) {
      const applies = Object.hasOwn(base, field) || ['startTime', 'gracefulStop', 'exec', 'env', 'tags'].includes(field) || (field === 'maxVUs' && executor.endsWith('arrival-rate')) || (field === 'gracefulRampDown' && executor === 'ramping-vus');
      if (!applies) continue;
      for (const bad of FIELD_BAD[field]!) {
        // a stage problem is reported inside `stages`, a span problem on the scenario
        add(`${executor}: ${field} = ${JSON.stringify(bad)}`, scenarioSource({ scenarios: { s: { ...base, [field]: bad } } }), ['scenarios.s']);
      }
    }
    add(`${executor}: an unknown key`, scenarioSource({ scenarios: { s: { ...base, rps: 5 } } }), ['scenarios.s.rps']);
  }
  const top: Array<[string, unknown, string]> = [
    ['options = 5', 5, 'options'],
    ['vus: -1 with duration', { vus: -1, duration: '1s' }, 'vus'],
    ['vus: 1e9 with duration', { vus: 1e9, duration: '1s' }, 'vus'],
    ['duration: "soon"', { duration: 'soon' }, 'duration'],
    ['iterations: 1.5', { iterations: 1.5 }, 'iterations'],
    ['iterations with stages', { iterations: 2, stages: [{ duration: '1s', target: 1 }] }, 'stages'],
    ['duration with scenarios', { duration: '1s', scenarios: { s: EXECUTOR_BASES['constant-vus'] } }, 'duration'],
    ['stages: "x"', { stages: 'x' }, 'stages'],
    ['scenarios: []', { scenarios: [] }, 'scenarios'],
    ['a scenario name with a space', { scenarios: { 'a b': EXECUTOR_BASES['constant-vus'] } }, 'scenarios'],
    ['an unknown executor', { scenarios: { s: { executor: 'fast' } } }, 'scenarios.s.executor'],
    ['externally-controlled', { scenarios: { s: { executor: 'externally-controlled' } } }, 'scenarios.s.executor'],
    ['a scenario that is a string', { scenarios: { s: 'x' } }, 'scenarios.s'],
    ['iterations < vus', { scenarios: { s: { executor: 'shared-iterations', vus: 5, iterations: 2 } } }, 'scenarios.s.iterations'],
    ['maxVUs < preAllocatedVUs', { scenarios: { s: { ...EXECUTOR_BASES['constant-arrival-rate'], preAllocatedVUs: 5, maxVUs: 2 } } }, 'scenarios.s.maxVUs'],
    ['ramping-vus with no VU ever', { scenarios: { s: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '1s', target: 0 }] } } }, 'scenarios.s.stages'],
    ['a rate of 1e12 per second', { scenarios: { s: { ...EXECUTOR_BASES['constant-arrival-rate'], rate: 1e12 } } }, 'scenarios.s.rate'],
    ['1 per nanosecond', { scenarios: { s: { ...EXECUTOR_BASES['constant-arrival-rate'], rate: 1, timeUnit: '1ns' } } }, 'scenarios.s'],
    ['per-vu 1e5 × 1e5 iterations', { scenarios: { s: { executor: 'per-vu-iterations', vus: 100_000, iterations: 100_000 } } }, 'scenarios.s.iterations'],
    ['tags: { a: 1 }', { tags: { a: 1 } }, 'tags'],
    ['setupTimeout: "-1s"', { setupTimeout: '-1s' }, 'setupTimeout'],
    ['setupTimeout: "30d"', { setupTimeout: '30d' }, 'setupTimeout'],
    ['teardownTimeout: "x"', { teardownTimeout: 'x' }, 'teardownTimeout'],
    ['maxRedirects: -1', { maxRedirects: -1 }, 'maxRedirects'],
    ['userAgent: 5', { userAgent: 5 }, 'userAgent'],
    ['noConnectionReuse: "yes"', { noConnectionReuse: 'yes' }, 'noConnectionReuse'],
    ['insecureSkipTLSVerify: "yes"', { insecureSkipTLSVerify: 'yes' }, 'insecureSkipTLSVerify'],
    ['summaryTrendStats: ["p(200)"]', { summaryTrendStats: ['p(200)'] }, 'summaryTrendStats'],
    ['a k6 option Stampede does not implement', { rps: 10 }, 'rps'],
    ['an option that is not k6', { fooBar: 1 }, 'fooBar'],
    ['a scenario option at top level', { preAllocatedVUs: 5 }, 'preAllocatedVUs'],
    ['thresholds: "x"', { thresholds: 'x' }, 'thresholds'],
    ['a threshold on an unknown metric', { thresholds: { my_metric: ['avg<5'] } }, 'my_metric'],
    ['a threshold on an unknown metric with tags', { thresholds: { 'nope{scenario:s}': ['avg<5'] } }, 'nope'],
    ['a threshold that is not an array', { thresholds: { http_reqs: 'count>1' } }, 'http_reqs'],
    ['a threshold without an operator', { thresholds: { http_req_duration: ['p(95)'] } }, 'http_req_duration'],
    ['a threshold with a bad percentile', { thresholds: { http_req_duration: ['p(101)<5'] } }, 'http_req_duration'],
    ['a threshold with a bad number', { thresholds: { http_req_duration: ['p(95)<fast'] } }, 'http_req_duration'],
    ['an aggregation the metric does not have', { thresholds: { http_req_failed: ['count<3'] } }, 'http_req_failed'],
    ['a bad tag filter', { thresholds: { 'http_req_duration{scenario}': ['p(95)<1'] } }, 'http_req_duration'],
    ['a threshold object without threshold', { thresholds: { http_reqs: [{ abortOnFail: true }] } }, 'http_reqs'],
    ['a threshold object with an unknown key', { thresholds: { http_reqs: [{ threshold: 'count>1', extra: 1 }] } }, 'http_reqs'],
    ['delayAbortEval that is not a duration', { thresholds: { http_reqs: [{ threshold: 'count>1', abortOnFail: true, delayAbortEval: 'soon' }] } }, 'http_reqs'],
  ];
  for (const [name, options, mention] of top) add(name, scenarioSource(options), [mention]);
  // modules that are not scenarios
  add('a syntax error', 'export const options = {;\n', [':1:'], true);
  add('a syntax error in a journey', 'export const options = {};\nexport default async function () { return ) }\n', [':2:'], true);
  add('a module that throws while loading', "throw new Error('boom at import');\n", ['boom at import']);
  add('no default export', 'export const options = {};\n', ['default']);
  add('a default export that is not a function', 'export const options = {};\nexport default 5;\n', ['default']);
  add('exec naming a missing function', scenarioSource({ scenarios: { s: { ...EXECUTOR_BASES['constant-vus'], exec: 'nope' } } }), ['nope']);
  add('an import of a missing module', "import './does-not-exist.ts';\nexport default async function () {}\n", ['does-not-exist']);
  add('options computed to NaN', 'export const options = { vus: Number("x"), duration: "1s" };\nexport default async function () {}\n', ['vus']);
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Matrices (stampede compare --matrix)

export function matrixCases(): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const inline = ['', ';', ' ; ', 'variant', '=sync', 'variant=', 'variant=sync,', 'variant=nope', 'nope=1', 'workers=0', 'workers=abc', 'workers=1e9', 'variant=sync;variant=async', 'cache=nope,redis', 'pool=-1', 'stock=1.5'];
  for (const m of inline) {
    cases.push({ category: 'matrices', name: `inline ${JSON.stringify(m)}`, argv: ['compare', TINY, '--matrix', m, '--out', '{out}'], mentions: ['--matrix'] });
  }
  const files: Array<[string, string, string]> = [
    ['{"axes":{}}', 'axes', 'an empty axes object'],
    ['[]', 'configuration', 'an empty list'],
    ['{}', 'axes', 'an empty object'],
    ['{"configurations":[]}', 'configurations', 'no configurations'],
    ['{"axes":{"variant":[]}}', 'axes.variant', 'an axis without values'],
    ['{"axes":{"variant":["nope"]}}', 'axes.variant[0]', 'a bad value'],
    ['{"axes":{"nope":["x"]}}', 'axes.nope', 'an unknown knob'],
    ['{"axes":{"variant":["sync"]},"base":{"workers":-1}}', 'base', 'a bad base'],
    ['{"axes":{"variant":["sync"]},"extra":1}', 'extra', 'an unknown key'],
    ['[{"variant":"sync"},{"cache":"nope"}]', '[1]', 'a bad configuration in a list'],
    ['[1]', '[0]', 'a list of numbers'],
    ['[{"variant":{"x":1}}]', '[0]', 'an object value'],
    ['not json', 'not valid JSON', 'not JSON'],
    ['', 'not valid JSON', 'an empty file'],
    ['{"axes":{"variant":"sync"}}', 'axes.variant', 'an axis that is not a list'],
  ];
  files.forEach(([content, mention, what], i) => {
    const file = `m${i}.json`;
    cases.push({ category: 'matrices', name: `file: ${what}`, argv: ['compare', TINY, '--matrix', `{dir}/${file}`, '--out', '{out}'], files: { [file]: content }, mentions: [file, mention] });
  });
  cases.push({ category: 'matrices', name: 'file: missing', argv: ['compare', TINY, '--matrix', '{missing}.json', '--out', '{out}'], mentions: ['{missing}.json'] });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Result documents (stampede report)

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function setPath(doc: Json, path: Array<string | number>, value: Json | undefined): Json {
  const copy = structuredClone(doc);
  let at: Json = copy;
  for (const p of path.slice(0, -1)) at = (at as Record<string, Json>)[p as string] as Json;
  const last = path.at(-1)!;
  if (value === undefined) delete (at as Record<string, Json>)[last as string];
  else (at as Record<string, Json>)[last as string] = value;
  return copy;
}

/** Mutations of a valid result (`seed`); each must be refused naming the field. */
function isOptionalResultKey(key: string): boolean {
  const field = (runResultSchema.shape as Record<string, { safeParse(v: unknown): { success: boolean } } | undefined>)[key];
  return field !== undefined && field.safeParse(undefined).success;
}

export function resultCases(seed: Json): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const add = (name: string, content: string, mentions: string[]): void => {
    const file = `r${cases.length}.json`;
    cases.push({ category: 'result documents', name, argv: ['report', `{dir}/${file}`, '--out', '{outfile}'], files: { [file]: content }, mentions: [file, ...mentions] });
  };
  const mut = (name: string, path: Array<string | number>, value: Json | undefined, mention: string): void => add(name, JSON.stringify(setPath(seed, path, value)), [mention]);
  const s = seed as Record<string, Json>;
  const metrics = s.metrics as Record<string, Record<string, Json>>;
  for (const [name, m] of Object.entries(metrics)) {
    if (typeof m.histogram === 'string') {
      const h = m.histogram;
      mut(`${name}: histogram with a corrupted header`, ['metrics', name, 'histogram'], 'AAAA' + h.slice(10), `metrics.${name}.histogram`);
      mut(`${name}: histogram cut in half`, ['metrics', name, 'histogram'], h.slice(0, Math.floor(h.length / 2)), `metrics.${name}.histogram`);
      mut(`${name}: histogram that is not base64`, ['metrics', name, 'histogram'], '!!not base64!!', `metrics.${name}.histogram`);
      mut(`${name}: histogram that is a number`, ['metrics', name, 'histogram'], 5, `metrics.${name}.histogram`);
    }
    const values = m.values as Record<string, Json>;
    const first = Object.keys(values)[0];
    if (first) mut(`${name}: values.${first} = "fast"`, ['metrics', name, 'values', first], 'fast', `metrics.${name}.values`);
    mut(`${name}: type = "bogus"`, ['metrics', name, 'type'], 'bogus', `metrics.${name}.type`);
  }
  mut('meta.startTime = "yesterday"', ['meta', 'startTime'], 'yesterday', 'meta.startTime');
  mut('meta.endTime = 5', ['meta', 'endTime'], 5, 'meta.endTime');
  mut('meta.durationMs = -1', ['meta', 'durationMs'], -1, 'meta.durationMs');
  mut('schemaVersion = 2', ['schemaVersion'], 2, 'schemaVersion');
  mut('kind = "nope"', ['kind'], 'nope', 'kind');
  mut('kind missing', ['kind'], undefined, 'kind');
  // a key the schema makes optional (added after results already existed) may be absent
  for (const key of Object.keys(s)) if (key !== 'kind' && !isOptionalResultKey(key)) mut(`${key} missing`, [key], undefined, key);
  mut('timeline[0].t = -1', ['timeline', 0, 't'], -1, 'timeline[0].t');
  mut('timeline = "x"', ['timeline'], 'x', 'timeline');
  mut('generator.threads = 0', ['generator', 'threads'], 0, 'generator.threads');
  mut('checks = {}', ['checks'], {}, 'checks');
  mut('thresholds[0] = 5', ['thresholds', 0], 5, 'thresholds[0]');
  mut('partial = "no"', ['partial'], 'no', 'partial');
  add('not JSON', '{"kind": "run",', ['not valid JSON']);
  add('an empty file', '', ['not valid JSON']);
  add('an array', '[]', ['kind']);
  add('null', 'null', ['kind']);
  add('a comparison without its fields', '{"kind":"comparison"}', []);
  add('a capacity study without its fields', '{"kind":"capacity"}', []);
  cases.push({ category: 'result documents', name: 'a folder', argv: ['report', '{dir}', '--out', '{outfile}'], mentions: ['{dir}'] });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// k6 files (stampede import k6)

/** Bad k6 --out json files (built from a valid one's lines) and bad summaries. */
export function k6Cases(ndjson: string, summary: Json): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const lines = ndjson.split('\n').filter((l) => l.trim() !== '');
  const firstPoint = lines.findIndex((l) => (JSON.parse(l) as { type: string }).type === 'Point');
  const point = JSON.parse(lines[firstPoint]!) as { data: Record<string, Json>; metric: string };
  const add = (name: string, content: string, mentions: string[]): void => {
    const file = `k${cases.length}.json`;
    cases.push({ category: 'k6 files', name, argv: ['import', 'k6', `{dir}/${file}`, '--out', '{out}'], files: { [file]: content }, mentions: [file, ...mentions] });
  };
  const withPoint = (name: string, mutate: (p: typeof point) => unknown, mention: string): void => {
    const copy = [...lines];
    copy[firstPoint] = JSON.stringify(mutate(structuredClone(point)));
    add(name, copy.join('\n') + '\n', [`:${firstPoint + 1}`, mention]);
  };
  withPoint('a Point value of 1e308', (p) => ({ ...p, data: { ...p.data, value: 1e308 } }), 'data.value');
  withPoint('a negative duration', (p) => ({ ...p, metric: 'http_req_duration', data: { ...p.data, value: -5 } }), 'data.value');
  withPoint('a value that is a string', (p) => ({ ...p, data: { ...p.data, value: 'fast' } }), 'data.value');
  withPoint('a time that is not RFC 3339', (p) => ({ ...p, data: { ...p.data, time: 'yesterday' } }), 'data.time');
  withPoint('a line of type "Pint"', (p) => ({ ...p, type: 'Pint' }), 'type');
  withPoint('a Point without data', (p) => ({ type: 'Point', metric: p.metric }), 'data');
  withPoint('a Point with an empty metric name', (p) => ({ ...p, metric: '' }), 'metric');
  withPoint('tags that are numbers', (p) => ({ ...p, data: { ...p.data, tags: { status: 200 } } }), 'data.tags');
  {
    const copy = [...lines];
    copy[firstPoint] = '{"type":"Point",';
    add('a cut line', copy.join('\n'), [`:${firstPoint + 1}`]);
  }
  add('a Point of a custom metric before its Metric line', JSON.stringify({ type: 'Point', metric: 'my_custom', data: { time: '2026-01-01T00:00:00Z', value: 1, tags: {} } }) + '\n', ['my_custom']);
  add('a time of year 0', [...lines, JSON.stringify({ ...point, data: { ...point.data, time: '0000-01-01T00:00:00Z' } })].join('\n') + '\n', ['data.time']);
  add('points decades apart', [...lines, JSON.stringify({ ...point, data: { ...point.data, time: '1971-01-01T00:00:00Z' } })].join('\n') + '\n', ['data.time']);
  add('only Metric lines', lines.filter((l) => (JSON.parse(l) as { type: string }).type === 'Metric').join('\n') + '\n', ['no Point lines']);
  add('an empty file', '', ['empty']);
  add('a blank file', '\n\n  \n', ['empty']);
  add('garbage', 'hello k6\n', [':1']);
  add('a JSON number', '42', ['metrics']);
  add('a JSON array', '[1,2]', ['metrics']);
  const sum = summary as Record<string, Json>;
  const sumMetrics = sum.metrics as Record<string, Record<string, Json>>;
  const aMetric = Object.keys(sumMetrics).find((k) => typeof sumMetrics[k] === 'object' && sumMetrics[k] !== null && 'values' in sumMetrics[k]!);
  const summaryWith = (name: string, doc: Json, mention: string): void => add(name, JSON.stringify(doc), [mention]);
  if (aMetric) {
    const vals = sumMetrics[aMetric]!.values as Record<string, Json>;
    const stat = Object.keys(vals)[0]!;
    summaryWith('a summary value of 1e308', setPath(summary, ['metrics', aMetric, 'values', stat], 1e308), aMetric);
    summaryWith('a summary value that is a string', setPath(summary, ['metrics', aMetric, 'values', stat], 'fast'), aMetric);
    summaryWith('a summary metric of type "bogus"', setPath(summary, ['metrics', aMetric, 'type'], 'bogus'), aMetric);
  }
  summaryWith('a negative testRunDurationMs', setPath(summary, ['state'], { testRunDurationMs: -1000 }), 'testRunDurationMs');
  summaryWith('a testRunDurationMs of 1e308', setPath(summary, ['state'], { testRunDurationMs: 1e308 }), 'testRunDurationMs');
  summaryWith('metrics that is a list', setPath(summary, ['metrics'], []), 'metrics');
  add('a summary-export metric with a negative count', JSON.stringify({ metrics: { http_reqs: { count: -5, rate: 1 } } }), ['http_reqs']);
  add('a summary-export metric with unknown keys', JSON.stringify({ metrics: { http_reqs: { bogus: 1 } } }), ['http_reqs']);
  add('a summary-export threshold that is not a boolean', JSON.stringify({ metrics: { http_reqs: { count: 5, rate: 1, thresholds: { 'count>1': 'yes' } } } }), ['http_reqs']);
  add('a summary check with negative passes', JSON.stringify({ metrics: { http_reqs: { count: 5, rate: 1 } }, root_group: { checks: [{ name: 'c', passes: -1, fails: 0 }] } }), ['checks']);
  add('a Stampede result given as a k6 summary', '{RESULT}', ['Stampede']);
  cases.push({ category: 'k6 files', name: 'a missing file', argv: ['import', 'k6', '{missing}.json', '--out', '{out}'], mentions: ['{missing}.json'] });
  cases.push({ category: 'k6 files', name: 'a folder', argv: ['import', 'k6', '{dir}', '--out', '{out}'], mentions: ['{dir}'] });
  cases.push({ category: 'k6 files', name: 'a summary with a runner file', argv: ['import', 'k6', '{k6summary}', '{k6}', '--out', '{out}'], mentions: ['summary'] });
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Points files (stampede usl)

export function pointsCases(): BadInputCase[] {
  const bodies: Array<[string, string]> = [
    ['empty', ''],
    ['too few points', '1,10\n2,19\n'],
    ['a word for throughput', '1,10\n2,fast\n3,28\n4,35\n5,40\n6,44\n'],
    ['a negative n', '-1,10\n2,19\n3,28\n4,35\n5,40\n6,44\n'],
    ['one distinct n', '1,10\n1,11\n1,12\n1,10\n1,11\n1,12\n'],
    ['three columns', '1,10,5\n2,19,5\n3,28,5\n4,35,5\n5,40,5\n6,44,5\n'],
    ['Infinity', '1,10\n2,Infinity\n3,28\n4,35\n5,40\n6,44\n'],
    ['1e309', '1,10\n2,1e309\n3,28\n4,35\n5,40\n6,44\n'],
    ['binary', '\u0000\u0001\u0002'],
  ];
  return bodies.map(([name, content], i) => ({ category: 'points files', name, argv: ['usl', `{dir}/p${i}.csv`], files: { [`p${i}.csv`]: content }, mentions: [`p${i}.csv`] }));
}

// ---------------------------------------------------------------------------------------------
// Bodies POSTed to the shop (target-app): each must be answered 4xx, never 5xx

export interface ShopBodyCase {
  name: string;
  path: string;
  /** which credentials the request carries, so that the body itself is what is judged */
  auth: 'user' | 'admin' | 'none';
  /** a JSON value sent as application/json, or raw text with its content type */
  body: { json: unknown } | { raw: string; contentType: string };
}

const WEIRD_IDS: unknown[] = [null, true, 0, -1, 1.5, 2 ** 31, 1e308, -1e308, '', '1', 'x', '1; DROP TABLE orders', [], [1], {}, { $gt: 0 }];

export function shopBodyCases(): ShopBodyCase[] {
  const cases: ShopBodyCase[] = [];
  const json = (name: string, path: string, auth: ShopBodyCase['auth'], value: unknown): void => void cases.push({ name, path, auth, body: { json: value } });
  for (const u of [null, 5, '', 'x'.repeat(65), 'a b', '<script>alert(1)</script>', '../../etc/passwd', [], {}, true, '\u0000']) json(`login username ${JSON.stringify(u)}`, '/login', 'none', { username: u });
  json('login with an extra key', '/login', 'none', { username: 'ok', admin: true });
  for (const id of WEIRD_IDS) json(`cart productId ${JSON.stringify(id)}`, '/cart', 'user', { productId: id, quantity: 1 });
  for (const q of [0, -1, 1.5, 'x', 1e9, null, [], {}]) json(`cart quantity ${JSON.stringify(q)}`, '/cart', 'user', { productId: 1, quantity: q });
  json('cart with an extra key', '/cart', 'user', { productId: 1, quantity: 1, price: 0 });
  for (const id of WEIRD_IDS) json(`checkout saleId ${JSON.stringify(id)}`, '/checkout', 'user', { saleId: id });
  json('checkout with an extra key', '/checkout', 'user', { saleId: 1, total: 0 });
  for (const s of [-1, 1.5, 'x', 1e308, 1e8, null, []]) json(`reset stock ${JSON.stringify(s)}`, '/admin/reset', 'admin', { stock: s });
  for (const id of [0, -1, 'x', 1e308]) json(`reset saleId ${JSON.stringify(id)}`, '/admin/reset', 'admin', { saleId: id, stock: 1 });
  for (const ids of ['x', ['x'], [1], [null], {}, 5]) json(`invariants orderIds ${JSON.stringify(ids)}`, '/admin/invariants', 'admin', { orderIds: ids });
  const raws = ['{', '{"a":', 'null', '[]', '"x"', '1', 'x'.repeat(100), '\u0000\u0001', '{"a":1}}', '{"username":"a","username":{"$ne":1}}'];
  const posts: Array<[string, ShopBodyCase['auth']]> = [['/login', 'none'], ['/cart', 'user'], ['/checkout', 'user'], ['/admin/reset', 'admin'], ['/admin/invariants', 'admin']];
  for (const [path, auth] of posts) {
    for (const raw of raws) cases.push({ name: `${path} raw ${JSON.stringify(raw.slice(0, 20))}`, path, auth, body: { raw, contentType: 'application/json' } });
    cases.push({ name: `${path} as text/plain`, path, auth, body: { raw: '{"a":1}', contentType: 'text/plain' } });
    cases.push({ name: `${path} charset=nope`, path, auth, body: { raw: '{"a":1}', contentType: 'application/json; charset=nope' } });
  }
  return cases;
}
