// `stampede capacity --target-cmd '… {workers} …' --sweep workers=1,2,4`: the workers sweep
// over the user's own service. The sweep (runner/capacity/sweep.ts) starts a target per worker
// count through a TargetStarter; this one starts the command with {workers} = that count
// (its log in <out>/workers-<n>/target.log), readiness by its --ready check.
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import type { TargetStarter } from '../orchestrate/launch.ts';
import { specPlaceholders, startCommandTarget, type CommandTargetSpec } from '../orchestrate/command-target.ts';
import { checkKnobsAgainstPlaceholders } from '../orchestrate/placeholders.ts';

/** Checks the command takes exactly the {workers} knob; exit 2 naming what is wrong. */
export function checkSweepCommand(command: string, spec: CommandTargetSpec, sweepKind: 'vus' | 'workers' | null): void {
  if (sweepKind !== 'workers') throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --target-cmd is for --sweep workers=… (the command is started once per count, with {workers} filled in)`);
  checkKnobsAgainstPlaceholders(specPlaceholders(spec), ['workers'], `stampede ${command}: --sweep workers=…`);
}

export function commandSweepStarter(spec: CommandTargetSpec, outDir: () => string): TargetStarter {
  return async (config, opts) => {
    const workers = String(config.workers);
    const t = await startCommandTarget({ ...spec, readyTimeoutMs: opts.readyTimeoutMs }, { knobs: { workers }, logFile: path.join(outDir(), `workers-${workers}`, 'target.log'), log: opts.log });
    return { url: t.url, adminToken: '', stop: t.stop, pids: () => [t.pid], ready: true };
  };
}
