// The scalability sweep of `stampede capacity --sweep`: throughput measured at several values
// of N, then the Universal Scalability Law fitted to the (N, throughput) points.
//
//   vus=1,2,4,…      N is the load: a closed model of N VUs against the given target.
//   workers=1,2,3,4  N is the target's worker processes: for each count the target app is
//                    started with the --target-config configuration and workers=N, measured,
//                    and stopped (runner/orchestrate/launch.ts).
//
// What measures X(N) honestly for workers: the USL's X(N) is the throughput N workers deliver
// when they never wait for work. A closed model with enough VUs keeps a queue in front of
// every worker for the whole window, so its completion rate IS that capacity — and it does
// not depend on the VU count once saturated (more VUs only lengthen the queue: latency grows
// by Little's law, R = VUs / X, throughput does not). An open model at a fixed rate cannot
// measure it: below capacity it measures the offered rate, above it the queue grows without
// bound. The MST at each N answers a different question (the rate under a latency SLO,
// lower than the capacity and dependent on the SLO) at ~10 probes per N. So: the same
// closed model at every N, with VUs well above the largest N's concurrency (default
// max(32, 8 × the largest N); --sweep-vus), the warm-up discarded, and each N measured
// --sweep-repeat times (the fit needs ≥ 6 points; 4 worker counts × 2 windows = 8). The
// load generator runs on the same machine as the target: its CPU use is recorded per point.
//
// A freshly started target is not at steady state after a fixed few seconds: each worker
// process compiles its hot paths and opens its pool's connections under its 1/N share of the
// load, so the more workers, the longer. Measured on the shop (async, 4 workers, 32 VUs):
// windows right after a 5 s warm-up read 1150, 1729, 3558/s one after the other; after a
// 30 s warm-up 2840 and 2971/s. A fixed warm-up therefore biased the fit against large N.
// So after each start the sweep warms up until throughput settles: closed-model chunks until
// two in a row agree within a tolerance (default 5 s chunks, 10 %, at most 60 s), then the
// usual warm-up and window(s). The time it took is recorded with the point.
import type { TargetConfig } from '../../target-app/launcher/config.ts';
import type { CapacitySweep, SweepPoint } from '../result/capacity-schema.ts';
import { StampedeError } from '../errors.ts';
import { runTest } from '../run/run-test.ts';
import { launchTarget, type LaunchedTarget, type TargetStarter } from '../orchestrate/launch.ts';
import { withTarget, type RunPlan } from '../plan/run-plan.ts';
import { recordedConfig } from '../orchestrate/target-config.ts';
import { measureWindow, WINDOW_SCENARIO } from '../analysis/window.ts';
import { withSweepPoint } from './probe-options.ts';
import { waitForIdle } from './idle.ts';
import { fitUsl } from './usl.ts';
import { uslToJson } from './usl-format.ts';

export interface SweepRequest {
  kind: 'vus' | 'workers';
  values: number[];
  /** measured windows per value (each a point of the fit); default 1 */
  repeat: number;
  /** workers: the closed model's VUs at every worker count */
  vus?: number;
  /** workers: the configuration started for each count (its `workers` replaced) */
  targetConfig?: TargetConfig;
  readyTimeoutMs?: number;
  /** workers: how a configuration is started (default: the shop); tests pass their own */
  starter?: TargetStarter;
  /** workers: warm up each started target until throughput settles; null: the fixed warm-up only */
  settle?: SettleRule | null;
}

export interface SettleRule {
  /** length of one warm-up chunk, ms */
  chunkMs: number;
  /** two consecutive chunks within this relative difference count as settled */
  tolerance: number;
  /** give up (and say so) after this long */
  maxMs: number;
}

export const DEFAULT_SETTLE: SettleRule = { chunkMs: 5000, tolerance: 0.1, maxMs: 60_000 };

export interface SweepContext {
  /** the scenario as loaded once; every point runs a plan derived from it (a workers sweep: against each started target) */
  plan: RunPlan;
  warmupMs: number;
  windowMs: number;
  cooldownMs: number;
  metricsUrl: string | null;
  log(line: string): void;
  onRunStart?(what: string): void;
  onSweepPoint?(point: SweepPoint): void;
  stopRequested?: Promise<string>;
  /** true once a stop was requested: no further point starts */
  stopped(): boolean;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** The default VUs of a workers sweep: enough to keep the largest worker count saturated. */
export function defaultSweepVus(values: readonly number[]): number {
  return Math.max(32, 8 * Math.max(...values));
}

/** One closed-model run of `vus` VUs (warm-up + window) of `plan` against its target, its window read back. */
async function closedWindow(ctx: SweepContext, plan: RunPlan, vus: number, warmupMs: number, windowMs: number) {
  const { result } = await runTest(withSweepPoint(plan, vus, warmupMs, windowMs), { log: ctx.log, ...(ctx.stopRequested ? { stopRequested: ctx.stopRequested } : {}) });
  return measureWindow(result, WINDOW_SCENARIO, warmupMs, warmupMs + windowMs, 0);
}

/** Warms a fresh target up until two consecutive chunks' throughputs agree (see the top of this file). */
async function settle(ctx: SweepContext, plan: RunPlan, vus: number, rule: SettleRule): Promise<{ ms: number; settled: boolean; chunks: number[] }> {
  const t0 = performance.now();
  const chunks: number[] = [];
  while (!ctx.stopped()) {
    const w = await closedWindow(ctx, plan, vus, 0, rule.chunkMs);
    chunks.push(round2(w.throughput));
    const [a, b] = chunks.slice(-2);
    if (a !== undefined && b !== undefined && a > 0 && Math.abs(b - a) / a <= rule.tolerance) return { ms: Math.round(performance.now() - t0), settled: true, chunks };
    if (performance.now() - t0 + rule.chunkMs > rule.maxMs) break;
  }
  return { ms: Math.round(performance.now() - t0), settled: false, chunks };
}

/** Runs one closed-model window of `vus` VUs of `plan` against its target and reads it back. */
async function measurePoint(ctx: SweepContext, plan: RunPlan, n: number, vus: number, run: number): Promise<SweepPoint> {
  const t0 = performance.now();
  const w = await closedWindow(ctx, plan, vus, ctx.warmupMs, ctx.windowMs);
  const cpu = w.seconds.length ? w.seconds.reduce((a, s) => a + s.generatorCpuPercent, 0) / w.seconds.length : 0;
  return {
    n,
    throughput: round2(w.throughput),
    latency: w.latency,
    errorRate: w.errorRate,
    generatorSaturated: w.seconds.some((s) => s.eventLoopLagP99 > 10),
    durationMs: Math.round(performance.now() - t0),
    vus,
    run,
    generatorCpuPercent: Math.round(cpu * 10) / 10,
  };
}

export async function runSweep(ctx: SweepContext, sweep: SweepRequest): Promise<CapacitySweep> {
  const points: SweepPoint[] = [];
  const warnings: string[] = [];
  const repeat = Math.max(1, sweep.repeat);
  let first = true;
  const pause = async (metricsUrl: string | null) => {
    if (!first) await waitForIdle({ metricsUrl, cooldownMs: ctx.cooldownMs });
    first = false;
  };
  const record = (p: SweepPoint) => {
    points.push(p);
    ctx.onSweepPoint?.(p);
  };

  if (sweep.kind === 'vus') {
    for (const n of sweep.values) {
      for (let r = 1; r <= repeat && !ctx.stopped(); r++) {
        await pause(ctx.metricsUrl);
        ctx.onRunStart?.(`sweep: ${n} VUs${repeat > 1 ? ` (window ${r}/${repeat})` : ''}`);
        record(await measurePoint(ctx, ctx.plan, n, n, r));
      }
    }
  } else {
    const base = sweep.targetConfig;
    if (!base) throw new StampedeError('STAMPEDE_E_INTERNAL', 'a workers sweep needs a target configuration');
    const vus = sweep.vus ?? defaultSweepVus(sweep.values);
    for (const n of sweep.values) {
      if (ctx.stopped()) break;
      ctx.onRunStart?.(`sweep: starting the target with workers=${n}`);
      const launched: LaunchedTarget = await launchTarget(
        { ...base, workers: n },
        { readyTimeoutMs: sweep.readyTimeoutMs ?? 120_000, log: (l) => ctx.log(`target: ${l}`), ...(sweep.starter ? { starter: sweep.starter } : {}) },
      );
      try {
        // the scenario must talk to the target started for it, whatever BASE the shell had
        const plan = withTarget(ctx.plan, { url: launched.url, env: { ADMIN_TOKEN: launched.adminToken } });
        const rule = sweep.settle === undefined ? DEFAULT_SETTLE : sweep.settle;
        let settled: Awaited<ReturnType<typeof settle>> | null = null;
        if (rule) {
          ctx.onRunStart?.(`sweep: workers=${n}: warming up until throughput settles (${rule.chunkMs / 1000} s chunks within ${Math.round(rule.tolerance * 100)} %, at most ${rule.maxMs / 1000} s)`);
          settled = await settle(ctx, plan, vus, rule);
          if (!settled.settled && !ctx.stopped()) warnings.push(`workers=${n}: throughput had not settled after ${(settled.ms / 1000).toFixed(0)} s of warm-up (chunks ${settled.chunks.join(', ')}/s); its points may read low.`);
        }
        first = false;
        for (let r = 1; r <= repeat && !ctx.stopped(); r++) {
          await pause(null);
          ctx.onRunStart?.(`sweep: workers=${n}, ${vus} VUs${repeat > 1 ? ` (window ${r}/${repeat})` : ''}`);
          const p = await measurePoint(ctx, plan, n, vus, r);
          record(settled ? { ...p, settleMs: settled.ms, settleChunks: settled.chunks } : p);
        }
      } finally {
        await launched.stop().catch((e: unknown) => ctx.log(`stopping the target (workers=${n}) failed: ${e instanceof Error ? e.message : String(e)}`));
      }
    }
  }

  const method =
    sweep.kind === 'vus'
      ? `closed model: N VUs looping the journey; throughput = completions per second over a ${ctx.windowMs / 1000} s window after a ${ctx.warmupMs / 1000} s warm-up`
      : `target restarted for each worker count; closed model of ${sweep.vus ?? defaultSweepVus(sweep.values)} VUs (saturating); ` +
        (sweep.settle === null
          ? ''
          : `after each start, warmed up until two consecutive ${(sweep.settle ?? DEFAULT_SETTLE).chunkMs / 1000} s throughputs agreed within ${Math.round((sweep.settle ?? DEFAULT_SETTLE).tolerance * 100)} %; `) +
        `throughput = completions per second over a ${ctx.windowMs / 1000} s window after a ${ctx.warmupMs / 1000} s warm-up, ${repeat} window(s) per count`;
  const targetConfig = sweep.kind === 'workers' && sweep.targetConfig ? recordedConfig(sweep.targetConfig) : null;
  if (targetConfig) delete targetConfig.workers;
  const common = { kind: sweep.kind, points, method, targetConfig, ...(warnings.length ? { warnings } : {}) };
  try {
    const fit = fitUsl(points.map((p) => ({ n: p.n, x: p.throughput })));
    return { ...common, usl: uslToJson(fit), uslError: null };
  } catch (e) {
    if (e instanceof StampedeError) return { ...common, usl: null, uslError: e.message };
    throw e;
  }
}
