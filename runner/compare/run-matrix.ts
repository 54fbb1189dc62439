// The comparison loop: each configuration in turn — start the shop, run the scenario, read the
// invariants, stop it, cool down — --repeat times each. Every run writes its own result.json
// and report.html under <out>/<configuration id>/run-<n>/; comparison.json is rewritten after
// every run, so an interrupted or crashed comparison keeps what it measured. A configuration
// that cannot start is skipped with the reason and the others still run.
import path from 'node:path';
import { isStampedeError } from '../errors.ts';
import { runAgainstTarget } from '../orchestrate/run-against.ts';
import type { TargetStarter } from '../orchestrate/launch.ts';
import { writeJsonAtomic, writeRunResult } from '../result/io.ts';
import { COMPARISON_SCHEMA_VERSION, comparisonSchema, type Comparison, type ComparisonConfiguration, type ComparisonRun } from '../result/comparison-schema.ts';
import { validateOrThrow } from '../result/validate.ts';
import { writeReportBeside, type ReportWriter } from '../run/outputs.ts';
import type { LiveState } from '../run/run-test.ts';
import type { RunPlan } from '../plan/run-plan.ts';
import { documentMeta } from '../result/meta.ts';
import type { ComparisonEntry } from './command-matrix.ts';
import { columnStats, columnWinners, COST_METHOD_PREFIX, METHOD, rankConfigurations } from './rank.ts';
import { summariseRun } from './summarise.ts';
import { recordedConfig } from '../orchestrate/target-config.ts';

export interface CompareOptions {
  /** the scenario as loaded once, with --env; each configuration runs a plan derived from it */
  plan: RunPlan;
  matrixSource: string;
  entries: ComparisonEntry[];
  repeat: number;
  cooldownMs: number;
  outDir: string;
  readyTimeoutMs: number;
  /** --rank (default latency) */
  rankBy?: 'latency' | 'cost';
  /** resolves when the user wants to stop (Ctrl-C): the current run ends gracefully, no more start */
  stopRequested: Promise<string>;
  log(line: string): void;
  onSecond?(s: LiveState): void;
  /** called before each run starts */
  onRunStart?(e: { entry: ComparisonEntry; index: number; repeat: number }): void;
  starter?: TargetStarter;
  /** each run's report.html (the CLI hands the report builder down: runner/cli/sinks.ts) */
  writeReport: ReportWriter;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Fills stats, winners and ranking from the runs so far. */
export function finishComparison(c: Comparison): Comparison {
  for (const cfg of c.configurations) {
    const ok = cfg.runs.flatMap((r) => (r.status === 'ok' && r.summary ? [r.summary] : []));
    cfg.stats = ok.length > 0 ? columnStats(ok) : null;
  }
  const invariantsOk = (id: string) => {
    const cfg = c.configurations.find((x) => x.id === id);
    const v = cfg?.runs.map((r) => r.summary?.invariantChecksOk).filter((x): x is boolean => typeof x === 'boolean') ?? [];
    return v.length === 0 ? null : v.every(Boolean);
  };
  c.ranking = rankConfigurations(c.configurations, invariantsOk, c.meta.rankBy ?? 'latency');
  for (const cfg of c.configurations) cfg.rank = c.ranking.includes(cfg.id) ? c.ranking.indexOf(cfg.id) + 1 : null;
  c.winners = columnWinners(c.configurations.filter((x) => x.stats));
  return c;
}

export async function runComparison(o: CompareOptions): Promise<{ comparison: Comparison; file: string; interrupted: boolean }> {
  const file = path.join(o.outDir, 'comparison.json');
  let stopReason: string | null = null;
  void o.stopRequested.then((r) => (stopReason = r));
  const comparison: Comparison = {
    schemaVersion: COMPARISON_SCHEMA_VERSION,
    kind: 'comparison',
    meta: {
      ...documentMeta(o.plan.scenario),
      matrix: o.matrixSource,
      repeat: o.repeat,
      cooldownMs: o.cooldownMs,
      env: { ...o.plan.recordedEnv },
      startTime: new Date().toISOString(),
      endTime: new Date().toISOString(),
      partial: false,
      ...(o.rankBy === 'cost' ? { rankBy: 'cost' as const } : {}),
    },
    configurations: o.entries.map((e) => ({ id: e.id, label: e.label, given: e.given, config: e.config ? recordedConfig(e.config) : { cmd: e.command?.spec.cmd ?? '', ...e.given }, status: 'ran', skipReason: null, runs: [], stats: null, rank: null })),
    winners: [],
    ranking: [],
    method: o.rankBy === 'cost' ? COST_METHOD_PREFIX + METHOD.replace(/^Rank: [^.]*\. /, '') : METHOD,
  };
  const save = async () => {
    comparison.meta.endTime = new Date().toISOString();
    finishComparison(comparison);
    validateOrThrow(comparisonSchema, comparison, `${file} (writing)`, 'STAMPEDE_E_INTERNAL');
    await writeJsonAtomic(file, comparison);
  };

  let first = true;
  for (const [index, entry] of o.entries.entries()) {
    const cfg = comparison.configurations[index] as ComparisonConfiguration;
    for (let repeat = 1; repeat <= o.repeat; repeat++) {
      if (stopReason) break;
      if (!first && o.cooldownMs > 0) {
        o.log(`cool-down ${(o.cooldownMs / 1000).toFixed(0)} s`);
        await Promise.race([new Promise((r) => setTimeout(r, o.cooldownMs)), o.stopRequested]);
        if (stopReason) break;
      }
      first = false;
      o.onRunStart?.({ entry, index, repeat });
      const runDir = path.join(o.outDir, entry.id, `run-${repeat}`);
      const rel = (p: string) => path.relative(o.outDir, p);
      let run: ComparisonRun;
      try {
        const out = await runAgainstTarget({
          plan: o.plan,
          targetConfig: entry.command ? null : entry.config,
          command: entry.command ? { ...entry.command, logFile: path.join(runDir, 'target.log') } : null,
          readyTimeoutMs: o.readyTimeoutMs,
          stopRequested: o.stopRequested,
          log: o.log,
          ...(o.onSecond ? { onSecond: o.onSecond } : {}),
          ...(o.starter ? { starter: o.starter } : {}),
        });
        const resultFile = path.join(runDir, 'result.json');
        await writeRunResult(resultFile, out.result);
        const report = await writeReportBeside(out.result, runDir, o.writeReport, o.log);
        run = {
          repeat,
          status: 'ok',
          exitCode: out.thresholdsFailed ? 99 : 0,
          resultFile: rel(resultFile),
          reportFile: report ? rel(report) : null,
          error: null,
          summary: summariseRun(out.result, out.invariants),
        };
      } catch (e) {
        const unavailable = isStampedeError(e) && e.code === 'STAMPEDE_E_TARGET_UNAVAILABLE';
        if (unavailable && cfg.runs.length === 0) {
          // it cannot start here: say why, and go on with the others
          cfg.status = 'skipped';
          cfg.skipReason = errText(e);
          o.log(`${entry.label}: skipped — ${errText(e)}`);
          await save();
          break;
        }
        // a scenario error is the same for every configuration: no point going on
        if (isStampedeError(e) && e.exitCode === 2) throw e;
        run = { repeat, status: 'failed', exitCode: isStampedeError(e) ? e.exitCode : 1, resultFile: null, reportFile: null, error: errText(e), summary: null };
        o.log(`${entry.label} run ${repeat}: failed — ${errText(e)}`);
      }
      cfg.runs.push(run);
      await save();
    }
    if (stopReason && cfg.runs.length === 0 && cfg.status === 'ran') {
      cfg.status = 'skipped';
      cfg.skipReason = `not run: ${stopReason}`;
    }
  }
  comparison.meta.partial = stopReason !== null;
  await save();
  return { comparison, file, interrupted: stopReason !== null };
}
