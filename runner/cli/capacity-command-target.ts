// `stampede capacity --target-cmd …`: the user's own service as the target of a capacity study.
// - With `--sweep workers=1,2,4`: the sweep (runner/capacity/sweep.ts) starts a target per
//   worker count through a TargetStarter; this one starts the command with {workers} = that
//   count and the --knob values (its log in <out>/workers-<n>/target.log).
// - Otherwise (an MST search under --slo, instances for --peak, a vus sweep): the command is
//   started once with the --knob values, as `--target-config` starts the shop, searched and
//   stopped; its log is <out>/target.log.
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import type { CapacityDocument } from '../result/capacity-schema.ts';
import type { TargetStarter } from '../orchestrate/launch.ts';
import { specPlaceholders, startCommandTarget, type CommandTargetSpec } from '../orchestrate/command-target.ts';
import { checkKnobsAgainstPlaceholders } from '../orchestrate/placeholders.ts';
import { exposesMetrics, metricsUrlOf } from '../orchestrate/scraper.ts';
import { runCapacity, type CapacityRequest } from '../capacity/run-capacity.ts';
import { withTarget } from '../plan/run-plan.ts';

/** Checks the command takes the {workers} knob and the --knob values, no more; exit 2 naming what is wrong. */
export function checkSweepCommand(command: string, spec: CommandTargetSpec, knobs: Record<string, string>): void {
  if (Object.hasOwn(knobs, 'workers')) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --knob workers: workers is what --sweep workers=… varies; leave it out`);
  checkKnobsAgainstPlaceholders(specPlaceholders(spec), ['workers', ...Object.keys(knobs)], `stampede ${command}: --sweep workers=…`);
}

/** Checks the --knob values fill the command's placeholders exactly; exit 2 naming what is wrong. */
export function checkOnceCommand(command: string, spec: CommandTargetSpec, knobs: Record<string, string>): void {
  checkKnobsAgainstPlaceholders(specPlaceholders(spec), Object.keys(knobs), `stampede ${command}: --knob`);
}

export function commandSweepStarter(spec: CommandTargetSpec, knobs: Record<string, string>, outDir: () => string): TargetStarter {
  return async (config, opts) => {
    const workers = String(config.workers);
    const t = await startCommandTarget({ ...spec, readyTimeoutMs: opts.readyTimeoutMs }, { knobs: { ...knobs, workers }, logFile: path.join(outDir(), `workers-${workers}`, 'target.log'), log: opts.log });
    return { url: t.url, adminToken: '', stop: t.stop, pids: () => [t.pid], ready: true };
  };
}

/**
 * The study against the command started once: BASE / BASE_URL point at it, its /metrics (when
 * it has one) tells the probes when it is idle, and the document records the command and knobs.
 */
export async function capacityOfCommand(spec: CommandTargetSpec, knobs: Record<string, string>, req: CapacityRequest, logFile: string, stopRequested: Promise<string>): Promise<CapacityDocument> {
  req.onRunStart?.('starting the target command');
  const t = await startCommandTarget(spec, { knobs, logFile, log: (l) => req.log(`target: ${l}`) });
  try {
    const metricsUrl = req.metricsUrl ?? (req.watchTargetMetrics !== false && (await exposesMetrics(t.url)) ? metricsUrlOf(t.url) : null);
    const doc = await runCapacity({ ...req, plan: withTarget(req.plan, { url: t.url }), metricsUrl, stopRequested });
    doc.meta.targetConfig = { cmd: spec.cmd, ...knobs };
    return doc;
  } finally {
    await t.stop().catch((e: unknown) => req.log(`stopping the target failed: ${e instanceof Error ? e.message : String(e)}`));
  }
}
