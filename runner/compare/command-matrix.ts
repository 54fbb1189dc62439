// --matrix for command targets: the configurations are knob values for the placeholders of
// --target-cmd — inline axes 'workers=1,2;delay=0,20' (cartesian product, as for the shop) —
// or a JSON file whose entries may each name their own program, so one comparison can hold
// our Node shop, a Python shop and the user's service side by side:
//
//   [ { "name": "node-2", "cmd": "node app.js --port {port} -w {workers}", "knobs": { "workers": 2 } },
//     { "name": "py", "cmd": "gunicorn -b 127.0.0.1:{port} app:app", "env": { "X": "1" }, "ready": "/healthz" } ]
//   { "axes": { "workers": [1, 2] } }          (with --target-cmd)
//
// Each entry's knobs are checked against its command's placeholders before anything starts:
// a knob the command never uses, or a placeholder without a value, is exit 2 naming both.
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { formatPath } from '../result/validate.ts';
import { checkProgram, specPlaceholders, type CommandTargetSpec } from '../orchestrate/command-target.ts';
import { checkKnobsAgainstPlaceholders } from '../orchestrate/placeholders.ts';
import { cartesian, parseInlineAxes, type MatrixEntry } from './matrix.ts';

/** One configuration of a comparison of command targets (beside the shop's MatrixEntry). */
export interface CommandMatrixEntry {
  id: string;
  label: string;
  given: Record<string, string>;
  config: null;
  command: { spec: CommandTargetSpec; knobs: Record<string, string> };
}

/** What a comparison runs: the shop's configurations or command targets. */
export type ComparisonEntry = (MatrixEntry & { command?: undefined }) | CommandMatrixEntry;

const scalar = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const entrySchema = z
  .object({
    name: z.string().min(1).optional(),
    cmd: z.string().min(1).optional(),
    env: z.record(z.string(), scalar).optional(),
    knobs: z.record(z.string(), scalar).optional(),
    ready: z.string().min(1).optional(),
    cwd: z.string().optional(),
  })
  .strict();
const fileSchema = z.union([z.array(entrySchema).min(1, 'expected at least one configuration'), z.object({ axes: z.record(z.string(), z.array(scalar).min(1, 'expected at least one value')) }).strict()]);

/** true when `raw` names a JSON matrix file of command configurations (entries with "cmd"). */
export function isCommandMatrixFile(raw: string): boolean {
  if (!raw.endsWith('.json') || !existsSync(raw)) return false;
  try {
    const j: unknown = JSON.parse(readFileSync(raw, 'utf8'));
    return Array.isArray(j) && j.some((e) => typeof e === 'object' && e !== null && 'cmd' in e);
  } catch {
    return false;
  }
}

function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/=/g, '-').slice(0, 80) || 'default';
}

function entry(spec: CommandTargetSpec, knobs: Record<string, string>, name: string | undefined, where: string, seen: Set<string>): CommandMatrixEntry {
  checkProgram(spec, `${where}: cmd`);
  checkKnobsAgainstPlaceholders(specPlaceholders(spec), Object.keys(knobs), where, where === '--matrix' || where.endsWith(': axes') ? '--target-cmd' : 'its "cmd"');
  const label = name ?? (Object.entries(knobs).map(([k, v]) => `${k}=${v}`).join(',') || 'default');
  let id = slug(label);
  for (let n = 2; seen.has(id); n++) id = `${slug(label)}-${n}`;
  seen.add(id);
  return { id, label, given: knobs, config: null, command: { spec, knobs } };
}

/** The configurations of a comparison of command targets; `base` is --target-cmd and its flags (null when the file gives every cmd). */
export function commandMatrix(raw: string, base: CommandTargetSpec | null, readyTimeoutMs: number): CommandMatrixEntry[] {
  const seen = new Set<string>();
  const needBase = (where: string): CommandTargetSpec => {
    if (!base) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: no "cmd" here and no --target-cmd given`);
    return base;
  };
  if (!raw.endsWith('.json')) {
    const spec = needBase('--matrix');
    const axes = parseInlineAxes(raw, '--matrix');
    return cartesian(axes).map((c) => entry(spec, Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])), undefined, '--matrix', seen));
  }
  if (!existsSync(raw)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `--matrix: ${raw}: no such file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(raw, 'utf8'));
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${raw}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => (i.code === 'invalid_union' ? (Array.isArray(json) ? (i.errors[0] ?? []) : (i.errors[1] ?? [])) : [i]));
    const lines = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${raw}: ${lines[0] ?? 'invalid matrix'}`, lines.slice(1));
  }
  const m = parsed.data;
  if (!Array.isArray(m)) {
    const spec = needBase(`${raw}: axes`);
    return cartesian(Object.entries(m.axes)).map((c) => entry(spec, Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])), undefined, `${raw}: axes`, seen));
  }
  return m.map((e, i) => {
    const where = `${raw}: [${i}]${e.name ? ` (${e.name})` : ''}`;
    const from = e.cmd === undefined ? needBase(where) : base;
    const spec: CommandTargetSpec = {
      cmd: e.cmd ?? from?.cmd ?? '',
      env: { ...(from?.env ?? {}), ...(e.env ?? {}) },
      ready: e.ready ?? from?.ready ?? '/',
      readyTimeoutMs: from?.readyTimeoutMs ?? readyTimeoutMs,
      cwd: e.cwd ?? from?.cwd ?? null,
      stopGraceMs: from?.stopGraceMs ?? 5000,
      reset: from?.reset ?? null,
      invariants: from?.invariants ?? null,
      hookHeaders: from?.hookHeaders ?? {},
    };
    return entry(spec, e.knobs ?? {}, e.name, where, seen);
  });
}
