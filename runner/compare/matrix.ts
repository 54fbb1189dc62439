// --matrix: the configurations a comparison runs. Inline, axes separated by ';' and values by
// ',' — 'variant=sync,async;cache=none,redis' — whose cartesian product is taken; or a JSON
// file holding either a list of configurations, or { axes, base?, configurations? }:
//
//   [ { "variant": "sync" }, { "variant": "async", "cache": "redis" } ]
//   { "axes": { "variant": ["sync", "async"], "cache": ["none", "redis"] }, "base": { "stock": 200 } }
//
// Every configuration is validated with the target app's schema before anything runs; an
// error names the file or flag, the field (e.g. `axes.variant[1]`, `[2].cache`) and what
// was expected (exit 2).
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { formatPath } from '../result/validate.ts';
import { configLabel, knobOf, knownKnobs, validateTargetConfig, type ConfigValue } from '../orchestrate/target-config.ts';
import type { TargetConfig } from '../../target-app/launcher/config.ts';

export interface MatrixEntry {
  /** folder-safe, unique */
  id: string;
  label: string;
  given: Record<string, string>;
  config: TargetConfig;
}

const valueSchema = z.union([z.string(), z.number(), z.boolean()]);
const configObjectSchema = z.record(z.string(), valueSchema);
const matrixFileSchema = z.union([
  z.array(configObjectSchema).min(1, 'expected at least one configuration'),
  z
    .object({
      axes: z.record(z.string(), z.array(valueSchema).min(1, 'expected at least one value')).optional(),
      base: configObjectSchema.optional(),
      configurations: z.array(configObjectSchema).optional(),
    })
    .strict()
    .refine((m) => m.axes !== undefined || m.configurations !== undefined, 'expected "axes" or "configurations" (or a list of configurations)'),
]);

/** Cartesian product of axes, in the order written (the first axis varies slowest). */
export function cartesian(axes: Array<[string, ConfigValue[]]>): Array<Record<string, ConfigValue>> {
  let out: Array<Record<string, ConfigValue>> = [{}];
  for (const [key, values] of axes) out = out.flatMap((partial) => values.map((v) => ({ ...partial, [key]: v })));
  return out;
}

/** 'variant=sync,async;cache=none,redis' → axes. */
export function parseInlineAxes(raw: string, where: string): Array<[string, string[]]> {
  const axes: Array<[string, string[]]> = [];
  for (const part of raw.split(';')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    if (eq <= 0) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: expected key=value1,value2 axes separated by ';' (e.g. 'variant=sync,async;cache=none,redis'), got ${JSON.stringify(item)}`);
    const key = item.slice(0, eq).trim();
    const values = item
      .slice(eq + 1)
      .split(',')
      .map((v) => v.trim());
    if (values.some((v) => v === '')) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${key}: empty value in ${JSON.stringify(item)}`);
    if (axes.some(([k]) => k === key)) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${key}: axis given twice`);
    axes.push([key, values]);
  }
  if (axes.length === 0) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: expected at least one axis such as variant=sync,async`);
  return axes;
}

/** Validates each value of each axis on its own first, so the error points at the value itself. */
function checkAxes(axes: Array<[string, ConfigValue[]]>, where: string, pathOf: (key: string, i: number) => string): void {
  for (const [key, values] of axes) {
    if (!knobOf(key)) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${pathOf(key, -1)}: unknown target setting (known: ${knownKnobs().join(', ')})`);
    values.forEach((v, i) => validateTargetConfig({ [key]: v }, where, () => pathOf(key, i)));
  }
}

function slug(label: string): string {
  return label.replace(/[^A-Za-z0-9._=-]+/g, '_').replace(/=/g, '-').slice(0, 80) || 'defaults';
}

function entries(configs: Array<Record<string, ConfigValue>>, where: string, pathOf: (i: number) => string): MatrixEntry[] {
  const seen = new Set<string>();
  return configs.map((c, i) => {
    const { given, config } = validateTargetConfig(c, `${where}: ${pathOf(i)}`);
    const label = configLabel(given);
    let id = slug(label);
    for (let n = 2; seen.has(id); n++) id = `${slug(label)}-${n}`;
    seen.add(id);
    return { id, label, given, config };
  });
}

/** The configurations of an inline matrix. */
export function matrixFromInline(raw: string, where = '--matrix'): MatrixEntry[] {
  const axes = parseInlineAxes(raw, where);
  checkAxes(axes, where, (key) => key);
  return entries(cartesian(axes), where, (i) => `configuration ${i + 1}`);
}

/** The configurations of a matrix file (JSON). */
export function matrixFromFile(file: string): MatrixEntry[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: ${e instanceof SyntaxError ? `not valid JSON (${e.message})` : `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`}`);
  }
  const parsed = matrixFileSchema.safeParse(raw);
  if (!parsed.success) {
    // report the issue of the shape the file meant: a list, or an object
    const issues = parsed.error.issues.flatMap((i) => (i.code === 'invalid_union' ? (Array.isArray(raw) ? (i.errors[0] ?? []) : (i.errors[1] ?? [])) : [i]));
    const lines = issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${file}: ${lines[0] ?? 'invalid matrix'}`, lines.slice(1));
  }
  const m = parsed.data;
  if (Array.isArray(m)) return entries(m, file, (i) => `[${i}]`);
  // as --matrix '' is refused: an empty matrix would run one default configuration nobody asked for
  if (m.axes !== undefined && Object.keys(m.axes).length === 0) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${file}: axes: expected at least one axis such as {"variant": ["sync", "async"]}, got {}`);
  }
  if (m.configurations !== undefined && m.configurations.length === 0 && m.axes === undefined) {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${file}: configurations: expected at least one configuration such as {"variant": "sync"}, got []`);
  }
  const base = m.base ?? {};
  for (const [k, v] of Object.entries(base)) validateTargetConfig({ [k]: v }, `${file}: base`);
  const out: Array<Record<string, ConfigValue>> = [];
  const paths: string[] = [];
  if (m.axes) {
    const axes = Object.entries(m.axes);
    checkAxes(axes, file, (key, i) => (i < 0 ? `axes.${key}` : `axes.${key}[${i}]`));
    for (const c of cartesian(axes)) {
      out.push({ ...base, ...c });
      paths.push(`axes (${configLabel(Object.fromEntries(Object.entries(c).map(([k, v]) => [k, String(v)])))})`);
    }
  }
  (m.configurations ?? []).forEach((c, i) => {
    out.push({ ...base, ...c });
    paths.push(`configurations[${i}]`);
  });
  return entries(out, file, (i) => paths[i] ?? `[${i}]`);
}

/** --matrix: a JSON file when it names one (or ends in .json), otherwise inline axes. */
export function parseMatrix(raw: string): MatrixEntry[] {
  const looksLikeFile = raw.endsWith('.json') || (existsSync(raw) && !raw.includes('='));
  if (looksLikeFile) {
    if (!existsSync(raw)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `--matrix: ${raw}: no such file`);
    return matrixFromFile(raw);
  }
  return matrixFromInline(raw);
}
