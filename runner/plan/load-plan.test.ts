// Real runs of loaded plans: the env given to a plan is what the scenario sees (its module scope
// and __ENV / vu.env, in every thread), and plans derived from one load run the code that was
// loaded, whatever happens to the file afterwards.
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioSource, scratchDir, startServer, type TestServer } from '../testing/fixtures.ts';
import { runTest } from '../run/run-test.ts';
import { loadPlan } from './load-plan.ts';
import { withEnv } from './run-plan.ts';

const scratch = scratchDir('load-plan');
let server: TestServer;
const seen: string[] = [];
beforeAll(async () => {
  server = await startServer((req, res) => {
    seen.push(req.url ?? '');
    res.end('ok');
  });
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

/** The request paths the server saw while `f` ran. */
async function paths(f: () => Promise<unknown>): Promise<string[]> {
  const from = seen.length;
  await f();
  return seen.slice(from);
}

// a k6 script: options read __ENV at init, VU code reads it per request
const K6_SCRIPT = `import http from 'k6/http';
export const options = { vus: 2, iterations: Number(__ENV.ITERS || 1) };
export default function () {
  http.get(__ENV.BASE + '/from/' + (__ENV.FROM || 'none'));
}
`;

describe('the env of a plan', () => {
  it('reaches a k6 script’s __ENV at init (its options) and in VU code, in one thread and in two', async () => {
    const file = scratch.write('env.js', K6_SCRIPT);
    const plan = await loadPlan(file, { env: { BASE: server.url, ITERS: '5', FROM: 'plan' }, threads: 1 });
    expect(plan.options.scenarios[0]).toMatchObject({ executor: 'shared-iterations', vus: 2, iterations: 5 });
    expect(await paths(() => runTest(plan, { log: () => undefined }))).toEqual(Array(5).fill('/from/plan'));
    const two = await loadPlan(file, { env: { BASE: server.url, ITERS: '5', FROM: 'threads' }, threads: 2 });
    const got = await paths(() => runTest(two, { log: () => undefined }));
    expect(got).toEqual(Array(5).fill('/from/threads'));
  });

  it('a derived env changes what VU code sees; the options stay those the scenario was loaded with', async () => {
    const file = scratch.write('derived.js', K6_SCRIPT);
    const plan = await loadPlan(file, { env: { BASE: server.url, ITERS: '3', FROM: 'base' }, threads: 1 });
    const derived = withEnv(plan, { FROM: 'derived', ITERS: '100' });
    const { result } = await runTest(derived, { log: () => undefined });
    expect(seen.slice(-3)).toEqual(Array(3).fill('/from/derived'));
    expect(result.metrics.iterations?.values.count).toBe(3);
    // the result records the env the run had
    expect(result.meta.env).toEqual({ BASE: server.url, ITERS: '100', FROM: 'derived' });
  });

  it('reaches a native scenario’s module scope through initEnv() (in the worker threads too), and vu.env', async () => {
    const file = scratch.write(
      'native.ts',
      `import { initEnv } from '../../runner/scenario/init-env.ts';
const N = Number(initEnv().ITERS ?? 1);
const TAG = initEnv().TAG ?? 'untagged';
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 2, iterations: N } } };
export default async (vu: any) => { await vu.http.get(vu.env.BASE + '/native/' + TAG + '/' + vu.env.FROM); };
`,
    );
    const plan = await loadPlan(file, { env: { BASE: server.url, ITERS: '4', TAG: 'init', FROM: 'vu' }, threads: 1 });
    expect(await paths(() => runTest(plan, { log: () => undefined }))).toEqual(Array(4).fill('/native/init/vu'));
    // each worker imports the module again, with the env it was loaded with
    const two = await loadPlan(file, { env: { BASE: server.url, ITERS: '4', TAG: 'init', FROM: 'threads' }, threads: 2 });
    expect(await paths(() => runTest(two, { log: () => undefined }))).toEqual(Array(4).fill('/native/init/threads'));
    // nothing was put into the process environment
    expect(process.env.ITERS).toBeUndefined();
    expect(process.env.TAG).toBeUndefined();
  });
});

describe('plans from one loaded scenario', () => {
  it('run the code that was loaded: the file changed, then deleted, after loading', async () => {
    const file = scratch.write('once.ts', scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 3 } } }, "await vu.http.get(vu.env.BASE + '/loaded/' + vu.env.RUN)"));
    const plan = await loadPlan(file, { env: { BASE: server.url, RUN: 'first' }, threads: 1 });
    writeFileSync(file, scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1 } } }, "await vu.http.get(vu.env.BASE + '/changed')"));
    expect(await paths(() => runTest(plan, { log: () => undefined }))).toEqual(Array(3).fill('/loaded/first'));
    rmSync(file);
    const second = withEnv(plan, { RUN: 'second' });
    const { result } = await runTest(second, { log: () => undefined });
    expect(seen.slice(-3)).toEqual(Array(3).fill('/loaded/second'));
    expect(result.metrics.iterations?.values.count).toBe(3);
    expect(result.meta.scenarioHash).toBe(plan.scenario.hash);
  });
});
