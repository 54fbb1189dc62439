// Small shared pieces for the services: finding binaries, the `postgres` OS user that root
// hands PostgreSQL-family servers to, temp folders that user can use, and waiting for readiness.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, chownSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import type { Child, ChildOptions } from './child.ts';
import { onExitCleanup, removeDirSync, spawnChild } from './child.ts';
import { claimDir, removeStaleDirs } from './stale-dirs.ts';

/** Absolute path of an executable found on PATH (plus /usr/sbin, where Debian puts pgbouncer), or null. */
export function findBinary(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function requireBinary(name: string, installHint: string, forWhat: string): string {
  const found = findBinary(name);
  if (found) return found;
  throw new StampedeError(
    'STAMPEDE_E_TARGET_UNAVAILABLE',
    `${forWhat} needs \`${name}\`, which is not installed (not on PATH nor in /usr/sbin)`,
    [`install it: ${installHint}`],
  );
}

export interface OsUser {
  uid: number;
  gid: number;
}

export const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * When we run as root, the OS user PostgreSQL-family servers must run as (they refuse root).
 * Null when we are not root: the servers then simply run as us.
 */
export function serverUser(forWhat: string): OsUser | null {
  if (!isRoot()) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    if (Number.isInteger(uid) && Number.isInteger(gid)) return { uid, gid };
  } catch {
    // fall through
  }
  throw new StampedeError(
    'STAMPEDE_E_TARGET_UNAVAILABLE',
    `${forWhat} refuses to run as root and there is no \`postgres\` OS user to run it as`,
    ['create one (useradd postgres), install Debian\'s postgresql package, or run Stampede as a non-root user'],
  );
}

/**
 * A fresh folder under os.tmpdir() (never under /root, which `postgres` cannot traverse), owned
 * by `owner` when given, removed at process exit unless the caller removes it first.
 * Returns the path and a remover that also unregisters the exit hook.
 */
let swept = false;

export function makeServiceDir(prefix: string, owner: OsUser | null): { dir: string; remove(): void } {
  // Folders left by launchers that were SIGKILLed go first (stale-dirs.ts), once per process.
  if (!swept) {
    swept = true;
    removeStaleDirs(os.tmpdir());
  }
  // the pid in the name tells whose folder it is (tests, and people cleaning /tmp)
  const dir = mkdtempSync(path.join(os.tmpdir(), `stampede-${prefix}-${process.pid}-`));
  claimDir(dir);
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const unregister = onExitCleanup(() => removeDirSync(dir));
  return {
    dir,
    remove() {
      unregister();
      removeDirSync(dir);
    },
  };
}

/**
 * Poll `ready` until it returns true; fail early when the child exits, and after `timeoutMs`
 * with the child's output, so a server that dies on a bad config says why.
 */
export async function waitUntilReady(child: Child, ready: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    if (!child.running()) {
      const info = await child.exited;
      throw new StampedeError(
        'STAMPEDE_E_TARGET_UNAVAILABLE',
        `${child.name} exited before it was ready (code ${info.code ?? 'none'}, signal ${info.signal ?? 'none'})`,
        outputLines(child),
      );
    }
    if (await ready()) return;
    if (Date.now() > deadline) {
      await child.stop();
      throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${child.name} was not ready after ${timeoutMs} ms`, outputLines(child));
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
}

function outputLines(child: Child): string[] {
  const lines = child.output().trim().split('\n').filter(Boolean);
  return lines.length ? ['its last output:', ...lines.slice(-15)] : ['it printed nothing'];
}

/**
 * Run a short-lived command (pg_basebackup, initdb) as our child and wait for it; a non-zero
 * exit becomes a StampedeError carrying its output. Killed after `timeoutMs`.
 */
export async function runToCompletion(opts: ChildOptions, what: string, timeoutMs: number): Promise<void> {
  const child = spawnChild(opts);
  const timer = setTimeout(() => void child.stop(), timeoutMs);
  const info = await child.exited;
  clearTimeout(timer);
  if (info.code !== 0) {
    throw new StampedeError(
      'STAMPEDE_E_TARGET_UNAVAILABLE',
      `${what} failed (${opts.name} exit code ${info.code ?? 'none'}${info.signal ? `, signal ${info.signal}` : ''})`,
      outputLines(child),
    );
  }
}

/** True when a PostgreSQL server answers `SELECT 1` with this configuration (1 s to connect). */
export async function canQuery(config: pg.ClientConfig): Promise<boolean> {
  const c = new pg.Client({ ...config, connectionTimeoutMillis: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}
