// A command target's command line → argv, without a shell. Decision: the line is split into
// words with shell-quote (maintained, and the same quoting rules as sh: '…', "…", \ , $VAR),
// and {placeholders} are then filled in word by word (placeholders.ts). Running it through
// `/bin/sh -c` with shell-quoted values would work too, but then the PID we hold is the
// shell's and every value would have to survive a second round of parsing; with argv the
// PID is the server's own (signals, /proc, exit codes are its), and a knob value can never
// turn into shell syntax. Pipes, redirections, `&&`, globs and comments are therefore refused
// with a hint: write `sh -c '…'` explicitly if that is what is meant.
import { parse } from 'shell-quote';
import { StampedeError } from '../errors.ts';
import { expandPlaceholders } from './placeholders.ts';

/** Splits `line` into words; `$NAME` is taken from `env` (as a shell would, empty when unset). */
export function splitCommandLine(line: string, env: Readonly<Record<string, string | undefined>>, where: string): string[] {
  const words: string[] = [];
  for (const entry of parse(line, (name: string) => env[name] ?? '')) {
    if (typeof entry === 'string') {
      words.push(entry);
      continue;
    }
    const what = 'op' in entry ? (entry.op === 'glob' ? `glob ${(entry as { pattern: string }).pattern}` : `operator ${entry.op}`) : 'comment';
    throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${what} in ${JSON.stringify(line)}: the command is run without a shell; for shell syntax write sh -c '…' yourself`);
  }
  if (words.length === 0 || words[0] === '') throw new StampedeError('STAMPEDE_E_USAGE', `${where}: empty command line`);
  return words;
}

/** The argv of a command line with every {placeholder} filled in. */
export function commandArgv(line: string, values: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>, where: string): string[] {
  return splitCommandLine(line, env, where).map((w) => expandPlaceholders(w, values, where));
}
