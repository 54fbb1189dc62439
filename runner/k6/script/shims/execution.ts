// `k6/execution`: what the running VU knows about itself, its scenario and the test.
// Counters that k6 keeps test-wide are counted per engine thread here (exact with --threads 1).
import { rawOptions, type ScriptContext } from '../runtime.ts';

function vuOrThrow(c: ScriptContext, what: string): ScriptContext {
  if (c.vu === null || c.phase === 'init') throw new Error(`exec.${what}: not available in the init context`);
  return c;
}

const scenarioIterations = new Map<string, number>();

function iterationInTest(name: string, c: ScriptContext): number {
  // one number per iteration: taken the first time the iteration asks, kept for the rest of it
  const key = `${name}\x1f${c.vu?.idInTest}\x1f${c.vu?.iteration}`;
  const memo = c.state.iterationInTest as { key: string; n: number } | undefined;
  if (memo && memo.key === key) return memo.n;
  const n = scenarioIterations.get(name) ?? 0;
  scenarioIterations.set(name, n + 1);
  c.state.iterationInTest = { key, n };
  return n;
}

function scenarioOptions(name: string): Record<string, unknown> {
  const o = rawOptions() as { scenarios?: Record<string, Record<string, unknown>> } | undefined;
  return o?.scenarios?.[name] ?? {};
}

const startedAt = Date.now();

function execFor(ctx: ScriptContext) {
  return {
  get vu() {
    const c = vuOrThrow(ctx, 'vu');
    const vu = c.vu!;
    return {
      idInTest: vu.idInTest,
      idInInstance: vu.id,
      iterationInScenario: vu.iteration,
      iterationInInstance: vu.iteration,
      metrics: {
        tags: new Proxy({} as Record<string, string>, {
          set(_t, k, v) {
            vu.tag(String(k), v === undefined ? undefined : String(v));
            return true;
          },
          deleteProperty(_t, k) {
            vu.tag(String(k), undefined);
            return true;
          },
        }),
        metadata: {},
      },
      tags: {},
    };
  },
  get scenario() {
    const c = vuOrThrow(ctx, 'scenario');
    const vu = c.vu!;
    const name = vu.scenario;
    const o = scenarioOptions(name);
    return {
      name,
      executor: typeof o.executor === 'string' ? o.executor : name === 'default' ? 'per-vu-iterations' : '',
      startTime: startedAt,
      progress: 0,
      iterationInInstance: iterationInTest(name, c),
      iterationInTest: iterationInTest(name, c),
    };
  },
  get instance() {
    return { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0, currentTestRunDuration: Date.now() - startedAt };
  },
  test: {
    abort(reason?: string): never {
      throw new Error(`exec.test.abort(${reason === undefined ? '' : JSON.stringify(reason)}): aborting the whole test from a script is not supported by Stampede yet; the iteration ends here (use a threshold with abortOnFail)`);
    },
    get options() {
      return rawOptions();
    },
  },
  };
}

/** The module as one script instance sees it. */
export function bind(ctx: ScriptContext): Record<string, unknown> {
  const exec = execFor(ctx);
  return {
    default: exec,
    get vu() {
      return exec.vu;
    },
    get scenario() {
      return exec.scenario;
    },
    get instance() {
      return exec.instance;
    },
    test: exec.test,
  };
}
