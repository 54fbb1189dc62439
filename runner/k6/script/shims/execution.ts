// `k6/execution`: what the running VU knows about itself, its scenario and the test. `vu`,
// `scenario` and `instance` are objects whose fields are read when asked (so that
// `import { scenario } from 'k6/execution'` at init works, and each read is current).
// scenario.iterationInTest comes from the engine's per-scenario counter that every engine thread
// shares (runner/engine/iteration-counters.ts): unique and gapless over the whole test.
import { SCRIPT_ABORT_PREFIX } from '../../../errors.ts';
import { rawOptions, type ScriptContext, type ScriptVu } from '../runtime.ts';

const startedAt = Date.now();

function running(c: ScriptContext, what: string): ScriptVu {
  if (c.vu === null || c.phase === 'init') throw new Error(`exec.${what}: not available in the init context`);
  return c.vu;
}

/**
 * One number per iteration, taken from the test-wide sequence the first time the iteration asks
 * and kept for the rest of it: the numbers are unique over the test, and gapless over the
 * iterations that ask (k6 numbers every iteration as it starts; a script that reads it in some
 * iterations only sees gaps there, none here).
 */
function iterationInTest(name: string, c: ScriptContext, vu: ScriptVu): number {
  const key = `${name}\x1f${vu.iteration}`;
  const memo = c.state.iterationInTest as { key: string; n: number } | undefined;
  if (memo && memo.key === key) return memo.n;
  if (!vu.nextIterationInTest) throw new Error('exec.scenario.iterationInTest: not available outside the load (setup, teardown)');
  const n = vu.nextIterationInTest();
  c.state.iterationInTest = { key, n };
  return n;
}

/** The executor k6 runs a scenario with (the shortcuts' executors for the default scenario). */
function executorOf(name: string): string {
  const o = (rawOptions() ?? {}) as { scenarios?: Record<string, { executor?: unknown }>; stages?: unknown; duration?: unknown };
  const s = o.scenarios?.[name];
  if (s && typeof s.executor === 'string') return s.executor;
  if (Array.isArray(o.stages)) return 'ramping-vus';
  if (o.duration !== undefined) return 'constant-vus';
  return 'shared-iterations';
}

function execFor(ctx: ScriptContext) {
  const tags = new Proxy({} as Record<string, string>, {
    set(_t, k, v) {
      running(ctx, 'vu.metrics.tags').tag(String(k), v === undefined ? undefined : String(v));
      return true;
    },
    deleteProperty(_t, k) {
      running(ctx, 'vu.metrics.tags').tag(String(k), undefined);
      return true;
    },
  });
  return {
    vu: {
      get idInTest() {
        return running(ctx, 'vu.idInTest').idInTest;
      },
      get idInInstance() {
        return running(ctx, 'vu.idInInstance').id;
      },
      get iterationInScenario() {
        return running(ctx, 'vu.iterationInScenario').iteration;
      },
      get iterationInInstance() {
        return running(ctx, 'vu.iterationInInstance').iteration;
      },
      metrics: { tags, metadata: {} },
      tags,
    },
    scenario: {
      get name() {
        return running(ctx, 'scenario.name').scenario;
      },
      get executor() {
        return executorOf(running(ctx, 'scenario.executor').scenario);
      },
      startTime: startedAt,
      progress: 0,
      get iterationInInstance() {
        const vu = running(ctx, 'scenario.iterationInInstance');
        return iterationInTest(vu.scenario, ctx, vu);
      },
      get iterationInTest() {
        const vu = running(ctx, 'scenario.iterationInTest');
        return iterationInTest(vu.scenario, ctx, vu);
      },
    },
    instance: {
      iterationsCompleted: 0,
      iterationsInterrupted: 0,
      vusActive: 0,
      vusInitialized: 0,
      get currentTestRunDuration() {
        return Date.now() - startedAt;
      },
    },
    test: {
      abort(reason?: string): never {
        // the iteration ends here; the run sees the message and stops the whole test (run-test.ts)
        throw new Error(`${SCRIPT_ABORT_PREFIX}exec.test.abort(${reason === undefined ? '' : JSON.stringify(String(reason))})`);
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
  return { ...exec, default: exec };
}
