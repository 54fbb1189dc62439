// A command target: the user's own service, started by Stampede from a command line with
// {placeholders} (`gunicorn -w {workers} -b 127.0.0.1:{port} app:app`), run against, stopped.
//
// Lifecycle, as for the shop's servers (target-app/launcher/services/child.ts):
// - the command runs in a session (so a process group) of its own: a Ctrl-C in the terminal
//   reaches the runner only, which ends the run gracefully, writes the result and then stops
//   the target;
// - stdout and stderr go straight into target.log (a file descriptor given to the child, so
//   the log survives even if the runner stalls); error messages quote its last lines;
// - stop(): SIGTERM to the whole group, SIGKILL to the group after the grace period, and wait
//   until no process of the group is left (a gunicorn master's workers included);
// - the command is started by a small watchdog process (group-watchdog.js) that holds a pipe
//   from the runner: when the runner is gone however it went — SIGKILL included, which no
//   'exit' hook sees — the pipe closes and the watchdog stops the whole group (SIGTERM, SIGKILL
//   after the grace period), grandchildren such as a `sh -c 'worker & exec server'`'s included;
// - when the runner exits through process.exit (a second Ctrl-C, a crash) an 'exit' hook also
//   SIGKILLs every group still running at once; where util-linux setpriv exists the command is
//   started through `setpriv --pdeathsig SIGKILL` (it execs: same PID), so the command also
//   dies with its watchdog should that one be killed.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { accessSync, closeSync, constants, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import { commandArgv, splitCommandLine } from './command-line.ts';
import { expandPlaceholders, placeholdersIn, PORT } from './placeholders.ts';
import { liveGroupMembers, procAvailable } from './proc-reader.ts';
import { freePort, portOpen } from '../../target-app/launcher/services/free-port.ts';

export interface CommandTargetSpec {
  /** the command line, with {placeholders} */
  cmd: string;
  /** extra environment for the command; values may hold {placeholders} */
  env: Record<string, string>;
  /** a path ('/healthz') on the target's base URL, or a full URL; any 2xx/3xx means ready */
  ready: string;
  readyTimeoutMs: number;
  /** working directory of the command (null: the runner's) */
  cwd: string | null;
  /** SIGTERM → SIGKILL grace period */
  stopGraceMs: number;
  /** POSTed to (2xx expected) after ready, before the run: a path or a URL, may hold {placeholders} */
  reset: string | null;
  /** read (GET, JSON) after the run, before the stop: a path or a URL */
  invariants: string | null;
  /** headers sent with the reset and invariants calls (an admin token); values may hold {placeholders} */
  hookHeaders?: Record<string, string>;
}

export const DEFAULT_STOP_GRACE_MS = 5000;

/** Every placeholder a spec uses: in its command, env values, ready/reset/invariants URLs. */
export function specPlaceholders(spec: CommandTargetSpec): string[] {
  const texts = [spec.cmd, ...Object.values(spec.env), spec.ready, spec.reset ?? '', spec.invariants ?? '', ...Object.values(spec.hookHeaders ?? {})];
  const out: string[] = [];
  for (const t of texts) for (const n of placeholdersIn(t)) if (!out.includes(n)) out.push(n);
  return out;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartedCommandTarget {
  url: string;
  pid: number;
  argv: string[];
  logFile: string;
  /** the values the placeholders were filled with ({port} included) */
  values: Record<string, string>;
  /** the expanded reset / invariants URLs (null when not given) */
  resetUrl: string | null;
  invariantsUrl: string | null;
  /** the headers for those two calls, placeholders filled in */
  hookHeaders: Record<string, string>;
  /** resolves when the command's own process has exited */
  exited: Promise<ExitInfo>;
  exitInfo(): ExitInfo | null;
  /** the last `n` lines of target.log */
  logTail(n?: number): string[];
  /** SIGTERM to the group, SIGKILL after the grace period, until none of it is left; idempotent */
  stop(): Promise<void>;
}

/** The executable `name` would run as, on `PATH` (or relative to `cwd` when it has a slash). */
export function resolveExecutable(name: string, pathVar: string, cwd: string): string | null {
  const candidates = name.includes('/') ? [path.resolve(cwd, name)] : pathVar.split(':').filter(Boolean).map((d) => path.join(path.resolve(cwd, d), name));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * Before anything runs: the command line parses and its program exists (unless the program
 * itself is a placeholder), so a typo in the 3rd configuration of a comparison is exit 2 at once.
 */
export function checkProgram(spec: Pick<CommandTargetSpec, 'cmd' | 'env' | 'cwd'>, where: string): void {
  const env = { ...process.env, ...spec.env };
  const program = splitCommandLine(spec.cmd, env, where)[0] as string;
  if (program.includes('{')) return;
  const cwd = path.resolve(spec.cwd ?? process.cwd());
  if (!resolveExecutable(program, env.PATH ?? '', cwd)) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: command not found: ${program} (not an executable ${program.includes('/') ? `file relative to ${cwd}` : 'on PATH'})`);
}

let setprivPath: string | null | undefined;
function setpriv(): string | null {
  if (setprivPath === undefined) setprivPath = process.platform === 'linux' ? resolveExecutable('setpriv', `${process.env.PATH ?? ''}:/usr/bin:/bin`, '/') : null;
  return setprivPath;
}

const WATCHDOG = fileURLToPath(new URL('./group-watchdog.js', import.meta.url));

/**
 * Starts `command` under the group watchdog (group-watchdog.js), in a session of its own. The
 * watchdog is Node: NODE_OPTIONS meant for the target are handed to it under another name, so
 * that they apply to the target only.
 */
function spawnWatchdog(command: string, args: readonly string[], o: { cwd: string; env: NodeJS.ProcessEnv; logFd: number; graceMs: number }): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...o.env };
  delete env.STAMPEDE_TARGET_NODE_OPTIONS;
  if (env.NODE_OPTIONS !== undefined) env.STAMPEDE_TARGET_NODE_OPTIONS = env.NODE_OPTIONS;
  delete env.NODE_OPTIONS;
  return spawn(process.execPath, [WATCHDOG, String(o.graceMs), command, ...args], { cwd: o.cwd, env, detached: true, stdio: ['pipe', o.logFd, o.logFd, 'pipe'] });
}

// groups still running, SIGKILLed from the exit hook (synchronous: nothing can be awaited there)
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pgid of liveGroups) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** true while any process of group `pgid` runs (zombies, dead but not reaped, do not count where /proc tells them apart). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return procAvailable() ? liveGroupMembers(pgid).length > 0 : true;
}

function readTail(file: string, n: number): string[] {
  try {
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines.slice(-n);
  } catch {
    return [];
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A path is taken relative to the base URL; anything else must be a full http(s) URL. */
export function hookUrl(base: string | null, raw: string, where: string): string {
  if (raw.startsWith('/')) {
    if (!base) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)} is a path, but the command does not use {port}: give a full URL`);
    return base + raw;
  }
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
    return u.href;
  } catch {
    throw new StampedeError('STAMPEDE_E_USAGE', `${where}: expected a path such as /healthz or a URL such as http://127.0.0.1:8080/healthz, got ${JSON.stringify(raw)}`);
  }
}

export interface StartOptions {
  /** the knob values of this configuration (not {port}) */
  knobs: Record<string, string>;
  /** where stdout/stderr go (its folder is created) */
  logFile: string;
  log(line: string): void;
  /** the environment the command inherits (default: the runner's) */
  baseEnv?: NodeJS.ProcessEnv;
}

/**
 * Starts the command and waits until it is ready. Bad input (a placeholder without a value,
 * a command not on PATH) is exit 2 before anything starts; a target that exits early, never
 * gets ready, or whose fixed port is already taken is STAMPEDE_E_TARGET_UNAVAILABLE (exit 3)
 * with the last lines of target.log. On failure nothing is left running.
 */
export async function startCommandTarget(spec: CommandTargetSpec, o: StartOptions): Promise<StartedCommandTarget> {
  const where = '--target-cmd';
  const usesPort = specPlaceholders(spec).includes(PORT);
  const values: Record<string, string> = { ...o.knobs };
  let base: string | null = null;
  if (usesPort) {
    values[PORT] = String(await freePort());
    base = `http://127.0.0.1:${values[PORT]}`;
  }
  const readyUrl = hookUrl(base, expandPlaceholders(spec.ready, values, `${where} --ready`), '--ready');
  if (!base) {
    // the command listens where it says; the base URL is the ready URL's origin
    const u = new URL(readyUrl);
    base = u.origin;
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    if (await portOpen(port, u.hostname, 1000)) {
      throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${where}: port ${port} on ${u.hostname} is already taken by another process (the command does not use {port}, so Stampede cannot pick a free one); nothing was started`);
    }
  }
  const expandedEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.env)) expandedEnv[k] = expandPlaceholders(v, values, `${where} --target-env ${k}`);
  const env: NodeJS.ProcessEnv = { ...(o.baseEnv ?? process.env), ...expandedEnv };
  const cwd = path.resolve(spec.cwd ?? process.cwd());
  const argv = commandArgv(spec.cmd, values, env, where);
  const resetUrl = spec.reset === null ? null : hookUrl(base, expandPlaceholders(spec.reset, values, '--reset'), '--reset');
  const invariantsUrl = spec.invariants === null ? null : hookUrl(base, expandPlaceholders(spec.invariants, values, '--invariants'), '--invariants');
  const hookHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.hookHeaders ?? {})) hookHeaders[k] = expandPlaceholders(v, values, `--hook-header ${k}`);
  const exe = resolveExecutable(argv[0] as string, env.PATH ?? '', cwd);
  if (!exe) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: command not found: ${argv[0]} (not an executable ${(argv[0] as string).includes('/') ? `file relative to ${cwd}` : 'on PATH'})`);

  mkdirSync(path.dirname(o.logFile), { recursive: true });
  const fd = openSync(o.logFile, 'a');
  installExitHook();
  const wrapper = setpriv();
  const [command, args] = wrapper ? [wrapper, ['--pdeathsig', 'SIGKILL', '--', exe, ...argv.slice(1)]] : [exe, argv.slice(1)];
  let watchdog: ChildProcess;
  try {
    watchdog = spawnWatchdog(command, args, { cwd, env, logFd: fd, graceMs: spec.stopGraceMs });
  } finally {
    closeSync(fd);
  }
  let exit: ExitInfo | null = null;
  let resolveExit!: (e: ExitInfo) => void;
  const exited = new Promise<ExitInfo>((resolve) => (resolveExit = resolve));
  const ended = (e: ExitInfo) => {
    if (exit) return;
    exit = e;
    resolveExit(e);
  };
  // the watchdog's control lines: the target's PID, then its exit (watchdog.js describes them)
  const pid = await new Promise<number>((resolve) => {
    let buffered = '';
    const control = watchdog.stdio[3] as Readable;
    control.setEncoding('utf8');
    control.on('data', (chunk: string) => {
      buffered += chunk;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const [word, a, b] = line.split(' ');
        if (word === 'pid') resolve(Number(a));
        else if (word === 'error') {
          o.log(`spawn failed: ${line.slice(6)}`);
          ended({ code: null, signal: null });
          resolve(-1);
        } else if (word === 'exit') ended({ code: a ? Number(a) : null, signal: (b || null) as NodeJS.Signals | null });
      }
    });
    // a watchdog that could not start, or died: the target's fate is unknown, taken as exited
    watchdog.once('error', (err) => {
      o.log(`the watchdog could not be started: ${err.message}`);
      ended({ code: null, signal: null });
      resolve(-1);
    });
    watchdog.once('exit', () => {
      ended({ code: null, signal: null });
      resolve(-1);
    });
  });
  if (pid > 0) liveGroups.add(pid);
  o.log(`started pid ${pid}: ${argv.join(' ')} (log ${o.logFile})`);
  const watchdogGone = new Promise<void>((resolve) => (watchdog.exitCode !== null || watchdog.signalCode !== null ? resolve() : watchdog.once('exit', () => resolve())));

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (pid <= 0) {
        watchdog.stdin?.end();
        return;
      }
      const signalGroup = (sig: NodeJS.Signals) => {
        try {
          process.kill(-pid, sig);
        } catch {
          // the group is gone
        }
      };
      signalGroup('SIGTERM');
      const deadline = Date.now() + spec.stopGraceMs;
      while ((exit === null || groupAlive(pid)) && Date.now() < deadline) await sleep(50);
      if (exit === null || groupAlive(pid)) {
        o.log(`still running ${spec.stopGraceMs} ms after SIGTERM: SIGKILL`);
        signalGroup('SIGKILL');
        await exited;
        for (let i = 0; i < 100 && groupAlive(pid); i++) await sleep(20);
      }
      liveGroups.delete(pid);
      // the group is gone: closing its stdin lets the watchdog exit
      watchdog.stdin?.end();
      await Promise.race([watchdogGone, sleep(2000)]);
    })();
    return stopping;
  };

  const target: StartedCommandTarget = {
    url: base,
    pid,
    argv,
    logFile: o.logFile,
    values,
    resetUrl,
    invariantsUrl,
    hookHeaders,
    exited,
    exitInfo: () => exit,
    logTail: (n = 20) => readTail(o.logFile, n),
    stop,
  };

  try {
    await waitUntilReady(target, readyUrl, spec.readyTimeoutMs);
  } catch (e) {
    await stop();
    throw e;
  }
  return target;
}

function describeExit(e: ExitInfo): string {
  return e.signal ? `killed by ${e.signal}` : e.code === null ? 'could not be started' : `exit code ${e.code}`;
}

async function waitUntilReady(t: StartedCommandTarget, readyUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  const tail = () => {
    const lines = t.logTail(15);
    return lines.length ? [`last lines of ${t.logFile}:`, ...lines.map((l) => `  | ${l}`)] : [`${t.logFile} is empty`];
  };
  for (;;) {
    const ended = t.exitInfo();
    if (ended) throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target command exited before it was ready (${describeExit(ended)}): ${t.argv.join(' ')}`, tail());
    try {
      const res = await fetch(readyUrl, { redirect: 'manual', signal: AbortSignal.timeout(Math.max(100, Math.min(2000, deadline - Date.now()))) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.status >= 200 && res.status < 400) {
        // the answer must come from our process, not one that held the port before it
        if (t.exitInfo() === null) return;
        continue;
      }
      last = `HTTP ${res.status}`;
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string }; message?: string };
      last = err.cause?.code ?? (err.name === 'TimeoutError' ? 'no answer (timeout)' : String(err.message));
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await Promise.race([sleep(Math.min(200, left)), t.exited]);
  }
  throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target command was not ready within ${(timeoutMs / 1000).toFixed(1)} s: ${readyUrl} never answered 2xx/3xx (last: ${last})`, tail());
}
