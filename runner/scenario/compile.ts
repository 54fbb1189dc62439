// Scenario modules when the CLI runs from its bundle (runner/cli/launch.js): compiled by esbuild
// into one plain-JS module (the scenario and the project files it imports; packages stay
// external, imported from where Node would find them for the scenario) and imported from a
// cache file. Through tsx instead, a run paid its loader: a second thread, and every module
// imported afterwards — the report builder at the end included — resolved through it
// (~0.15–0.2 CPU-s a run). Run any other way (tsx, vitest), TypeScript already loads and the
// scenario is imported as it is.
//
// A compiled scenario is reused while nothing it was built from changed: beside the module, an
// index per scenario path records the compiler stamp and the size and mtime of every input
// (the scenario, the project files it imports, the package entry files its imports resolved
// to). Checking them is a few stat() calls; compiling meant starting esbuild's service process
// (~60–80 ms of CPU on every run).
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { cachedModule, compilerStamp, NODE_BUNDLE, recordModule, runsBundled, sourcePaths, writeAtomic } from '../bundle/compile-cache.js';

const CACHE = path.join(path.resolve(import.meta.dirname, '../..'), 'node_modules', '.cache', 'stampede', 'scenarios');

/**
 * Imports a scenario module (absolute path): its exports and the URL imported (the file, or its
 * compiled form). Errors are the compiler's or the module's own.
 */
export async function importScenario(absolute: string): Promise<{ mod: Record<string, unknown>; url: string }> {
  if (!runsBundled()) {
    const url = pathToFileURL(absolute).href;
    return { mod: (await import(url)) as Record<string, unknown>, url };
  }
  const stamp = await compilerStamp();
  const file = (await cachedModule(CACHE, absolute, stamp)) ?? (await compile(absolute, stamp));
  const url = pathToFileURL(file).href;
  return { mod: (await import(url)) as Record<string, unknown>, url };
}

async function compile(absolute: string, stamp: string): Promise<string> {
  const esbuild = await import('esbuild');
  const packages = new Set<string>();
  let out: import('esbuild').BuildResult<{ write: false; metafile: true }>;
  try {
    out = await esbuild.build({ ...NODE_BUNDLE, entryPoints: [absolute], write: false, metafile: true, plugins: [packagesWhereTheyAre(packages), sourcePaths()] });
  } finally {
    // the esbuild service process ends now, not at exit: its CPU is then counted as this run's
    await esbuild.stop();
  }
  const code = out.outputFiles[0]?.text ?? '';
  const name = `${createHash('sha256').update(code).digest('hex').slice(0, 24)}.mjs`;
  const file = path.join(CACHE, name);
  await mkdir(CACHE, { recursive: true });
  if (!(await stat(file).catch(() => null))) await writeAtomic(file, code);
  // the metafile's inputs are relative to esbuild's working directory (this process')
  const inputs: Record<string, [number, number]> = {};
  for (const input of [...Object.keys(out.metafile.inputs).map((f) => path.resolve(f)), ...packages]) {
    const s = await stat(input).catch(() => null);
    if (s === null) return file; // not a file on disk (a virtual input): never reuse this compile
    inputs[input] = [s.mtimeMs, s.size];
  }
  await recordModule(CACHE, absolute, { stamp, module: name, inputs });
  return file;
}

/**
 * Bare imports (packages) stay imports, by absolute URL: resolved here as Node would from the
 * importing file (esbuild's resolver, node platform and conditions), so the compiled module
 * finds the scenario's packages wherever the cache file lives. The resolved files are noted:
 * if one changes or vanishes (a package updated or removed), the scenario is compiled again.
 */
function packagesWhereTheyAre(resolved: Set<string>): Plugin {
  return {
    name: 'stampede-packages-where-they-are',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length > 0) return { errors: r.errors };
        if (r.external || !path.isAbsolute(r.path)) return { path: args.path, external: true }; // a builtin
        resolved.add(r.path);
        return { path: pathToFileURL(r.path).href, external: true };
      });
    },
  };
}
