// `{name}` placeholders in a command target's command line, --target-env values and --ready URL.
// `{port}` is Stampede's (a free port it chose); every other name is a knob whose value comes
// from the matrix (or --knob on `stampede run`). Expansion is plain text substitution inside
// tokens that were already split into argv words (see command-line.ts), so a value is never
// re-read by a shell: `{name}` = `a b; rm -rf x` stays one argument, verbatim.
import { StampedeError } from '../errors.ts';

/** `{name}` where name is a letter then letters, digits, `_` or `-`. `{{` and `}}` are literal braces. */
const PLACEHOLDER = /\{\{|\}\}|\{([A-Za-z][A-Za-z0-9_-]*)\}/g;

export const PORT = 'port';

/** The placeholder names used in `text`, in order of first use. */
export function placeholdersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER)) {
    const name = m[1];
    if (name !== undefined && !out.includes(name)) out.push(name);
  }
  return out;
}

/** Replaces every `{name}`; a name without a value is an input error naming it and `where`. */
export function expandPlaceholders(text: string, values: Readonly<Record<string, string>>, where: string): string {
  return text.replace(PLACEHOLDER, (whole, name: string | undefined) => {
    if (name === undefined) return whole[0] as string;
    const v = values[name];
    if (v === undefined) {
      const known = Object.keys(values);
      throw new StampedeError('STAMPEDE_E_USAGE', `${where}: placeholder {${name}} has no value (give it in the matrix, e.g. --matrix '${name}=1,2'${known.length ? `; values given: ${known.join(', ')}` : ''})`);
    }
    return v;
  });
}

/**
 * The knobs of a configuration checked against the placeholders its command uses: a knob the
 * command never uses, or a placeholder (other than {port}) without a value, is an input error
 * naming both.
 */
export function checkKnobsAgainstPlaceholders(used: readonly string[], knobs: readonly string[], where: string, command = '--target-cmd'): void {
  const wanted = used.filter((n) => n !== PORT);
  for (const k of knobs) {
    if (k === PORT) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: knob "port" is Stampede's own placeholder (a free port it picks); name the knob differently`);
    if (!wanted.includes(k)) {
      throw new StampedeError('STAMPEDE_E_USAGE', `${where}: knob "${k}" is not used by the command (${command}; its placeholders: ${wanted.length ? wanted.map((n) => `{${n}}`).join(', ') : 'none besides {port}'})`);
    }
  }
  for (const n of wanted) {
    if (!knobs.includes(n)) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: placeholder {${n}} of ${command} has no value (knobs given: ${knobs.length ? knobs.join(', ') : 'none'}; e.g. --matrix '${n}=1,2')`);
  }
}
