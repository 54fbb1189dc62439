// Test fixtures shared by the runner's tests: real HTTP servers on 127.0.0.1:0 and scenario
// files written inside the checkout (so `import type { Options } from 'k6/options'` resolves).
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface TestServer {
  url: string;
  server: http.Server;
  /** requests that reached the handler */
  readonly hits: number;
  close(): Promise<void>;
}

export async function startServer(handler: http.RequestListener = (_req, res) => res.end('ok')): Promise<TestServer> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    get hits() {
      return hits;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A scratch folder for scenario files inside the checkout; remove() deletes it. */
export function scratchDir(prefix = 'test'): { dir: string; write(name: string, source: string): string; remove(): void } {
  const base = path.join(ROOT, '.stampede-tmp');
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `${prefix}-`));
  return {
    dir,
    write(name, source) {
      const file = path.join(dir, name);
      writeFileSync(file, source);
      return file;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A scenario module source: `options` as given, a default journey doing one GET of env BASE + path. */
export function scenarioSource(options: object, journey = `await vu.http.get(vu.env.BASE + '/')`): string {
  return `export const options = ${JSON.stringify(options, null, 2)};\nexport default async (vu: any) => {\n  ${journey};\n};\n`;
}

export const PROJECT_ROOT = ROOT;

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `stampede` CLI as a user would (a real process, cwd = the checkout). `interruptAfterMs`
 * sends SIGINT once (Ctrl-C); `timeoutMs` kills a hung process so a test fails instead of hanging.
 */
export function runCli(args: string[], opts: { interruptAfterMs?: number; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'runner/cli/bin.js'), ...args], {
      cwd: ROOT,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 180_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (opts.interruptAfterMs) setTimeout(() => child.kill('SIGINT'), opts.interruptAfterMs);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
