// Types of canned-server.js (plain JS: the benchmark runs it without a TypeScript loader).
export function startCannedServer(port?: number): Promise<{ port: number; close(): Promise<void> }>;
