// Child processes the launcher owns (embedded postgres, redis-server, pgbouncer, a replica's
// postgres). Every one is spawned in the foreground (no daemonize, no pg_ctl -w background
// tricks) so that we hold its PID: stop() signals it, escalates to SIGKILL after a grace period
// and waits for the exit.
//
// Each child runs in a session (and so a process group) of its own (`detached`): a Ctrl-C in
// the terminal signals the whole foreground process group, and a runner that stops a load test
// gracefully on Ctrl-C must still be able to read the shop's invariants and then stop its
// servers in order — they must not all die with the keypress. Being detached, they no longer
// share the terminal's fate either, so their lifetime is tied to ours explicitly:
// - anything still running when this process ends (normal exit, uncaught exception,
//   process.exit from a signal handler) is signalled from an 'exit' hook, and temp folders
//   registered with onExitCleanup are removed there too;
// - SIGTERM/SIGINT/SIGHUP with nobody else listening: we stop everything in order, then die of
//   the same signal;
// - where util-linux's setpriv exists (Linux), the child is started through
//   `setpriv --pdeathsig <exitSignal>` (it execs the server: same PID), so the kernel signals it
//   even when we are SIGKILLed or crash hard. Without setpriv a SIGKILL of the parent leaves
//   the children running — the one gap, documented rather than hidden.
// (The machines' PID 1 does not reap orphans, and a leaked postgres holds a port and a folder.)
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, rmSync } from 'node:fs';

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
  /** the process itself, for a supervisor that watches its 'exit' (supervise.ts) */
  readonly process: ChildProcess;
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

let setprivPath: string | null | undefined;
/** util-linux setpriv, if this machine has it (looked up once). */
function setpriv(): string | null {
  if (setprivPath === undefined) {
    setprivPath = null;
    if (process.platform === 'linux') {
      for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/bin']) {
        if (!dir) continue;
        try {
          accessSync(`${dir}/setpriv`, constants.X_OK);
          setprivPath = `${dir}/setpriv`;
          break;
        } catch {
          // not here
        }
      }
    }
  }
  return setprivPath;
}

/** The command line that starts `opts` with a parent-death signal, when the machine allows it. */
function commandLine(opts: ChildOptions): { command: string; args: string[] } {
  const wrapper = setpriv();
  if (!wrapper) return { command: opts.command, args: [...opts.args] };
  return { command: wrapper, args: ['--pdeathsig', opts.exitSignal ?? 'SIGTERM', '--', opts.command, ...opts.args] };
}

export function spawnChild(opts: ChildOptions): Child {
  installHooks();
  const line = commandLine(opts);
  const proc = spawn(line.command, line.args, {
    // a session of its own: the terminal's Ctrl-C reaches us, not our servers (see the top)
    detached: true,
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
    process: proc,
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
      // Someone else (`stampede target`, the runner's Ctrl-C handling) also listens: that
      // handler decides when the process ends — it may still be reading invariants or
      // draining requests that need the database, Redis or PgBouncer — and stops the target
      // itself; our 'exit' hook then signals whatever is left and removes the folders. Alone, we stop everything in order and then die of the same
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
