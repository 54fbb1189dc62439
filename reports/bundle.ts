// The UI bundle a report inlines: dashboard/ built by Vite into one JS and one CSS file,
// cached in dashboard/dist/report-bundle.json. Built on demand (a fresh clone after `npm ci`
// has no dist/; an edited source makes it stale), about a second or two.
//
// Concurrency: two processes may build at once (two `stampede run`s finishing together).
// Each builds into its own temp folder and publishes the bundle by writing one JSON file
// atomically (temp + rename), so a reader sees either the old bundle or a whole new one.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { StampedeError } from '../runner/errors.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DASHBOARD = path.join(ROOT, 'dashboard');
export const BUNDLE_FILE = path.join(DASHBOARD, 'dist', 'report-bundle.json');

/** Files whose change must rebuild the bundle, beside everything under dashboard/. */
const EXTRA_SOURCES = [
  'runner/result/schema.ts',
  'runner/result/capacity-schema.ts',
  'runner/result/validate.ts',
  'runner/errors.ts',
  // the capacity view draws the fitted USL curve with the runner's own formula
  'runner/capacity/usl.ts',
  'runner/capacity/usl-format.ts',
  'runner/capacity/least-squares.ts',
  // the compare view (picked runs) summarises and ranks with the runner's own code
  'runner/result/comparison-schema.ts',
  'runner/compare/rank.ts',
  'runner/compare/summarise.ts',
  'package-lock.json',
];
const SKIP_DIRS = new Set(['dist', 'testing', 'node_modules']);

const bundleSchema = z.object({ version: z.literal(1), js: z.string(), css: z.string(), builtAt: z.string() });
export type UiBundle = z.infer<typeof bundleSchema>;

async function newestSourceMtime(): Promise<number> {
  let newest = 0;
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(p);
      } else if (!/\.(test|e2e\.test)\.tsx?$/.test(e.name)) {
        newest = Math.max(newest, (await stat(p)).mtimeMs);
      }
    }
  };
  await walk(DASHBOARD);
  for (const f of EXTRA_SOURCES) {
    const s = await stat(path.join(ROOT, f)).catch(() => null);
    if (s) newest = Math.max(newest, s.mtimeMs);
  }
  return newest;
}

async function readCached(): Promise<UiBundle | null> {
  const s = await stat(BUNDLE_FILE).catch(() => null);
  if (!s || s.mtimeMs < (await newestSourceMtime())) return null;
  try {
    const parsed = bundleSchema.safeParse(JSON.parse(await readFile(BUNDLE_FILE, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null; // unreadable or half-written by an older version: rebuild
  }
}

/** Runs Vite (JS API) into a private temp folder and returns the JS and CSS it produced. */
async function buildWithVite(): Promise<UiBundle> {
  const { build } = await import('vite');
  const tmp = path.join(DASHBOARD, 'dist', `.build-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`);
  // Vite decides "production" from process.env.NODE_ENV when it is already set, and then
  // @vitejs/plugin-react compiles JSX for the development runtime (jsxDEV) — which React's
  // production build (forced by vite.config.ts) does not export: a bundle built under vitest
  // (NODE_ENV=test) rendered nothing ("jsxDEV is not a function"). The build runs with
  // NODE_ENV=production and the caller's value is put back afterwards.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(DASHBOARD, 'vite.config.ts'), logLevel: 'error', build: { outDir: tmp, emptyOutDir: true } });
    const manifest = JSON.parse(await readFile(path.join(tmp, '.vite', 'manifest.json'), 'utf8')) as Record<string, { file: string; css?: string[]; isEntry?: boolean }>;
    const entry = Object.values(manifest).find((m) => m.isEntry);
    if (!entry) throw new StampedeError('STAMPEDE_E_INTERNAL', `vite build of ${DASHBOARD} produced no entry chunk`);
    const js = await readFile(path.join(tmp, entry.file), 'utf8');
    const css = (await Promise.all((entry.css ?? []).map((c) => readFile(path.join(tmp, c), 'utf8')))).join('\n');
    return { version: 1, js, css, builtAt: new Date().toISOString() };
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
    await rm(tmp, { recursive: true, force: true });
  }
}

let inProcess: Promise<UiBundle> | null = null;

/** The UI bundle, rebuilt first when missing or older than its sources. */
export function ensureUiBundle(opts: { force?: boolean } = {}): Promise<UiBundle> {
  if (!opts.force && inProcess) return inProcess;
  const p = (async () => {
    const cached = opts.force ? null : await readCached();
    if (cached) return cached;
    const fresh = await buildWithVite();
    await mkdir(path.dirname(BUNDLE_FILE), { recursive: true });
    const tmp = `${BUNDLE_FILE}.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`;
    await writeFile(tmp, JSON.stringify(fresh));
    await rename(tmp, BUNDLE_FILE);
    return fresh;
  })();
  inProcess = p;
  p.catch(() => {
    if (inProcess === p) inProcess = null;
  });
  return p;
}
