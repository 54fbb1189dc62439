// Types of launch.js (plain JS: it runs before any TypeScript can load).
export function loadCli(): Promise<{ main(argv: string[]): Promise<number> }>;
/** The path of an up-to-date bundle of the CLI (built when missing or stale). */
export function freshBundle(): Promise<string>;
/** Re-exported from runner/bundle/compile-cache.js (import them from there). */
export { compilerStamp, NODE_BUNDLE, sourcePaths, unchanged, writeAtomic } from '../bundle/compile-cache.js';
