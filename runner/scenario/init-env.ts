// The env a scenario module's top level sees while it is loaded (k6's init context __ENV).
//
// An ES module takes no arguments, so the loader hands the env over in one slot that is set
// only while it imports the module (withInitEnv) and read by the module's top level
// (initEnv()). The slot is a global keyed by Symbol.for, not a variable of this file: under
// the CLI's bundle a scenario is compiled with its own copy of this module (scenario/compile.ts),
// and a k6 script with its own copy of the runtime. process.env is never written: the env of
// a run is a value of its plan (runner/plan/).
const SLOT = Symbol.for('stampede.scenario.initEnv');

type Slot = { [SLOT]?: Readonly<Record<string, string>> };

/**
 * The env of the scenario being loaded: --env values over the process environment the command
 * started with. Outside a load (a journey calling it, a test importing a helper) it is empty:
 * at run time the env is `vu.env`.
 */
export function initEnv(): Readonly<Record<string, string>> {
  return (globalThis as Slot)[SLOT] ?? {};
}

/** Runs `load` (a module import) with `env` as its init env; loads do not nest. */
export async function withInitEnv<T>(env: Readonly<Record<string, string>>, load: () => Promise<T>): Promise<T> {
  const g = globalThis as Slot;
  const outer = g[SLOT];
  g[SLOT] = env;
  try {
    return await load();
  } finally {
    if (outer === undefined) delete g[SLOT];
    else g[SLOT] = outer;
  }
}
