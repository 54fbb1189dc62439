// The flags that describe a command target, shared by run, compare and capacity:
// --target-cmd, --ready, --ready-timeout, --cwd, --target-env K=V (repeatable), --reset,
// --invariants, --stop-grace. Validated here, before anything starts (exit 2 naming the flag).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import { checkProgram, DEFAULT_STOP_GRACE_MS, type CommandTargetSpec, hookUrl } from '../orchestrate/command-target.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import { keyValueFlags } from './args.ts';

export const COMMAND_TARGET_OPTIONS = {
  'target-cmd': { type: 'string' },
  ready: { type: 'string' },
  cwd: { type: 'string' },
  'target-env': { type: 'string', multiple: true },
  reset: { type: 'string' },
  invariants: { type: 'string' },
  'hook-header': { type: 'string', multiple: true },
  'stop-grace': { type: 'string' },
} as const;

export const COMMAND_TARGET_USAGE = `  --target-cmd 'CMD'   start your own service: a command line with {placeholders} (run without a shell;
                       quoting as in sh). {port} is a free port Stampede picks (the base URL is
                       http://127.0.0.1:{port}, given to the scenario as BASE / BASE_URL); every
                       other {name} is a knob (--knob on run, --matrix on compare). Its output goes
                       to target.log in the run's folder; it is stopped with SIGTERM to its whole
                       process group, SIGKILL after --stop-grace (default 5s)
  --ready PATH|URL     readiness check, any 2xx/3xx (default /); a full URL when CMD has no {port}
  --cwd DIR            working directory of the command
  --target-env K=V     environment for the command, placeholders allowed; repeatable
  --reset PATH|URL     POSTed after ready, before the run (2xx expected, else exit 3)
  --invariants PATH|URL
                       read after the run: JSON like the shop's /admin/invariants (sold, oversold, …)
  --hook-header 'Name: value'
                       a header sent with --reset and --invariants (an admin token), placeholders
                       allowed; repeatable
  --stop-grace D       SIGTERM → SIGKILL grace period when stopping it (default 5s)`;

type Values = { [K in keyof typeof COMMAND_TARGET_OPTIONS]?: (typeof COMMAND_TARGET_OPTIONS)[K] extends { multiple: true } ? string[] : string };

/** The spec given by the flags; null without --target-cmd (then the other command flags are refused). */
export function commandTargetFromFlags(command: string, values: Values, readyTimeoutMs: number): CommandTargetSpec | null {
  const cmd = values['target-cmd'];
  if (cmd === undefined) {
    for (const k of ['ready', 'cwd', 'target-env', 'reset', 'invariants', 'hook-header', 'stop-grace'] as const) {
      if (values[k] !== undefined) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --${k} needs --target-cmd`);
    }
    return null;
  }
  let cwd: string | null = null;
  if (values.cwd !== undefined) {
    if (values.cwd.trim() === '') throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --cwd: expected a directory, got an empty string`);
    cwd = path.resolve(values.cwd);
    if (!existsSync(cwd) || !statSync(cwd).isDirectory()) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --cwd: ${values.cwd}: no such directory`);
  }
  const env = keyValueFlags(command, 'target-env', values['target-env']);
  // syntax (quotes, operators) and the program, so a typo is caught before any configuration runs
  checkProgram({ cmd, env, cwd }, `stampede ${command}: --target-cmd`);
  const grace = values['stop-grace'] === undefined ? DEFAULT_STOP_GRACE_MS : tryParseDurationMs(values['stop-grace']);
  if (grace === undefined || grace < 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --stop-grace: expected a duration such as 5s, got ${JSON.stringify(values['stop-grace'])}`);
  // the hooks' form (a path, or an http(s) URL) checked now, before any configuration starts;
  // placeholders in them are filled in per configuration, so a form check uses a stand-in base
  for (const k of ['ready', 'reset', 'invariants'] as const) {
    const raw = values[k];
    if (raw !== undefined) hookUrl('http://127.0.0.1:1', raw, `stampede ${command}: --${k}`);
  }
  if (values['hook-header'] !== undefined && values.reset === undefined && values.invariants === undefined) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --hook-header is sent with --reset and --invariants, and neither is given`);
  }
  return {
    cmd,
    env,
    ready: values.ready ?? '/',
    readyTimeoutMs,
    cwd,
    stopGraceMs: grace,
    reset: values.reset ?? null,
    invariants: values.invariants ?? null,
    hookHeaders: hookHeaders(command, values['hook-header']),
  };
}

// RFC 9110 token characters for the name; a value may not hold CR, LF or NUL (no header injection)
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function hookHeaders(command: string, raw: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const h of raw ?? []) {
    const colon = h.indexOf(':');
    const name = colon > 0 ? h.slice(0, colon).trim() : '';
    const value = colon > 0 ? h.slice(colon + 1).trim() : '';
    if (!HEADER_NAME.test(name)) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --hook-header: expected 'Name: value' with a header name of letters, digits and -, got ${JSON.stringify(h)}`);
    if (/[\r\n\0]/.test(value)) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --hook-header ${name}: a value may not hold a line break or NUL`);
    out[name.toLowerCase()] = value;
  }
  return out;
}
