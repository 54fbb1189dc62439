// One run against a target: either a URL given by the user, or a target-app configuration
// started here (and stopped afterwards, whatever happens). While the run goes, the target's
// /metrics is scraped once a second into result.server; a target that dies mid-run still gets
// its result, with server.diedAt and a warning. For the shop, its invariants are read after the
// run (before it is stopped), for the summary and for `stampede compare`.
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import type { LiveState, RunOutcome, RunSinks } from '../run/run-test.ts';
import { runTest } from '../run/run-test.ts';
import { withTarget, type RunPlan } from '../plan/run-plan.ts';
import { launchTarget, type LaunchedTarget, type TargetStarter } from './launch.ts';
import { exposesMetrics, metricsUrlOf, startScraper, type MetricsScraper } from './scraper.ts';
import { deriveServerSeries } from './server-series.ts';
import { recordedConfig } from './target-config.ts';
import { shopInvariantsSchema, type ShopInvariants } from './invariants.ts';
import { startCommandTarget, type CommandTargetSpec } from './command-target.ts';
import { procAvailable } from './proc-reader.ts';
import { startResourceSampler, type ResourceSampler } from './resource-sampler.ts';
import { StampedeError } from '../errors.ts';
import { liveChildPids } from '../../target-app/launcher/services/child.ts';

/** A command target to start for the run: the spec, this configuration's knob values, its log file. */
export interface CommandTargetRun {
  spec: CommandTargetSpec;
  knobs: Record<string, string>;
  logFile: string;
}

export interface RunAgainstOptions extends RunSinks {
  /** the run; its target (--target) is used unless a target is started for it */
  plan: RunPlan;
  /** a validated configuration to start, or null to run against the plan's target */
  targetConfig: TargetConfig | null;
  /** the user's own service to start (instead of the shop), or null */
  command?: CommandTargetRun | null;
  readyTimeoutMs: number;
  /** scrape /metrics when the target has it (default true) */
  scrape?: boolean;
  starter?: TargetStarter;
  /** called once the target is up (before setup()) */
  onTargetReady?(t: { url: string; started: boolean }): void;
}

export interface RunAgainstOutcome extends RunOutcome {
  /** the shop's /admin/invariants after the run; null when not an orchestrated shop or unreadable */
  invariants: ShopInvariants | null;
  /** base URL the run went to */
  url: string | null;
}

const say = (line: string) => process.stderr.write(`stampede: ${line}\n`);

export async function runAgainstTarget(o: RunAgainstOptions): Promise<RunAgainstOutcome> {
  const log = o.log ?? say;
  let launched: LaunchedTarget | null = null;
  let plan = o.plan;
  let url = plan.target;
  let diedAtMs: number | null = null;
  let invariantsUrl: string | null = null;
  let hookHeaders: Record<string, string> = {};
  if (o.command) {
    const t = await startCommandTarget(o.command.spec, { knobs: o.command.knobs, logFile: o.command.logFile, log: (l) => log(`target: ${l}`) });
    launched = { url: t.url, adminToken: '', stop: t.stop, pids: () => [t.pid] };
    void t.exited.then(() => (diedAtMs ??= Date.now()));
    url = t.url;
    plan = withTarget(plan, { url });
    invariantsUrl = t.invariantsUrl;
    hookHeaders = t.hookHeaders;
    if (t.resetUrl) {
      try {
        await callHook('POST', t.resetUrl, '--reset', t.hookHeaders);
      } catch (e) {
        await t.stop();
        throw e;
      }
    }
  }
  if (o.targetConfig) {
    launched = await launchTarget(o.targetConfig, { readyTimeoutMs: o.readyTimeoutMs, log: (l) => log(`target: ${l}`), ...(o.starter ? { starter: o.starter } : {}) });
    url = launched.url;
    // the scenario must talk to the target started for it, whatever BASE the shell had
    plan = withTarget(plan, { url, config: recordedConfig(o.targetConfig), env: { ADMIN_TOKEN: launched.adminToken } });
  }
  try {
    o.onTargetReady?.({ url: url ?? '', started: launched !== null });
    let scraper: MetricsScraper | null = null;
    if (url && o.scrape !== false && (await exposesMetrics(url))) scraper = startScraper(metricsUrlOf(url));
    let outcome: RunOutcome;
    const pidsOf = launched?.pids;
    // the shop's processes are its Node servers and the services the launcher spawned (postgres, redis, …)
    const sampler: ResourceSampler | null = pidsOf && procAvailable() ? startResourceSampler(() => [...pidsOf(), ...(o.command ? [] : liveChildPids())]) : null;
    try {
      const onSecond = o.onSecond && sampler ? withResourcesSoFar(o.onSecond, sampler, url ?? '') : o.onSecond;
      outcome = await runTest(plan, { ...(o.log ? { log: o.log } : {}), ...(onSecond ? { onSecond } : {}), ...(o.stopRequested ? { stopRequested: o.stopRequested } : {}) });
    } catch (e) {
      await scraper?.stop();
      sampler?.stop(Date.now());
      throw e;
    }
    if (scraper) {
      const server = deriveServerSeries(url ?? '', await scraper.stop(), outcome.runStartEpochMs);
      outcome.result.server = server;
      if (server.diedAt !== null && server.diedAt !== undefined) {
        outcome.result.warnings.push(`the target stopped answering at t=${server.diedAt} s (its /metrics failed from then on); the errors after it are in the timeline by kind`);
      }
    }
    if (sampler) {
      const { resources, series } = sampler.stop(outcome.runStartEpochMs);
      const server = (outcome.result.server ??= { url: url ?? '', series: {} });
      Object.assign(server.series, series);
      server.resources = resources;
    }
    if (o.command && diedAtMs !== null) {
      const server = (outcome.result.server ??= { url: url ?? '', series: {} });
      const t = Math.max(0, Math.round((diedAtMs - outcome.runStartEpochMs) / 1000));
      if (server.diedAt === null || server.diedAt === undefined) {
        server.diedAt = t;
        outcome.result.warnings.push(`the target command exited at t=${t} s (see ${o.command.logFile}); the errors after it are in the timeline by kind`);
      }
    }
    let invariants: ShopInvariants | null = null;
    if (o.command) {
      if (invariantsUrl && diedAtMs === null) invariants = await readHookInvariants(invariantsUrl, hookHeaders, outcome.result.warnings);
    } else if (launched && url && !outcome.result.server?.diedAt) invariants = await readInvariants(url, launched.adminToken);
    return { ...outcome, invariants, url };
  } finally {
    await launched?.stop().catch((e: unknown) => log(`stopping the target failed: ${e instanceof Error ? e.message : String(e)}`));
  }
}

/**
 * The live state with the target's resources so far in resultSoFar(), so the live dashboard
 * draws its CPU and memory while the run goes (computed only when a reader asks).
 */
function withResourcesSoFar(onSecond: (s: LiveState) => void, sampler: ResourceSampler, url: string): (s: LiveState) => void {
  return (s) =>
    onSecond({
      ...s,
      resultSoFar: () => {
        const r = s.resultSoFar();
        // the run's t = 0 as the live state knows it: now less the time elapsed since
        const { resources, series } = sampler.snapshot(Date.now() - s.elapsedMs);
        r.server = { ...(r.server ?? { url }), series: { ...(r.server?.series ?? {}), ...series }, resources };
        return r;
      },
    });
}

/** --reset: a 2xx answer is required, anything else stops the configuration (exit 3). */
async function callHook(method: 'POST' | 'GET', url: string, what: string, headers: Record<string, string>): Promise<void> {
  let status: string;
  try {
    const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    if (res.status >= 200 && res.status < 300) return;
    status = `HTTP ${res.status}`;
  } catch (e) {
    status = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
  }
  throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `${what} ${method} ${url} failed (${status})`);
}

/** --invariants: read after the run; the shop's shape (sold, oversold, …) or a warning, never a guess. */
async function readHookInvariants(url: string, headers: Record<string, string>, warnings: string[]): Promise<ShopInvariants | null> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(10_000) });
    const body: unknown = await res.json().catch(() => null);
    const parsed = shopInvariantsSchema.safeParse(body);
    if (res.status >= 200 && res.status < 300 && parsed.success) return parsed.data;
    warnings.push(`--invariants ${url}: ${res.status >= 300 ? `HTTP ${res.status}` : 'not the expected JSON (stockAtStart, stockLeft, sold, oversold, acceptedButMissing, drained)'}; invariants unknown`);
  } catch (e) {
    warnings.push(`--invariants ${url}: ${e instanceof Error ? e.message : String(e)}; invariants unknown`);
  }
  return null;
}

/** GET /admin/invariants of the shop; null when it cannot be read (shown as unknown, never as ok). */
export async function readInvariants(url: string, adminToken: string): Promise<ShopInvariants | null> {
  try {
    const res = await fetch(`${url}/admin/invariants`, { headers: { 'x-admin-token': adminToken }, signal: AbortSignal.timeout(10_000) });
    if (res.status !== 200) return null;
    const parsed = shopInvariantsSchema.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
