// One run against a target: either a URL given by the user, or a target-app configuration
// started here (and stopped afterwards, whatever happens). While the run goes, the target's
// /metrics is scraped once a second into result.server; a target that dies mid-run still gets
// its result, with server.diedAt and a warning. For the shop, its invariants are read after the
// run (before it is stopped), for the summary and for `stampede compare`.
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import type { RunOutcome, RunTestOptions } from '../run/run-test.ts';
import { runTest } from '../run/run-test.ts';
import { launchTarget, type LaunchedTarget, type TargetStarter } from './launch.ts';
import { exposesMetrics, metricsUrlOf, startScraper, type MetricsScraper } from './scraper.ts';
import { deriveServerSeries } from './server-series.ts';
import { recordedConfig } from './target-config.ts';
import { shopInvariantsSchema, type ShopInvariants } from './invariants.ts';

export interface RunAgainstOptions extends Omit<RunTestOptions, 'target' | 'targetConfig'> {
  /** --target URL (ignored when `targetConfig` is given) */
  target: string | null;
  /** a validated configuration to start, or null to run against `target` */
  targetConfig: TargetConfig | null;
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
  const env = { ...o.env };
  let url = o.target;
  if (o.targetConfig) {
    launched = await launchTarget(o.targetConfig, { readyTimeoutMs: o.readyTimeoutMs, log: (l) => log(`target: ${l}`), ...(o.starter ? { starter: o.starter } : {}) });
    url = launched.url;
    // the scenario must talk to the target started for it, whatever BASE the shell had
    env.BASE = url;
    env.BASE_URL = url;
    env.ADMIN_TOKEN = launched.adminToken;
  }
  try {
    o.onTargetReady?.({ url: url ?? '', started: launched !== null });
    let scraper: MetricsScraper | null = null;
    if (url && o.scrape !== false && (await exposesMetrics(url))) scraper = startScraper(metricsUrlOf(url));
    let outcome: RunOutcome;
    const restoreEnv = exposeEnv(env);
    try {
      outcome = await runTest({ ...o, env, target: url, targetConfig: o.targetConfig ? recordedConfig(o.targetConfig) : null });
    } catch (e) {
      await scraper?.stop();
      throw e;
    } finally {
      restoreEnv();
    }
    if (scraper) {
      const server = deriveServerSeries(url ?? '', await scraper.stop(), outcome.runStartEpochMs);
      outcome.result.server = server;
      if (server.diedAt !== null && server.diedAt !== undefined) {
        outcome.result.warnings.push(`the target stopped answering at t=${server.diedAt} s (its /metrics failed from then on); the errors after it are in the timeline by kind`);
      }
    }
    const invariants = launched && url && !outcome.result.server?.diedAt ? await readInvariants(url, launched.adminToken) : null;
    return { ...outcome, invariants, url };
  } finally {
    await launched?.stop().catch((e: unknown) => log(`stopping the target failed: ${e instanceof Error ? e.message : String(e)}`));
  }
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

/**
 * k6 gives a script's init context `__ENV` (system environment + --env). Stampede's equivalent:
 * while the scenario module loads and runs, --env values are visible in process.env, so its
 * top-level options can read them (PEAK, STOCK, ...). Set only after the target has started
 * (its processes must not inherit them) and restored afterwards. A module is imported once per
 * process, so its options reflect the env of the first run in that process.
 */
export function exposeEnv(env: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(env)) {
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
