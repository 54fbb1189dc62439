// Loads a k6 script (JavaScript or TypeScript, ES modules with local imports) as a Stampede
// scenario module:
//  1. esbuild bundles the script and its local modules into one module, types stripped; k6
//     modules and the vendored jslib URLs stay imports; every other k6 module or remote URL is
//     refused here, with the importing file, line and what to do;
//  2. transform.ts makes what blocks async, wraps the module scope into a per-VU init
//     function and exports native journeys;
//  3. esbuild bundles that with the runtime and the shims into one plain module, imported from
//     node_modules/.cache/stampede/k6-scripts/ (run under tsx or from the CLI bundle alike).
import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { SourceMap } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BuildFailure, Message, Plugin } from 'esbuild';
import { StampedeError } from '../../errors.ts';
import { cachedModule, compilerStamp, recordModule, writeAtomic } from '../../bundle/compile-cache.js';

const HERE = import.meta.dirname;
const CACHE = path.join(path.resolve(HERE, '../../..'), 'node_modules', '.cache', 'stampede', 'k6-scripts');

/** k6 modules with a shim, by import source. */
export const SHIMS: Readonly<Record<string, string>> = {
  k6: 'k6.ts',
  'k6/http': 'http.ts',
  'k6/metrics': 'metrics.ts',
  'k6/data': 'data.ts',
  'k6/execution': 'execution.ts',
  'k6/encoding': 'encoding.ts',
  'k6/crypto': 'crypto.ts',
  'k6/timers': 'timers.ts',
  'k6/html': 'html.ts',
  // types only in k6 (`import { Options } from 'k6/options'` in a TypeScript script)
  'k6/options': 'options.ts',
};

/** jslib modules vendored here (written from their documentation), by URL pattern. */
const JSLIB: ReadonlyArray<[RegExp, string]> = [
  [/^https:\/\/jslib\.k6\.io\/k6-utils\/1\.\d+\.\d+\/index\.js$/, 'k6-utils.ts'],
  [/^https:\/\/jslib\.k6\.io\/k6-summary\/0\.\d+\.\d+\/index\.js$/, 'k6-summary.ts'],
];

/** Why a module is refused, and what to do instead. */
export function refusedModule(source: string): string | null {
  if (Object.hasOwn(SHIMS, source) || JSLIB.some(([re]) => re.test(source))) return null;
  if (source === 'k6/browser' || source === 'k6/experimental/browser')
    return `${source}: browser tests are not supported by Stampede (it drives HTTP load); run this script with k6, or test the pages' HTTP requests with k6/http`;
  if (source === 'k6/ws' || source === 'k6/experimental/websockets') return `${source}: WebSocket tests are not supported by Stampede; run this script with k6`;
  if (source === 'k6/net/grpc' || source === 'k6/experimental/grpc') return `${source}: gRPC tests are not supported by Stampede; run this script with k6`;
  if (source.startsWith('k6/experimental/')) return `${source}: k6's experimental modules are not supported by Stampede; run this script with k6`;
  if (source.startsWith('k6/x/')) return `${source}: k6 extensions (xk6) are not supported by Stampede; run this script with a k6 build that has the extension`;
  if (source === 'k6' || source.startsWith('k6/')) return `${source}: not a k6 module Stampede provides (${Object.keys(SHIMS).join(', ')})`;
  if (/^https?:\/\//.test(source)) {
    return `${source}: remote modules are not fetched; Stampede vendors https://jslib.k6.io/k6-utils/1.x.x/index.js (randomIntBetween, randomItem, randomString, uuidv4, findBetween) and https://jslib.k6.io/k6-summary/0.x.x/index.js (textSummary, jUnit) — download the module next to the script and import it by a relative path`;
  }
  return null;
}

function formatMessage(m: Message): string {
  const loc = m.location;
  const where = loc ? `${path.relative(process.cwd(), path.resolve(loc.file)) || loc.file}:${loc.line}: ` : '';
  return `${where}${m.text.replace(/^\[plugin: [\w-]+\] /, '')}`;
}

function buildError(e: unknown, file: string): StampedeError {
  const errors = (e as BuildFailure).errors;
  if (Array.isArray(errors) && errors.length > 0) {
    const lines = errors.map(formatMessage);
    return new StampedeError('STAMPEDE_E_SCENARIO_LOAD', `${lines[0]}`, lines.slice(1));
  }
  return new StampedeError('STAMPEDE_E_SCENARIO_LOAD', `${file}: failed to compile the k6 script: ${(e as Error).message}`);
}

function k6Modules(seen: { any: boolean }): Plugin {
  return {
    name: 'stampede-k6-modules',
    setup(b) {
      b.onResolve({ filter: /^(k6(\/.*)?|https?:\/\/.*)$/ }, (args) => {
        if (args.kind === 'require-call') return { errors: [{ text: `require(${JSON.stringify(args.path)}): k6 modules are loaded with import here (import http from 'k6/http')` }] };
        const refused = refusedModule(args.path);
        if (refused) return { errors: [{ text: `import ${refused}` }] };
        if (args.path !== 'k6/options') seen.any = true;
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * The module record of a k6 script (options, the journeys by export name, setup, teardown,
 * handleSummary) and the URL of its compiled module, or null when the file turns out not to
 * import k6 at run time.
 */
export async function importK6Script(absolute: string, force = false): Promise<{ mod: Record<string, unknown>; url: string } | null> {
  const stamp = await compilerStamp();
  const cached = await cachedModule(CACHE, absolute, stamp);
  const file = cached ?? (await compileScript(absolute, force, stamp));
  if (file === null) return null;
  const url = pathToFileURL(file).href;
  const mod = (await import(url)) as Record<string, unknown>;
  // the k6/http shim follows redirects itself (k6's maxRedirects, default 10; each hop recorded
  // as a request, as k6 does), so the engine's own client follows none
  const options = mod.options;
  const native = options === undefined ? { maxRedirects: 0 } : options !== null && typeof options === 'object' ? withoutShimOptions(options) : options;
  // the custom metrics its init declared, under a key no export can have (load.ts reads it)
  const { __stampedeK6Metrics: metrics, __stampedeK6UntimedTrends: untimed, ...exports } = mod;
  return { mod: { ...exports, options: native, [Symbol.for('stampede.k6.metrics')]: metrics, [Symbol.for('stampede.k6.untimedTrends')]: untimed }, url };
}

/**
 * k6 options the shims implement themselves (read from the script's own options), so the native
 * normaliser does not see them: redirects (followed by the http shim), `batch`/`batchPerHost`
 * (http.batch's parallelism), `noCookiesReset` (the jar is emptied before each iteration unless
 * set), `throw` (request errors thrown), `discardResponseBodies` (a request's responseType overrides it, as in k6).
 */
const SHIM_OPTIONS = ['batch', 'batchPerHost', 'noCookiesReset', 'throw', 'discardResponseBodies'];

function withoutShimOptions(options: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...options, maxRedirects: 0 };
  for (const k of SHIM_OPTIONS) delete out[k];
  return out;
}

// A compiled script is reused while nothing it was built from changed — the script, its local
// modules, the runtime, the shims and this transform (the shared index of bundle/compile-cache.js):
// each engine thread loads the script, so without it every thread ran both esbuild builds again.

async function compileScript(absolute: string, force: boolean, stamp: string): Promise<string | null> {
  // loaded only to compile (acorn and magic-string are no cost of a run that reuses its compile)
  const { transformScript } = await import('./transform.ts');
  const esbuild = await import('esbuild');
  const dir = path.dirname(absolute);
  const seen = { any: false };
  const inputFiles = new Set<string>([path.join(HERE, 'transform.ts'), path.join(HERE, 'load-script.ts')]);
  let bundle: string;
  let map: SourceMap;
  try {
    const out = await esbuild.build({
      entryPoints: [absolute],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      sourcemap: 'external',
      metafile: true,
      outfile: path.join(dir, '__stampede_k6_bundle.js'),
      logLevel: 'silent',
      mainFields: ['module', 'main'],
      plugins: [k6Modules(seen)],
    });
    const js = out.outputFiles.find((f) => f.path.endsWith('.js'));
    const mapFile = out.outputFiles.find((f) => f.path.endsWith('.map'));
    bundle = js?.text ?? '';
    for (const input of Object.keys(out.metafile.inputs)) inputFiles.add(path.resolve(input));
    map = new SourceMap(JSON.parse(mapFile?.text ?? '{"version":3,"sources":[],"mappings":""}'));
  } catch (e) {
    await esbuild.stop();
    throw buildError(e, absolute);
  }
  if (!seen.any && !force) {
    await esbuild.stop();
    return null;
  }
  const sourceAt = (line: number, column: number): { file: string; line: number } => {
    const entry = map.findEntry(line - 1, column) as { originalSource?: string; originalLine?: number };
    if (!entry.originalSource) return { file: absolute, line };
    const f = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : path.resolve(dir, entry.originalSource);
    return { file: f, line: (entry.originalLine ?? 0) + 1 };
  };
  const shimsDir = path.join(HERE, 'shims');
  const t = transformScript({
    code: bundle,
    runtime: path.join(HERE, 'runtime.ts'),
    shimFor: (source) => {
      const shim = SHIMS[source] ?? JSLIB.find(([re]) => re.test(source))?.[1];
      return shim ? path.join(shimsDir, shim) : null;
    },
    dirAt: (line, column) => path.dirname(sourceAt(line, column).file),
  });
  if (t.refusals.length > 0) {
    await esbuild.stop();
    const lines = t.refusals.map((r) => {
      const at = sourceAt(r.line, r.column);
      return `${path.relative(process.cwd(), at.file) || at.file}:${at.line}: ${r.message}`;
    });
    throw new StampedeError('STAMPEDE_E_SCENARIO_LOAD', lines[0] ?? '', lines.slice(1));
  }
  let code: string;
  try {
    const out = await esbuild.build({
      stdin: { contents: t.code, resolveDir: HERE, sourcefile: path.basename(absolute), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      packages: 'external',
      metafile: true,
    });
    code = out.outputFiles[0]?.text ?? '';
    for (const input of Object.keys(out.metafile.inputs)) if (!input.startsWith('<stdin>')) inputFiles.add(path.resolve(input));
  } catch (e) {
    throw buildError(e, absolute);
  } finally {
    await esbuild.stop();
  }
  const name = `${createHash('sha256').update(code).digest('hex').slice(0, 24)}.mjs`;
  const file = path.join(CACHE, name);
  await mkdir(CACHE, { recursive: true });
  if (!(await stat(file).catch(() => null))) await writeAtomic(file, code);
  const inputs: Record<string, [number, number]> = {};
  for (const input of inputFiles) {
    const s = await stat(input).catch(() => null);
    if (s === null) return file; // not a file on disk: never reuse this compile
    inputs[input] = [s.mtimeMs, s.size];
  }
  await recordModule(CACHE, absolute, { stamp, module: name, inputs });
  return file;
}
