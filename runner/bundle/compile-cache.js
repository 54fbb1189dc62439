// What the CLI's bootstrap (runner/cli/launch.js) and the scenario compiler
// (runner/scenario/compile.ts) share: how code is compiled for this Node, what a compiled output
// depends on, how a cached output is checked and written, and whether the process runs from the
// CLI's bundle. Plain JS because the bootstrap imports it before any TypeScript can be loaded.
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const META = /\bimport\.meta\.(url|dirname|filename)\b/g;
// Set by the bootstrap, read by the scenario compiler. A global, not a module variable: the
// bootstrap's copy of this module and the bundled CLI's copy are two module instances.
const BUNDLED = Symbol.for('stampede.typescriptOnDemand');

/** The CLI runs from its bundle: scenario files must be compiled before they are imported. */
export function markBundled() {
  /** @type {Record<symbol, unknown>} */ (globalThis)[BUNDLED] = true;
}

/** @returns {boolean} whether markBundled() was called in this process */
export function runsBundled() {
  return /** @type {Record<symbol, unknown>} */ (globalThis)[BUNDLED] === true;
}

/** How the CLI and scenario files are compiled: one ES module for this Node. */
export const NODE_BUNDLE = /** @type {const} */ ({ bundle: true, format: 'esm', platform: 'node', target: 'node20', logLevel: 'silent' });

/**
 * What a compiled output depends on besides its inputs: the esbuild and Node versions. Read
 * from esbuild's package.json, not by importing esbuild: loading its API (and nothing else)
 * was ~10 ms of every start with nothing to build.
 * @returns {Promise<string>}
 */
export async function compilerStamp() {
  const pkg = createRequire(import.meta.url).resolve('esbuild/package.json');
  const { version } = /** @type {{ version: string }} */ (JSON.parse(await readFile(pkg, 'utf8')));
  return `${version} ${process.version}`;
}

/**
 * Writes a file whole or not at all (a temporary file renamed over it): a concurrent start
 * never reads half of it.
 * @param {string} file @param {string} text
 */
export async function writeAtomic(file, text) {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

/**
 * Every input still has the size and mtime recorded when the output was built.
 * @param {Record<string, [number, number]>} inputs paths relative to `base` (or absolute)
 * @param {string} base
 */
export async function unchanged(inputs, base) {
  const checks = Object.entries(inputs).map(async ([file, [mtimeMs, size]]) => {
    const s = await stat(path.resolve(base, file));
    return s.mtimeMs === mtimeMs && s.size === size;
  });
  try {
    return (await Promise.all(checks)).every(Boolean);
  } catch {
    return false; // an input vanished
  }
}

/** esbuild plugin: a project file's import.meta.{url,dirname,filename} become its source file's. */
export function sourcePaths() {
  return {
    name: 'stampede-source-paths',
    /** @param {import('esbuild').PluginBuild} b */
    setup(b) {
      b.onLoad({ filter: /\.(ts|tsx|mts|js|mjs)$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = await readFile(args.path, 'utf8');
        const values = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
        const contents = source.replace(META, (_m, /** @type {'url' | 'dirname' | 'filename'} */ key) => JSON.stringify(values[key]));
        const ext = path.extname(args.path).slice(1);
        /** @type {import('esbuild').Loader} */
        const loader = ext === 'tsx' ? 'tsx' : ext === 'ts' || ext === 'mts' ? 'ts' : 'js';
        return { contents, loader, resolveDir: path.dirname(args.path) };
      });
    },
  };
}

/**
 * A compiled module is reused while nothing it was built from changed: an index per source path
 * in the cache folder records the compiler stamp, the module's file name and the size and mtime of
 * every input (scenario compiler and k6 script loader alike).
 * @param {string} cacheDir
 * @param {string} absolute the source file
 */
function indexFileOf(cacheDir, absolute) {
  return path.join(cacheDir, `index-${createHash('sha256').update(absolute).digest('hex').slice(0, 24)}.json`);
}

/**
 * The cached module of `absolute` when it was built by this compiler from exactly the files
 * there are now; null when there is no index yet, it is unreadable, or the module is gone.
 * @param {string} cacheDir
 * @param {string} absolute
 * @param {string} stamp
 */
export async function cachedModule(cacheDir, absolute, stamp) {
  try {
    const index = JSON.parse(await readFile(indexFileOf(cacheDir, absolute), 'utf8'));
    const file = path.join(cacheDir, path.basename(index.module));
    if (index.stamp !== stamp || !(await unchanged(index.inputs, cacheDir))) return null;
    await stat(file);
    return file;
  } catch {
    return null;
  }
}

/**
 * Records what the module `moduleName` (in cacheDir) of `absolute` was built from.
 * @param {string} cacheDir
 * @param {string} absolute
 * @param {{ stamp: string; module: string; inputs: Record<string, [number, number]> }} index
 */
export async function recordModule(cacheDir, absolute, index) {
  await writeAtomic(indexFileOf(cacheDir, absolute), JSON.stringify(index));
}
