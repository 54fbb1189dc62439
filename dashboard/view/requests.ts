// The per-request-name table: one row per `name` tag, from the result's `tagged` entries.
// When the runner splits a name further (by status, method, ...) the parts are combined
// exactly: counters add, rates add their passes/fails, trends merge their HDR histograms.
// Percentiles are never averaged; without histograms a split name shows "—".
import { mergedPercentiles } from '../model/histogram.ts';
import type { RunResult, TaggedMetric } from '../../runner/result/schema.ts';

export interface RequestRow {
  name: string;
  methods: string[];
  scenarios: string[];
  requests: number;
  failed: number | null;
  errorRate: number | null;
  /** http_req_latency (from the intended start), ms */
  latency: { p50: number | null; p90: number | null; p99: number | null };
  /** http_req_duration (from the actual send), ms */
  duration: { p50: number | null; p90: number | null; p99: number | null };
}

const PCTS = [50, 90, 99] as const;

function trendPercentiles(entries: TaggedMetric[]): RequestRow['latency'] & { count: number } {
  const none = { p50: null, p90: null, p99: null, count: 0 };
  if (entries.length === 0) return none;
  if (entries.length === 1) {
    const v = entries[0]!.values;
    return { p50: v['p(50)'] ?? v.med ?? null, p90: v['p(90)'] ?? null, p99: v['p(99)'] ?? null, count: v.count ?? 0 };
  }
  const count = entries.reduce((a, e) => a + (e.values.count ?? 0), 0);
  const b64s = entries.map((e) => e.histogram);
  if (b64s.some((b) => b === undefined)) return { ...none, count };
  const m = mergedPercentiles(b64s as string[], PCTS);
  return { p50: m.values[0] ?? null, p90: m.values[1] ?? null, p99: m.values[2] ?? null, count: m.count };
}

export function requestTable(result: RunResult): RequestRow[] {
  const byName = new Map<string, TaggedMetric[]>();
  for (const e of result.tagged) {
    if (!Object.hasOwn(e.tags, 'name')) continue;
    const name = e.tags.name ?? '';
    const list = byName.get(name) ?? [];
    list.push(e);
    byName.set(name, list);
  }
  const rows: RequestRow[] = [];
  for (const [name, entries] of byName) {
    const of = (metric: string) => entries.filter((e) => e.metric === metric);
    const lat = trendPercentiles(of('http_req_latency'));
    const dur = trendPercentiles(of('http_req_duration'));
    const reqs = of('http_reqs');
    const failedEntries = of('http_req_failed');
    const requests = reqs.length > 0 ? reqs.reduce((a, e) => a + (e.values.count ?? 0), 0) : Math.max(lat.count, dur.count);
    // k6's rate metric: `passes` counts true values, i.e. failed requests for http_req_failed
    const failed = failedEntries.length > 0 ? failedEntries.reduce((a, e) => a + (e.values.passes ?? 0), 0) : null;
    const failTotal = failedEntries.reduce((a, e) => a + (e.values.passes ?? 0) + (e.values.fails ?? 0), 0);
    const uniq = (key: string) => [...new Set(entries.map((e) => e.tags[key]).filter((v): v is string => v !== undefined))].sort();
    rows.push({
      name,
      methods: uniq('method'),
      scenarios: uniq('scenario'),
      requests,
      failed,
      errorRate: failed === null || failTotal === 0 ? null : failed / failTotal,
      latency: { p50: lat.p50, p90: lat.p90, p99: lat.p99 },
      duration: { p50: dur.p50, p90: dur.p90, p99: dur.p99 },
    });
  }
  return rows.sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
}
