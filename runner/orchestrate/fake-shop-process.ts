// Starts fake-shop.ts as a real child process (for tests); resolves when it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface FakeShop {
  url: string;
  child: ChildProcess;
  /** resolves when the process has exited (by itself or after stop()) */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startFakeShop(env: Record<string, string> = {}): Promise<FakeShop> {
  const file = path.join(import.meta.dirname, 'fake-shop.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('fake shop did not start within 20 s'));
    }, 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (!out.includes('\n') || !line) return;
      clearTimeout(timer);
      const { port } = JSON.parse(line) as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}`,
        child,
        exited,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake shop exited before listening (code ${code})`));
    });
  });
}
