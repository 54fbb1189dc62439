// A target configuration as the runner's users write it — `variant=async,cache=redis` on the
// command line, or an object in a matrix file — validated with the target app's own schema
// (target-app/launcher/config.ts), so the runner and the app can never disagree on a knob.
// Keys are accepted as the schema's names (paymentLatencyMs) or as the app's flags
// (payment-latency-ms); errors name the key as the user wrote it.
import { KNOBS, targetConfigSchema, type TargetConfig } from '../../target-app/launcher/config.ts';
import { StampedeError } from '../errors.ts';

export type KnobName = keyof TargetConfig;
export type ConfigValue = string | number | boolean;

const byFlag = new Map<string, KnobName>(Object.entries(KNOBS).map(([k, v]) => [v.flag, k as KnobName]));

/** The schema key of a knob given by schema name or flag name; null when unknown. */
export function knobOf(key: string): KnobName | null {
  if (Object.hasOwn(KNOBS, key)) return key as KnobName;
  return byFlag.get(key) ?? null;
}

/** The knobs a user may set (schema names), for error messages. */
export function knownKnobs(): string[] {
  return Object.keys(KNOBS);
}

/** `variant=async,cache=redis,pgbouncer` → { variant: 'async', cache: 'redis', pgbouncer: 'true' } (not yet validated). */
export function parseConfigPairs(raw: string, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = (eq < 0 ? item : item.slice(0, eq)).trim();
    const value = eq < 0 ? 'true' : item.slice(eq + 1).trim();
    if (key === '') throw new StampedeError('STAMPEDE_E_USAGE', `${where}: expected key=value pairs separated by commas, got ${JSON.stringify(item)}`);
    if (Object.hasOwn(out, key)) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${key} given twice`);
    out[key] = value;
  }
  if (Object.keys(out).length === 0) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: expected key=value pairs such as variant=async,cache=redis, got ${JSON.stringify(raw)}`);
  return out;
}

export interface ValidatedConfig {
  /** the knobs as given, under their schema names, values as strings (labels, result meta) */
  given: Record<string, string>;
  /** the full configuration the app will run with (defaults filled in) */
  config: TargetConfig;
}

/**
 * Validates knobs with the target app's schema. Throws STAMPEDE_E_CONFIG_INVALID (exit 2) whose
 * message starts with `<where>: <key>` — the key as the user wrote it — and says what was expected.
 */
export function validateTargetConfig(input: Record<string, ConfigValue>, where: string, keyName: (key: string) => string = (k) => k): ValidatedConfig {
  const given: Record<string, string> = {};
  const wroteAs = new Map<KnobName, string>();
  for (const [key, value] of Object.entries(input)) {
    const knob = knobOf(key);
    if (!knob) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${keyName(key)}: unknown target setting (known: ${knownKnobs().join(', ')})`);
    if (wroteAs.has(knob)) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${key}: the same setting as ${wroteAs.get(knob)}`);
    wroteAs.set(knob, key);
    given[knob] = String(value);
  }
  const parsed = targetConfigSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const knob = String(i.path[0] ?? '') as KnobName;
      const name = wroteAs.get(knob) ?? knob;
      return `${keyName(name)}: ${i.message} (got ${JSON.stringify(given[knob])})`;
    });
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${where}: ${lines[0] ?? 'invalid target configuration'}`, lines.slice(1));
  }
  return { given, config: parsed.data };
}

/** A short label of a configuration: `variant=sync,cache=none` (the knobs as given, in order). */
export function configLabel(given: Record<string, string>): string {
  const entries = Object.entries(given);
  return entries.length === 0 ? 'defaults' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}

/** The configuration as recorded in result.meta.targetConfig: every knob, secrets left out. */
export function recordedConfig(config: TargetConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined || k === 'adminToken') continue;
    out[k] = k === 'databaseUrl' || k === 'redisUrl' ? String(v).replace(/\/\/[^@/]*@/, '//***@') : String(v);
  }
  return out;
}
