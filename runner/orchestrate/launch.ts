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
  /** the PIDs of its own processes, when known (for /proc sampling) */
  pids?(): number[];
  /** true when the starter already waited for its own readiness check (a command target's --ready): no /readyz poll */
  ready?: boolean;
}

/** Starts a configuration; the default is the target app's startTarget(). Tests pass their own. */
export type TargetStarter = (config: TargetConfig, opts: { log: (line: string) => void; readyTimeoutMs: number }) => Promise<LaunchedTarget>;

// The shop's servers run in process groups of their own (target-app/launcher/services/child.ts),
// so a Ctrl-C reaches only this process: the runner stops the run, writes the partial result and
// then stops the target. No signal or exit hooks of a third-party package are installed.
export const startShop: TargetStarter = async (config, opts) => {
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
  try {
    target = await (opts.starter ?? startShop)(config, { log: opts.log, readyTimeoutMs: opts.readyTimeoutMs });
  } catch (e) {
    if (isStampedeError(e) && e.code === 'STAMPEDE_E_TARGET_UNAVAILABLE') throw e;
    // a configuration error caught by the app itself is still bad input
    if (isStampedeError(e) && e.exitCode === 2) throw e;
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target could not start: ${e instanceof Error ? e.message : String(e)}`, [], { cause: e });
  }
  if (target.ready === true) return target;
  try {
    await waitForReady(target.url, Math.max(1000, opts.readyTimeoutMs - (Date.now() - started)));
  } catch (e) {
    await target.stop().catch(() => undefined);
    throw e;
  }
  return target;
}
