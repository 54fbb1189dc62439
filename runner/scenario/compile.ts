// Scenario modules when the CLI runs from its bundle (runner/cli/launch.js): compiled by esbuild
// into one plain-JS module (the scenario and the project files it imports; packages stay
// external, imported from where Node would find them for the scenario) and imported from a
// cache file. Through tsx instead, a run paid its loader: a second thread, and every module
// imported afterwards — the report builder at the end included — resolved through it
// (~0.15–0.2 CPU-s a run). Run any other way (tsx, vitest), TypeScript already loads and the
// scenario is imported as it is.
import { createHash } from 'node:crypto';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { NODE_BUNDLE, sourcePaths } from '../cli/launch.js';

const BUNDLED = Symbol.for('stampede.typescriptOnDemand');
const CACHE = path.join(path.resolve(import.meta.dirname, '../..'), 'node_modules', '.cache', 'stampede', 'scenarios');

/** Imports a scenario module (absolute path). Errors are the compiler's or the module's own. */
export async function importScenario(absolute: string): Promise<Record<string, unknown>> {
  if ((globalThis as Record<symbol, unknown>)[BUNDLED] !== true) return (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  const esbuild = await import('esbuild');
  let out: import('esbuild').BuildResult<{ write: false }>;
  try {
    out = await esbuild.build({ ...NODE_BUNDLE, entryPoints: [absolute], write: false, plugins: [packagesWhereTheyAre(), sourcePaths()] });
  } finally {
    // the esbuild service process ends now, not at exit: its CPU is then counted as this run's
    await esbuild.stop();
  }
  const code = out.outputFiles[0]?.text ?? '';
  const file = path.join(CACHE, `${createHash('sha256').update(code).digest('hex').slice(0, 24)}.mjs`);
  if (!(await stat(file).catch(() => null))) {
    await mkdir(CACHE, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, code);
    await rename(tmp, file);
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/**
 * Bare imports (packages) stay imports, by absolute URL: resolved here as Node would from the
 * importing file (esbuild's resolver, node platform and conditions), so the compiled module
 * finds the scenario's packages wherever the cache file lives.
 */
function packagesWhereTheyAre(): Plugin {
  return {
    name: 'stampede-packages-where-they-are',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'inner' || args.path.startsWith('node:')) return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'inner' });
        if (r.errors.length > 0) return { errors: r.errors };
        if (r.external || !path.isAbsolute(r.path)) return { path: args.path, external: true }; // a builtin
        return { path: pathToFileURL(r.path).href, external: true };
      });
    },
  };
}
