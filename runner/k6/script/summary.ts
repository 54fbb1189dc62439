// A Stampede result in k6's end-of-test summary shapes (the two runner/k6/import-summary.ts reads):
// - handleSummary's `data`: metrics.<m> = { type, contains, values, thresholds: { expr: { ok } } },
//   root_group with groups and checks as arrays, options, state.testRunDurationMs;
// - `--summary-export`: metrics.<m> = the values themselves (a rate's `rate` as `value`),
//   thresholds { expr: true when it FAILED }, groups and checks as objects keyed by name.
// Sub-metrics of thresholds are included under their key ('http_req_duration{type:api}'), as k6
// does. http_req_latency (Stampede's) is included beside k6's metrics.
import { createHash } from 'node:crypto';
import type { MetricResult, RunResult } from '../../result/schema.ts';

interface Check {
  name: string;
  path: string;
  id: string;
  passes: number;
  fails: number;
}

interface Group {
  name: string;
  path: string;
  id: string;
  groups: Group[];
  checks: Check[];
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** k6's root group: checks merged over scenarios, nested by their group path. */
function rootGroup(result: RunResult): Group {
  const root: Group = { name: '', path: '', id: md5(''), groups: [], checks: [] };
  const groupAt = (names: string[]): Group => {
    let g = root;
    for (const name of names) {
      const path = `${g.path}::${name}`;
      let next = g.groups.find((x) => x.name === name);
      if (!next) {
        next = { name, path, id: md5(path), groups: [], checks: [] };
        g.groups.push(next);
      }
      g = next;
    }
    return g;
  };
  for (const c of result.checks) {
    const parts = c.path.split('::').slice(1, -1);
    const g = groupAt(parts);
    const existing = g.checks.find((x) => x.name === c.name);
    if (existing) {
      existing.passes += c.passes;
      existing.fails += c.fails;
    } else g.checks.push({ name: c.name, path: c.path, id: md5(c.path), passes: c.passes, fails: c.fails });
  }
  return root;
}

function values(m: MetricResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(m.values)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** handleSummary(data)'s `data`. */
export function summaryData(result: RunResult, setupData: unknown = undefined): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(result.metrics)) {
    const entry: Record<string, unknown> = { type: m.type, contains: m.contains, values: values(m) };
    if (m.thresholds) entry.thresholds = m.thresholds;
    metrics[name] = entry;
  }
  const options = result.options as { summaryTrendStats?: string[] };
  return {
    root_group: rootGroup(result),
    options: { summaryTrendStats: options.summaryTrendStats ?? ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'], summaryTimeUnit: '', noColor: false },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: result.meta.durationMs },
    metrics,
    setup_data: setupData,
  };
}

function exportGroup(g: Group): Record<string, unknown> {
  return {
    name: g.name,
    path: g.path,
    id: g.id,
    groups: Object.fromEntries(g.groups.map((x) => [x.name, exportGroup(x)])),
    checks: Object.fromEntries(g.checks.map((c) => [c.name, c])),
  };
}

/** `--summary-export FILE`'s document. */
export function summaryExport(result: RunResult): Record<string, unknown> {
  const metrics: Record<string, unknown> = {};
  for (const [name, m] of Object.entries(result.metrics)) {
    const v = values(m);
    if (m.type === 'rate') {
      v.value = v.rate ?? 0;
      delete v.rate;
    }
    const entry: Record<string, unknown> = { ...v };
    if (m.thresholds) entry.thresholds = Object.fromEntries(Object.entries(m.thresholds).map(([expr, t]) => [expr, !t.ok]));
    metrics[name] = entry;
  }
  return { root_group: exportGroup(rootGroup(result)), metrics };
}
