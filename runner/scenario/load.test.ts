// Real scenario modules written to a temp folder inside the repo (so `k6/options` types and the
// runner's own modules resolve as they do for files in scenarios/), loaded as the CLI loads them.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { loadScenario } from './load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIR = path.join(ROOT, '.stampede-tmp', `load-test-${process.pid}-${Date.now()}`);
mkdirSync(DIR, { recursive: true });
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

let n = 0;
/** Writes a scenario file with a unique name (modules are cached by URL) and returns its path. */
function scenario(source: string, ext = 'ts'): string {
  const file = path.join(DIR, `s${++n}.${ext}`);
  writeFileSync(file, source);
  return file;
}

async function loadError(file: string): Promise<StampedeError> {
  try {
    await loadScenario(file);
  } catch (e) {
    if (e instanceof StampedeError) return e;
    throw e;
  }
  throw new Error('expected loadScenario to fail');
}

const VALID = `import type { Options } from 'k6/options';
import type { VU } from '../../runner/scenario/api.ts';

export const options: Options = {
  scenarios: {
    browse: { executor: 'constant-vus', vus: 2, duration: '10s', exec: 'browse' },
    sale: {
      executor: 'ramping-arrival-rate',
      startRate: 0,
      preAllocatedVUs: 10,
      maxVUs: 50,
      stages: [{ duration: '10s', target: 100 }],
      startTime: '5s',
    },
  },
  thresholds: { 'http_req_latency{scenario:sale}': ['p(99)<200'] },
};

export function setup() { return { token: 't' }; }
export function teardown() {}
export function handleSummary() { return {}; }
export async function browse(vu: VU) { await vu.sleep(0); }
export default async function (vu: VU) { await vu.sleep(0); }
`;

describe('loadScenario', () => {
  it('loads a typed scenario: name, hash, normalised options, journeys, setup and teardown', async () => {
    const file = scenario(VALID);
    const loaded = await loadScenario(file);
    expect(loaded.file).toBe(file);
    expect(loaded.name).toBe(path.basename(file, '.ts'));
    expect(loaded.hash).toBe(createHash('sha256').update(VALID).digest('hex'));
    expect(Object.keys(loaded.journeys).sort()).toEqual(['browse', 'default']);
    expect(typeof loaded.setup).toBe('function');
    expect(typeof loaded.teardown).toBe('function');
    expect(typeof loaded.handleSummary).toBe('function');
    expect(loaded.options.scenarios.map((s) => [s.name, s.executor, s.exec, s.startTimeMs])).toEqual([
      ['browse', 'constant-vus', 'browse', 0],
      ['sale', 'ramping-arrival-rate', 'default', 5000],
    ]);
    expect(loaded.options.thresholds.map((t) => t.key)).toEqual(['http_req_latency{scenario:sale}']);
    expect(loaded.warnings).toEqual([]);
  });

  it('a file without options runs its default export once (k6 default)', async () => {
    const loaded = await loadScenario(scenario('export default function () {}\n', 'js'));
    expect(loaded.options.scenarios).toEqual([
      { name: 'default', executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 600_000, exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, env: {}, tags: {} },
    ]);
  });

  it('a missing file: STAMPEDE_E_SCENARIO_NOT_FOUND, exit 2', async () => {
    const e = await loadError(path.join(DIR, 'nope.ts'));
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_NOT_FOUND');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${path.join(DIR, 'nope.ts')}: no such scenario file`);
  });

  it('a directory: STAMPEDE_E_SCENARIO_NOT_FOUND', async () => {
    const e = await loadError(DIR);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_NOT_FOUND');
    expect(e.message).toBe(`${DIR}: is a directory; expected a scenario module (.ts or .js)`);
  });

  it('a module that throws on import: STAMPEDE_E_SCENARIO_LOAD with the error, no stack', async () => {
    const file = scenario("throw new TypeError('no BASE_URL given\\n  at somewhere');\nexport default function () {}\n");
    const e = await loadError(file);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_LOAD');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${file}: failed to load: TypeError: no BASE_URL given`);
  });

  it('a syntax error: STAMPEDE_E_SCENARIO_LOAD naming the file, one line', async () => {
    const file = scenario('export const options = { vus: 1,, };\nexport default function () {}\n');
    const e = await loadError(file);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_LOAD');
    expect(e.message.startsWith(`${file}: failed to load: `)).toBe(true);
    expect(e.message).not.toContain('\n');
    expect(e.message).not.toMatch(/^\s+at /m);
  });

  it('a value import of k6 (types only exist at build time) gets a hint', async () => {
    const file = scenario("import { Options } from 'k6/options';\nexport const options: Options = {};\nexport default function () { return Options; }\n");
    const e = await loadError(file);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_LOAD');
    expect(e.message).toMatch(/k6/);
    expect(e.details[0]).toContain("import type { Options } from 'k6/options'");
  });

  it('exec naming a missing function: scenarios.X.exec and the exported functions', async () => {
    const file = scenario(`export const options = {
  scenarios: {
    sale: { executor: 'constant-vus', duration: '5s', exec: 'buy' },
    browse: { executor: 'constant-vus', duration: '5s' },
  },
};
export function browsing() {}
`);
    const e = await loadError(file);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_INVALID');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(`${file}: scenarios.sale.exec: expected the name of an exported function, got "buy" (exported functions: browsing)`);
    expect(e.details).toEqual([
      'scenarios.browse.exec: expected the name of an exported function; without exec the scenario runs the default export, which this file lacks (exported functions: browsing)',
    ]);
  });

  it('a shortcut without a default export', async () => {
    const file = scenario("export const options = { vus: 2, duration: '5s' };\nexport const x = 1;\n");
    expect((await loadError(file)).message).toBe(
      `${file}: export default: expected a default-exported journey function (the default scenario runs it); the file exports no function`,
    );
  });

  it('bad options name the file and the field', async () => {
    const file = scenario(`export const options = {
  scenarios: { sale: { executor: 'ramping-arrival-rate', preAllocatedVUs: 5, stages: [{ duration: '5s', target: 10 }, { duration: '5s', target: 'x' }] } },
};
export default function () {}
`);
    const e = await loadError(file);
    expect(e.code).toBe('STAMPEDE_E_SCENARIO_INVALID');
    expect(e.message).toBe(`${file}: scenarios.sale.stages[1].target: expected a number ≥ 0, got "x"`);
  });

  it('setup that is not a function', async () => {
    const file = scenario('export const setup = 5;\nexport default function () {}\n');
    expect((await loadError(file)).message).toBe(`${file}: setup: expected an exported function, got number`);
  });
});

describe('loadScenario under the CLI loader (tsx, outside Vitest)', () => {
  it('loads a valid .ts scenario and reports a syntax error on one line', async () => {
    const good = scenario(VALID);
    const bad = scenario('export const options = { vus: 1,, };\nexport default function () {}\n');
    const driver = scenario(`import { loadScenario } from '../../runner/scenario/load.ts';
import { formatError, isStampedeError } from '../../runner/errors.ts';
const good = await loadScenario(${JSON.stringify(good)});
process.stdout.write(JSON.stringify({ scenarios: good.options.scenarios.length, journeys: Object.keys(good.journeys).sort() }) + '\\n');
try { await loadScenario(${JSON.stringify(bad)}); } catch (e) { process.stdout.write((isStampedeError(e) ? formatError(e) : 'NOT A STAMPEDE ERROR ' + String(e)) + '\\n'); }
`);
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', driver], { cwd: ROOT, timeout: 30_000 });
    const [first, ...rest] = stdout.trim().split('\n');
    expect(JSON.parse(first ?? '')).toEqual({ scenarios: 2, journeys: ['browse', 'default'] });
    expect(rest).toHaveLength(1);
    expect(rest[0]).toMatch(new RegExp(`^error STAMPEDE_E_SCENARIO_LOAD: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: failed to load: .+`));
    expect(rest[0]).not.toMatch(/Transform failed/);
  });
});
