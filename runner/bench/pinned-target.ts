// The benchmarks' target process, pinned to CPU 0 (the generators run on CPU 1): the hello-world
// node:http server (target.ts) or the canned-response server (canned-target.js). Resolves once
// it prints the port it listens on.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export type TargetKind = 'node-http' | 'canned';

export interface PinnedTarget {
  kind: TargetKind;
  pid: number;
  /** http://127.0.0.1:<port>, no trailing slash */
  url: string;
  stop(): void;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function startPinnedTarget(kind: TargetKind): Promise<PinnedTarget> {
  const script = kind === 'canned' ? [process.execPath, 'runner/bench/canned-target.js'] : [process.execPath, '--import', 'tsx', 'runner/bench/target.ts'];
  const child = spawn('taskset', ['-c', '0', ...script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((res, rej) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) res(Number(m[1]));
    });
    child.on('exit', () => rej(new Error(`bench target (${kind}) exited`)));
  });
  return { kind, pid: child.pid as number, url: `http://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') };
}
