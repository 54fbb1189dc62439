// Types of launch.js (plain JS: it runs before any TypeScript can load).
export function loadCli(): Promise<{ main(argv: string[]): Promise<number> }>;
/** The path of an up-to-date bundle of the CLI (built when missing or stale). */
export function freshBundle(): Promise<string>;
