// The regression gate of `stampede run --baseline R --fail-on 'p(99)+10%,rate-5%'`: each rule
// names a statistic and the worst change tolerated; the run fails (exit 99) when the change is
// beyond the tolerance with confidence — the one-sided bound of its interval is past it — not
// merely when the point estimate is.
import { StampedeError } from '../errors.ts';
import { ALL_REQUESTS } from './seconds-data.ts';
import { boundAt, type DiffReport, type DiffRow } from './diff.ts';
import type { StatKey } from './bootstrap.ts';

export interface GateRule {
  source: string;
  metric: StatKey['metric'];
  stat: string;
  /** the request name the rule applies to (default: all requests) */
  name: string;
  /** '+': an increase is the regression; '-': a decrease is */
  direction: '+' | '-';
  tolerance: number;
  unit: '%' | 'ms' | 'pp';
}

export interface GateRow {
  rule: GateRule;
  row: DiffRow | null;
  /** the bound of the change on the regression side, in the rule's unit */
  bound: number | null;
  failed: boolean;
  message: string;
}

const METRICS = ['http_req_latency', 'http_req_duration'] as const;

/**
 * Rules, comma-separated: `[metric.]stat(+|-)N[%|ms]` with stat p(N), med, rate (requests/s) or
 * errors (the failed share; N in percentage points), e.g. `p(99)+10%`, `http_req_duration.p(95)+5ms`,
 * `rate-5%`, `errors+1%`. A `{name:...}` after the metric limits a rule to one request name.
 */
export function parseFailOn(text: string, where = 'stampede run: --fail-on'): GateRule[] {
  const rules: GateRule[] = [];
  for (const raw of text.split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(?:(http_req_latency|http_req_duration)(?:\{name:([^}]*)\})?\.)?(p\((\d+(?:\.\d+)?)\)|med|rate|errors)([+-])(\d+(?:\.\d+)?)(%|ms)?$/.exec(raw);
    if (!m) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)}: expected a rule such as p(99)+10%, http_req_duration.p(95)+5ms, rate-5% or errors+1%`);
    const [, metricName, name, statText, pText, sign, amount, unitText] = m;
    const tolerance = Number(amount);
    let metric: StatKey['metric'];
    let stat: string;
    let unit: GateRule['unit'];
    if (statText === 'rate' || statText === 'errors') {
      if (metricName) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)}: ${statText} is of the requests, not of ${metricName}`);
      metric = statText === 'rate' ? 'http_reqs' : 'http_req_failed';
      stat = 'rate';
      if (unitText === 'ms') throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)}: ${statText} takes %, not ms`);
      unit = statText === 'errors' ? 'pp' : '%';
    } else {
      metric = (metricName as (typeof METRICS)[number] | undefined) ?? 'http_req_latency';
      const p = statText === 'med' ? 50 : Number(pText);
      if (!(p > 0 && p < 100)) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)}: a percentile between 0 and 100 expected`);
      stat = `p(${p})`;
      unit = unitText === 'ms' ? 'ms' : '%';
    }
    if (!unitText && unit !== 'pp') throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(raw)}: give the tolerance a unit (% or ms)`);
    rules.push({ source: raw, metric, stat, name: name ?? ALL_REQUESTS, direction: sign as '+' | '-', tolerance, unit });
  }
  if (rules.length === 0) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: at least one rule expected, such as p(99)+10%`);
  return rules;
}

/** The percentiles the rules need computed. */
export function rulePercentiles(rules: readonly GateRule[]): number[] {
  return rules.filter((r) => r.stat.startsWith('p(')).map((r) => Number(r.stat.slice(2, -1)));
}

/**
 * Evaluates each rule at `confidence`, one-sided, split over the rules (Bonferroni): a rule
 * fails when even the optimistic bound of the change is beyond its tolerance.
 */
export function evaluateGate(report: DiffReport, rules: readonly GateRule[], confidence = report.confidence): GateRow[] {
  const alpha = (1 - confidence) / Math.max(1, rules.length);
  return rules.map((rule) => {
    const row = report.rows.find((r) => r.name === rule.name && r.metric === rule.metric && r.stat === rule.stat) ?? null;
    if (!row || !row.test || row.a === null) return { rule, row, bound: null, failed: false, message: row ? 'not tested: too little data in a run' : `not tested: no ${rule.name} ${rule.metric} ${rule.stat} in both runs` };
    // the bound nearest to "no regression": for '+', the lower bound of the increase
    const q = rule.direction === '+' ? alpha : 1 - alpha;
    const b = boundAt(row, q) as number;
    // in the rule's unit: % of the baseline, ms, or percentage points
    let bound: number;
    if (rule.unit === '%') bound = row.interval === 'relative' ? b * 100 : Number.NaN;
    else if (rule.unit === 'pp') bound = b * 100;
    else bound = row.interval === 'relative' ? b * row.a : b;
    const beyond = rule.direction === '+' ? bound > rule.tolerance : bound < -rule.tolerance;
    const unit = rule.unit === 'pp' ? ' pp' : rule.unit === 'ms' ? ' ms' : '%';
    const side = rule.direction === '+' ? 'at least' : 'at most';
    return { rule, row, bound, failed: beyond, message: `${beyond ? 'regression' : 'ok'}: change ${side} ${bound >= 0 ? '+' : ''}${bound.toFixed(2)}${unit} at ${(confidence * 100).toFixed(0)} % confidence (tolerance ${rule.direction}${rule.tolerance}${unit})` };
  });
}
