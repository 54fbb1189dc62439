// Types of compile-cache.js (plain JS: the CLI's bootstrap imports it before TypeScript loads).
/** The CLI runs from its bundle: scenario files must be compiled before they are imported. */
export function markBundled(): void;
/** Whether markBundled() was called in this process. */
export function runsBundled(): boolean;
/** esbuild plugin: a project file's import.meta.{url,dirname,filename} become its source file's. */
export function sourcePaths(): import('esbuild').Plugin;
/** How the CLI and scenario files are compiled: one ES module for this Node. */
export const NODE_BUNDLE: { readonly bundle: true; readonly format: 'esm'; readonly platform: 'node'; readonly target: 'node20'; readonly logLevel: 'silent' };
/** The esbuild and Node versions a compiled output depends on (without loading esbuild). */
export function compilerStamp(): Promise<string>;
/** Every input (path → [mtimeMs, size], relative to `base` or absolute) is as recorded. */
export function unchanged(inputs: Record<string, [number, number]>, base: string): Promise<boolean>;
/** Writes a file whole or not at all (a temporary file renamed over it). */
export function writeAtomic(file: string, text: string): Promise<void>;
/** The cached module of `absolute` in cacheDir while its stamp and every recorded input match; else null. */
export function cachedModule(cacheDir: string, absolute: string, stamp: string): Promise<string | null>;
/** Records what a cached module of `absolute` was built from (compiler stamp, module file name, inputs → [mtimeMs, size]). */
export function recordModule(cacheDir: string, absolute: string, index: { stamp: string; module: string; inputs: Record<string, [number, number]> }): Promise<void>;
