// Flag parsing shared by every command: node's parseArgs, with its errors turned into
// STAMPEDE_E_USAGE messages that name the command and the flag (exit code 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { StampedeError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs<O extends Options> {
  values: { [K in keyof O]?: O[K] extends { type: 'boolean' } ? (O[K] extends { multiple: true } ? boolean[] : boolean) : O[K] extends { multiple: true } ? string[] : string };
  positionals: string[];
}

/**
 * `--threads -1` → `--threads=-1`: node's parseArgs refuses a value that starts with a dash as
 * "ambiguous"; for a string flag followed by a negative number the user meant the number, and
 * the flag's own check then says what is expected.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const next = argv[i + 1];
    const name = a.startsWith('--') ? a.slice(2) : undefined;
    const short = !name && /^-[A-Za-z]$/.test(a) ? Object.entries(options).find(([, o]) => o.short === a.slice(1))?.[0] : undefined;
    const flag = name ?? short;
    if (flag !== undefined && options[flag]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity)/.test(next)) {
      out.push(`--${flag}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

export function parseCommandArgs<O extends Options>(command: string, argv: string[], options: O, usage: string): ParsedArgs<O> & { help: boolean } {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    const { help, ...rest } = values as Record<string, unknown>;
    return { values: rest as ParsedArgs<O>['values'], positionals, help: help === true };
  } catch (e) {
    // node's parseArgs words some errors over several lines: one line here, the usage is a --help away
    const message = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: ${message}`, usage === '' ? [] : usageHint(command));
  }
}

/** The detail under a usage error: where the options are, rather than all of them. */
export function usageHint(command: string): string[] {
  return [`(\`stampede ${command} --help\` lists the options)`];
}

/** A flag's numeric value, validated: names the flag and what was expected when wrong. */
export function numberFlag(command: string, flag: string, raw: string | undefined, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const { min, max, integer } = opts;
  const bad = raw.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (max !== undefined && n > max);
  if (bad) {
    const want = [integer ? 'an integer' : 'a number', min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' ');
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --${flag}: expected ${want}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

/** Parses repeated `K=V` flags (e.g. --env) into a record; names the flag on a malformed pair. */
export function keyValueFlags(command: string, flag: string, raw: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of raw ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --${flag}: expected K=V, got ${JSON.stringify(pair)}`);
    out[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return out;
}
