// The launcher's Node children (the payment service, the BullMQ worker, the cluster primary):
// started, awaited until they say they are ready, and stopped — shared by both shops' launchers.
import { fork, type ChildProcess } from 'node:child_process';
import { StampedeError } from '../../runner/errors.ts';
import { tsxExecArgv } from './runtime.ts';

export interface StartedNodeChild {
  child: ChildProcess;
  ready: Record<string, unknown>;
}

/**
 * A child Node process running one of our TypeScript entry points, resolved when it says it is
 * ready. It runs in a process group of its own (`detached`), so a Ctrl-C in the terminal reaches
 * the launcher (or the runner hosting it) and not the shop: the launcher stops the shop in order
 * when it decides to. Its lifetime stays tied to ours through the IPC channel: every entry point
 * exits on 'disconnect', which comes when this process ends for any reason, SIGKILL included.
 */
export function startNodeChild(file: string, env: NodeJS.ProcessEnv, what: string, timeoutMs: number): Promise<StartedNodeChild> {
  const child = fork(file, [], { execArgv: tsxExecArgv(), env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'], detached: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${what} did not become ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (m: Record<string, unknown>) => {
      if (m.t === 'ready' || m.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, ready: m });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${what} exited before it was ready (${signal ?? `exit code ${code}`}); its output is above`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
export function stopNodeChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
