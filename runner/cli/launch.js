// How the `stampede` executable loads its TypeScript: from one bundle of the CLI's own modules,
// built by esbuild on first use and reused while no source changed.
//
// Why: through tsx's loader, a run paid ~0.5 CPU-s before its first request (a loader thread,
// ~190 modules resolved and transformed one by one across threads) and ~0.1 s more at the end —
// on a 2-core machine that CPU is taken from the load test, and the benchmark (runner/bench)
// counts it against Stampede. A bundle is one plain-JS module graph Node loads natively.
//
// Plain JS (not TypeScript) because it runs before any TypeScript can be loaded.
//  - The bundle and a manifest of its inputs (path → mtime, size) live in
//    node_modules/.cache/stampede/cli-<hash of the checkout's path>/. At start-up every input is stat()ed (~200 files, ~2 ms);
//    if any changed, vanished or the esbuild/Node version differs, it is rebuilt (~0.3 s) and
//    swapped in atomically (a rename), so concurrent starts never see half a bundle.
//  - Packages stay external (resolved from node_modules at run time), except zod (bundled:
//    one module to load instead of ~30; see packagesExceptZod).
//  - `import.meta.url/dirname/filename` in a bundled module are replaced by its source file's
//    values, so paths computed from them (worker entries, spawned scripts, report sources) still
//    point into the source tree.
//  - The user's scenario files are compiled the same way when loaded (runner/scenario/compile.ts);
//    what both compilers share is runner/bundle/compile-cache.js.
//  - STAMPEDE_NO_BUNDLE=1, or a bundle that cannot be built (no esbuild, read-only folder),
//    falls back to tsx for everything: slower start, same behaviour.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compilerStamp, markBundled, NODE_BUNDLE, sourcePaths, unchanged, writeAtomic } from '../bundle/compile-cache.js';
// Re-exported for code written against this module before the shared part moved out; new code
// imports runner/bundle/compile-cache.js (the scenario compiler must not import the CLI).
export { compilerStamp, NODE_BUNDLE, sourcePaths, unchanged, writeAtomic };

const ROOT = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
const ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));
// one cache per checkout, even when checkouts share a node_modules (a linked worktree)
const CACHE = path.join(ROOT, 'node_modules', '.cache', 'stampede', `cli-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}`);
const MANIFEST = path.join(CACHE, 'manifest.json');

/** @returns {Promise<{ main(argv: string[]): Promise<number> }>} */
export async function loadCli() {
  if (process.env.STAMPEDE_NO_BUNDLE !== '1') {
    const file = await freshBundle().catch((e) => {
      if (process.env.STAMPEDE_DEBUG_BUNDLE) process.stderr.write(`stampede: bundle not used (${e instanceof Error ? e.message : String(e)})\n`);
      return null;
    });
    if (file !== null) {
      // scenario files are TypeScript too: runner/scenario/compile.ts compiles them with esbuild
      markBundled();
      return import(pathToFileURL(file).href);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import('./main.ts');
}

/** The path of an up-to-date bundle of main.ts, building it when needed. */
export async function freshBundle() {
  const stamp = await compilerStamp();
  const manifest = await readManifest();
  if (manifest !== null && manifest.stamp === stamp && (await unchanged(manifest.inputs, ROOT))) return path.join(CACHE, manifest.dir, 'main.js');
  return build(await import('esbuild'), stamp);
}

async function readManifest() {
  try {
    return /** @type {{ stamp: string, dir: string, inputs: Record<string, [number, number]> }} */ (JSON.parse(await readFile(MANIFEST, 'utf8')));
  } catch {
    return null;
  }
}

/** @param {typeof import('esbuild')} esbuild @param {string} stamp */
async function build(esbuild, stamp) {
  const dir = `b-${process.pid}-${Date.now()}`;
  const outdir = path.join(CACHE, dir);
  await mkdir(CACHE, { recursive: true });
  const result = await esbuild.build({
    ...NODE_BUNDLE,
    entryPoints: { main: ENTRY },
    splitting: true, // commands and the report builder stay separate chunks, loaded when used
    outdir,
    // the metafile's input paths are relative to this: the project root, wherever we run from
    absWorkingDir: ROOT,
    metafile: true,
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    plugins: [packagesExceptZod(), sourcePaths()],
  });
  /** @type {Record<string, [number, number]>} */
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const s = await stat(path.join(ROOT, file));
    inputs[file] = [s.mtimeMs, s.size];
  }
  await writeAtomic(MANIFEST, JSON.stringify({ stamp, dir, inputs }));
  await removeOldBuilds(dir);
  return path.join(outdir, 'main.js');
}

/**
 * Builds replaced more than a day ago. Not at once: a run started from the bundle just replaced
 * may still load one of its chunks (the report builder, at the end of a long run).
 */
/** @param {string} keep */
async function removeOldBuilds(keep) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of await readdir(CACHE)) {
    if (name === keep || !name.startsWith('b-')) continue;
    const s = await stat(path.join(CACHE, name)).catch(() => null);
    if (s !== null && s.mtimeMs < dayAgo) await rm(path.join(CACHE, name), { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * esbuild plugin: packages stay external (imported from node_modules at run time), except zod:
 * bundled, it is one module instead of ~30 to resolve and link at every start (~20 ms of CPU).
 * Nothing passes zod schemas between the CLI and other packages or scenario files, so the CLI
 * having its own copy changes nothing else.
 */
function packagesExceptZod() {
  return {
    name: 'stampede-packages-except-zod',
    /** @param {import('esbuild').PluginBuild} b */
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path === 'zod' || args.path.startsWith('zod/')) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}
