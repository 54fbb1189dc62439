// k6 threshold syntax (metrics/thresholds_parser.go, metrics/metric.go ParseMetricName):
//   thresholds: { '<metric>{tag:value,...}': ['p(95)<200', { threshold, abortOnFail, delayAbortEval }] }
// An expression is `<aggregation> <operator> <number>` with optional spaces between the tokens;
// aggregations: avg min med max p(N) count rate value; operators: < <= > >= == === !=.
import { StampedeError } from '../errors.ts';
import { showValue, tryParseDurationMs } from '../time/duration.ts';
import type { ThresholdDef } from './types.ts';
import { AGGREGATIONS_BY_TYPE, BUILTIN_METRICS, supportsAggregation } from './metrics.ts';

export type ThresholdOperator = ThresholdDef['operator'];

export interface ThresholdExpression {
  /** 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' | 'p(N)' with N as written by %g */
  aggregation: string;
  percentile?: number;
  operator: ThresholdOperator;
  value: number;
}

/** One problem found in threshold definitions: where (`thresholds["key"][i]`) and what. */
export interface ThresholdIssue {
  path: string;
  message: string;
}

const EXPRESSION_HINT = 'an expression "<aggregation> <operator> <number>" such as "p(95)<200" or "rate<0.01"';
// the longer operators first, as k6's scanner does
const OPERATORS: readonly ThresholdOperator[] = ['<=', '<', '>=', '>', '===', '==', '!='];
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SIMPLE_AGGREGATIONS = new Set(['avg', 'min', 'max', 'med', 'count', 'rate', 'value']);
// k6 metrics/registry.go: metric names
const METRIC_NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

/** Parses 'p(99)<200' into its parts; throws an Error saying what was expected. */
export function parseThresholdExpression(source: string): ThresholdExpression {
  let operator: ThresholdOperator | undefined;
  let at = -1;
  for (const op of OPERATORS) {
    at = source.indexOf(op);
    if (at >= 0) {
      operator = op;
      break;
    }
  }
  if (operator === undefined) throw new Error(`expected ${EXPRESSION_HINT}, got ${showValue(source)} (no operator)`);
  const left = source.slice(0, at).trim();
  const right = source.slice(at + operator.length).trim();

  let aggregation: string;
  let percentile: number | undefined;
  if (SIMPLE_AGGREGATIONS.has(left)) {
    aggregation = left;
  } else if (left.startsWith('p(') && left.endsWith(')')) {
    const inner = left.slice(2, -1);
    const p = Number(inner);
    if (!NUMBER.test(inner) || p < 0 || p > 100) {
      throw new Error(`expected a percentile p(N) with N between 0 and 100, got ${showValue(left)} in ${showValue(source)}`);
    }
    percentile = p;
    aggregation = `p(${p})`;
  } else {
    throw new Error(
      `expected an aggregation (avg, min, med, max, p(N), count, rate or value) before "${operator}", got ${showValue(left)} in ${showValue(source)}`,
    );
  }
  if (!NUMBER.test(right)) {
    throw new Error(`expected a number after "${operator}", got ${showValue(right)} in ${showValue(source)}`);
  }
  const out: ThresholdExpression = { aggregation, operator, value: Number(right) };
  if (percentile !== undefined) out.percentile = percentile;
  return out;
}

/** Splits 'http_req_duration{name:GET /products/:id,method:GET}' into the metric and its tag filter. */
export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  const close = key.lastIndexOf('}');
  if (open < 0 && close < 0) return { metric: checkedName(key.trim(), key), tags: {} };
  if (open < 0 || close < 0 || close < open || close !== key.length - 1) {
    throw new Error(`expected "metric" or "metric{tag:value,...}" with one closing "}" at the end, got ${showValue(key)}`);
  }
  const metric = checkedName(key.slice(0, open).trim(), key);
  const inside = key.slice(open + 1, close).trim();
  if (inside === '') throw new Error(`expected at least one tag:value inside {}, got ${showValue(key)}`);
  const tags: Record<string, string> = {};
  for (const part of inside.split(',')) {
    if (part.trim() === '') continue;
    const colon = part.indexOf(':');
    if (colon < 0 || part.slice(colon + 1) === '') {
      throw new Error(`expected tag filters as {tag:value,...}, got ${showValue(part.trim())} in ${showValue(key)}`);
    }
    // k6 trims spaces and quotes around keys and values
    const k = unquote(part.slice(0, colon));
    const v = unquote(part.slice(colon + 1));
    tags[k] = v;
  }
  return { metric, tags };
}

function unquote(s: string): string {
  return s.trim().replace(/^["']+|["']+$/g, '');
}

function checkedName(name: string, key: string): string {
  if (!METRIC_NAME.test(name)) {
    throw new Error(`expected a metric name (letters, digits, "._ !?/&#()<>%-", at most 128), got ${showValue(name)} in ${showValue(key)}`);
  }
  return name;
}

/** `thresholds["key"]`: the path of a threshold key in messages (keys are not identifiers). */
export function thresholdPath(key: string, index?: number, field?: string): string {
  let p = `thresholds[${JSON.stringify(key)}]`;
  if (index !== undefined) p += `[${index}]`;
  if (field !== undefined) p += `.${field}`;
  return p;
}

const OBJECT_KEYS = new Set(['threshold', 'abortOnFail', 'delayAbortEval']);

/**
 * Parses a whole `thresholds` option, collecting every problem instead of stopping at the first.
 * `unknownMetrics: 'error'` (a scenario's own options) refuses a threshold on a metric Stampede
 * does not record, as k6 does at the end of its init phase ("invalid threshold defined on X;
 * reason: no metric name "X" found"); 'note' (imported k6 results, whose custom metrics are real)
 * accepts it with a note. `declared`: metrics the scenario itself creates (a k6 script's
 * `new Trend('name')` at init), known like the built-in ones.
 */
export function collectThresholds(raw: unknown, opts: { unknownMetrics?: 'error' | 'note'; declared?: ReadonlySet<string> } = {}): { defs: ThresholdDef[]; issues: ThresholdIssue[]; notes: string[] } {
  const defs: ThresholdDef[] = [];
  const issues: ThresholdIssue[] = [];
  const notes: string[] = [];
  if (raw === undefined) return { defs, issues, notes };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ path: 'thresholds', message: `expected an object { "<metric>": ["<expression>", ...] }, got ${showValue(raw)}` });
    return { defs, issues, notes };
  }
  for (const [key, list] of Object.entries(raw)) {
    let parsedKey: { metric: string; tags: Record<string, string> };
    try {
      parsedKey = parseMetricKey(key);
    } catch (e) {
      issues.push({ path: thresholdPath(key), message: (e as Error).message });
      continue;
    }
    const type = Object.hasOwn(BUILTIN_METRICS, parsedKey.metric) ? BUILTIN_METRICS[parsedKey.metric] : undefined;
    const declared = opts.declared?.has(parsedKey.metric) === true;
    if (type === undefined && !declared && opts.unknownMetrics === 'error') {
      issues.push({
        path: thresholdPath(key),
        message: `invalid threshold defined on ${parsedKey.metric}; reason: no metric name "${parsedKey.metric}" found (as k6; Stampede records ${Object.keys(BUILTIN_METRICS).join(', ')})`,
      });
      continue;
    }
    if (type === undefined && !declared) {
      notes.push(
        `${thresholdPath(key)}: "${parsedKey.metric}" is not a metric Stampede records; the threshold passes unless the scenario records samples under that name`,
      );
    }
    if (!Array.isArray(list)) {
      issues.push({ path: thresholdPath(key), message: `expected an array of threshold expressions such as ["p(95)<200"], got ${showValue(list)}` });
      continue;
    }
    list.forEach((entry: unknown, i: number) => {
      const def = parseEntry(key, parsedKey, entry, i, issues);
      if (def === undefined) return;
      if (type !== undefined && !supportsAggregation(type, def.aggregation)) {
        issues.push({
          path: thresholdPath(key, i),
          message: `"${def.aggregation}" does not apply to ${parsedKey.metric}, a ${type} metric: expected one of ${AGGREGATIONS_BY_TYPE[type].join(', ')}, got ${showValue(def.source)}`,
        });
        return;
      }
      defs.push(def);
    });
  }
  return { defs, issues, notes };
}

function parseEntry(
  key: string,
  parsedKey: { metric: string; tags: Record<string, string> },
  entry: unknown,
  i: number,
  issues: ThresholdIssue[],
): ThresholdDef | undefined {
  let source: unknown = entry;
  let abortOnFail = false;
  let delayAbortEvalMs = 0;
  let sourcePath = thresholdPath(key, i);
  if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) {
    const obj = entry as Record<string, unknown>;
    let bad = false;
    for (const k of Object.keys(obj)) {
      if (!OBJECT_KEYS.has(k)) {
        issues.push({ path: thresholdPath(key, i, k), message: 'unknown key: a threshold object has threshold, abortOnFail and delayAbortEval' });
        bad = true;
      }
    }
    source = obj.threshold;
    sourcePath = thresholdPath(key, i, 'threshold');
    if (obj.abortOnFail !== undefined) {
      if (typeof obj.abortOnFail !== 'boolean') {
        issues.push({ path: thresholdPath(key, i, 'abortOnFail'), message: `expected true or false, got ${showValue(obj.abortOnFail)}` });
        bad = true;
      } else abortOnFail = obj.abortOnFail;
    }
    if (obj.delayAbortEval !== undefined) {
      const ms = tryParseDurationMs(obj.delayAbortEval);
      if (ms === undefined || ms < 0) {
        issues.push({
          path: thresholdPath(key, i, 'delayAbortEval'),
          message: `expected a duration such as "10s" or a number of ms, not negative, got ${showValue(obj.delayAbortEval)}`,
        });
        bad = true;
      } else delayAbortEvalMs = ms;
    }
    if (bad && typeof source !== 'string') return undefined;
    if (typeof source !== 'string') {
      issues.push({ path: sourcePath, message: `expected ${EXPRESSION_HINT}, ${source === undefined ? 'but it is missing' : `got ${showValue(source)}`}` });
      return undefined;
    }
    if (bad) return undefined;
  } else if (typeof source !== 'string') {
    issues.push({
      path: sourcePath,
      message: `expected ${EXPRESSION_HINT} or { threshold, abortOnFail, delayAbortEval }, got ${showValue(source)}`,
    });
    return undefined;
  }
  try {
    const expr = parseThresholdExpression(source);
    const def: ThresholdDef = {
      key,
      metric: parsedKey.metric,
      tags: parsedKey.tags,
      source,
      aggregation: expr.aggregation,
      operator: expr.operator,
      value: expr.value,
      abortOnFail,
      delayAbortEvalMs,
    };
    if (expr.percentile !== undefined) def.percentile = expr.percentile;
    return def;
  } catch (e) {
    issues.push({ path: sourcePath, message: (e as Error).message });
    return undefined;
  }
}

/**
 * Parses k6 `thresholds`; throws STAMPEDE_E_THRESHOLD_INVALID naming `where` (a file or a flag),
 * the key, the index and what was expected. Notes (e.g. a metric Stampede does not record) are
 * appended to `notes` when given.
 */
export function parseThresholds(raw: unknown, file: string, notes?: string[]): ThresholdDef[] {
  const result = collectThresholds(raw);
  notes?.push(...result.notes);
  const lines = result.issues.map((i) => `${i.path}: ${i.message}`);
  if (lines.length > 0) throw new StampedeError('STAMPEDE_E_THRESHOLD_INVALID', `${file}: ${lines[0]}`, lines.slice(1));
  return result.defs;
}
