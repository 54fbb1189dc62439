// Statistics over repeats, the winner of each column, whether a win is real, and the ranking.
//
// A difference is called real only when it is larger than the run-to-run spread: the winner's
// range (min–max over its repeats) must not overlap the runner-up's. With single runs there is
// no spread to compare against, so no difference is called real (verdict: untested). Ranges
// rather than a bootstrap because with 2–5 repeats a bootstrap interval of a median is little
// more than the range itself, and "the worst run of A beat the best run of B" is a claim a
// reader can check in the table.
import type { ColumnKey, ComparisonConfiguration, RunSummary, Stat, Winner } from '../result/comparison-schema.ts';

/** the target-cost columns (COST_COLUMNS); every other key is a ranked column */
type CostKey = 'targetCpuSecondsPer1000Requests' | 'targetPeakRssMb';

export interface Column<K extends ColumnKey = ColumnKey> {
  key: K;
  label: string;
  /** which way is better; null: shown, not ranked (e.g. units sold depends on the stock) */
  better: 'higher' | 'lower' | null;
  format(v: number): string;
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} s` : v >= 10 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
const int = (v: number) => String(Math.round(v));

export const COLUMNS: Array<Column<Exclude<ColumnKey, CostKey>>> = [
  { key: 'requestsPerSecond', label: 'req/s', better: 'higher', format: (v) => v.toFixed(1) },
  { key: 'latencyP50', label: 'latency p50', better: 'lower', format: ms },
  { key: 'latencyP99', label: 'latency p99', better: 'lower', format: ms },
  { key: 'durationP50', label: 'duration p50', better: 'lower', format: ms },
  { key: 'durationP99', label: 'duration p99', better: 'lower', format: ms },
  { key: 'errorRate', label: 'errors', better: 'lower', format: (v) => `${(v * 100).toFixed(2)} %` },
  { key: 'sold', label: 'sold', better: null, format: int },
  { key: 'oversold', label: 'oversold', better: 'lower', format: int },
  { key: 'checksFailed', label: 'checks ✗', better: 'lower', format: int },
  { key: 'thresholdsFailed', label: 'thresholds ✗', better: 'lower', format: int },
];

/**
 * The target's cost, when Stampede started it (from /proc): stats per configuration, used by
 * --rank cost, but no entry in `winners` and not in the default rank order. Kept apart from
 * COLUMNS so views that map every column or winner (the dashboard) are unaffected; the
 * terminal table shows them when a configuration has them.
 */
export const COST_COLUMNS: Array<Column<CostKey>> = [
  { key: 'targetCpuSecondsPer1000Requests', label: 'CPU-s/1k req', better: 'lower', format: (v) => v.toFixed(3) },
  { key: 'targetPeakRssMb', label: 'peak RSS', better: 'lower', format: (v) => `${v.toFixed(0)} MB` },
];

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
}

/** Median, min and max of each column over runs; a column no run has is left out. */
export function columnStats(runs: RunSummary[]): Partial<Record<ColumnKey, Stat>> {
  const out: Partial<Record<ColumnKey, Stat>> = {};
  for (const c of [...COLUMNS, ...COST_COLUMNS]) {
    const xs = runs.map((r) => r[c.key]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
    if (xs.length === 0) continue;
    out[c.key] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
  }
  return out;
}

/** The best median of each ranked column, and whether it beats the runner-up beyond the spread. */
export function columnWinners(configs: ComparisonConfiguration[]): Winner[] {
  const out: Winner[] = [];
  for (const c of COLUMNS) {
    if (!c.better) continue;
    const sign = c.better === 'higher' ? -1 : 1;
    const have = configs
      .flatMap((cfg) => {
        const s = cfg.stats?.[c.key];
        return s ? [{ id: cfg.id, s }] : [];
      })
      .sort((a, b) => sign * (a.s.median - b.s.median));
    const best = have[0];
    const second = have[1];
    if (!best) {
      out.push({ column: c.key, id: null, real: null });
      continue;
    }
    if (second && second.s.median === best.s.median) {
      out.push({ column: c.key, id: null, real: null }); // a tie (e.g. oversold 0 everywhere)
      continue;
    }
    let real: boolean | null = null;
    if (second && best.s.n >= 2 && second.s.n >= 2) {
      real = c.better === 'higher' ? best.s.min > second.s.max : best.s.max < second.s.min;
    }
    out.push({ column: c.key, id: best.id, real });
  }
  return out;
}

/**
 * Ranking of the configurations that ran: first those whose invariants held (no oversell, no
 * lost order, queue drained — a fast shop that loses orders does not survive the sale), then
 * fewer failed thresholds, then lower latency p99 (from the intended start: what users felt),
 * then higher throughput.
 */
export function rankConfigurations(configs: ComparisonConfiguration[], invariantsOk: (id: string) => boolean | null, by: 'latency' | 'cost' = 'latency'): string[] {
  const key = (c: ComparisonConfiguration) => [
    invariantsOk(c.id) === false ? 1 : 0,
    c.stats?.thresholdsFailed?.median ?? Infinity,
    // --rank cost: among those meeting the SLO (the scenario's thresholds), the cheapest first;
    // a configuration whose cost is unknown (not started by Stampede) comes after those measured
    ...(by === 'cost' ? [c.stats?.targetCpuSecondsPer1000Requests?.median ?? Infinity] : []),
    c.stats?.latencyP99?.median ?? Infinity,
    -(c.stats?.requestsPerSecond?.median ?? 0),
  ];
  return configs
    .filter((c) => c.status === 'ran' && c.stats)
    .map((c) => ({ id: c.id, k: key(c) }))
    .sort((a, b) => {
      for (let i = 0; i < a.k.length; i++) {
        const d = (a.k[i] ?? 0) - (b.k[i] ?? 0);
        if (d !== 0 && !Number.isNaN(d)) return d;
      }
      return 0;
    })
    .map((x) => x.id);
}

/** The method text with --rank cost. */
export const COST_METHOD_PREFIX =
  'Rank (--rank cost): configurations whose invariants held first, then fewer failed thresholds (the SLO), then the target’s lower CPU-seconds per 1,000 requests (from /proc), then lower latency p99, then higher req/s. ';

export const METHOD =
  'Rank: configurations whose invariants held first, then fewer failed thresholds, then lower latency p99 (from the intended start), then higher req/s. ' +
  'Cells show the median over repeats and, with repeats, the range (min–max). A column winner is marked * when its range does not overlap the runner-up’s ' +
  '(a real difference: larger than the run-to-run spread), ~ when the ranges overlap (within noise), ? with single runs (no spread measured: untested). ' +
  'req/s = requests answered per second (achieved rate); errors = failed requests (http_req_failed: no answer, or a status the scenario did not expect — the shop scenarios expect 409 sold out and 402 declined).';
