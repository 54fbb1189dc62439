// The history page of a scenario (dashboard): p50, p99 and the request rate over its runs, oldest
// first, with the change points found on p99 marked and each point linking to that run's report.
// Pure: the server's history rows in, chart series out.

/** One run as /api/history/<scenario> sends it. */
export interface HistoryRow {
  id: string;
  startedAt: string;
  verdict: string;
  gitCommit: string | null;
  target: string | null;
  p50: number | null;
  p99: number | null;
  rate: number | null;
  /** the run's id under the dashboard's runs folder; null when its result.json is elsewhere */
  reportId: string | null;
}

export interface ScenarioHistory {
  scenario: string;
  /** oldest first */
  runs: HistoryRow[];
  /** index into `runs` of the first run after each change point (E-Divisive on p99) */
  changes: number[];
}

export interface HistoryPoint {
  /** position of the run, 0 = oldest */
  x: number;
  runId: string;
  startedAt: string;
  value: number | null;
  verdict: string;
  /** the dashboard's page of the run's report, or null when the run is not under its runs folder */
  href: string | null;
  /** a change point lies between this run and the one before */
  changeBefore: boolean;
}

export interface HistoryChange {
  /** where the mark sits on the x axis: halfway between the runs either side */
  x: number;
  runBefore: string;
  runAfter: string;
  /** p99 median before and after, ms (null when a side has no p99) */
  before: number | null;
  after: number | null;
}

export interface HistorySeries {
  key: 'p50' | 'p99' | 'rate';
  title: string;
  unit: string;
  points: HistoryPoint[];
}

export interface HistoryPageView {
  scenario: string;
  runs: number;
  series: HistorySeries[];
  changes: HistoryChange[];
  /** newest first, for the table under the charts */
  table: Array<{ runId: string; startedAt: string; commit: string; target: string; verdict: string; href: string | null }>;
}

export const runHref = (reportId: string) => `#/run/${encodeURIComponent(reportId)}`;

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const SERIES = [
  ['p50', 'http_req_latency p50', 'ms'],
  ['p99', 'http_req_latency p99', 'ms'],
  ['rate', 'request rate', '/s'],
] as const;

export function historyView(h: ScenarioHistory): HistoryPageView {
  // a change index outside (0, n) would mark nothing; one given twice marks once
  const cuts = [...new Set(h.changes)].filter((i) => Number.isInteger(i) && i > 0 && i < h.runs.length).sort((a, b) => a - b);
  const marked = new Set(cuts);
  const p99s = h.runs.map((r) => r.p99);
  const segment = (from: number, to: number) => median(p99s.slice(from, to).filter((v): v is number => v !== null && Number.isFinite(v)));
  const bounds = [0, ...cuts, h.runs.length];
  const changes = cuts.map((i, k) => ({
    x: i - 0.5,
    runBefore: h.runs[i - 1]!.id,
    runAfter: h.runs[i]!.id,
    before: segment(bounds[k] as number, i),
    after: segment(i, bounds[k + 2] as number),
  }));
  return {
    scenario: h.scenario,
    runs: h.runs.length,
    series: SERIES.map(([key, title, unit]) => ({
      key,
      title,
      unit,
      points: h.runs.map((r, x) => {
        const v = r[key];
        return { x, runId: r.id, startedAt: r.startedAt, value: v !== null && Number.isFinite(v) ? v : null, verdict: r.verdict, href: r.reportId === null ? null : runHref(r.reportId), changeBefore: marked.has(x) };
      }),
    })),
    changes,
    table: h.runs
      .map((r) => ({ runId: r.id, startedAt: r.startedAt, commit: r.gitCommit?.slice(0, 10) ?? '—', target: r.target ?? '—', verdict: r.verdict, href: r.reportId === null ? null : runHref(r.reportId) }))
      .reverse(),
  };
}

export const historyHash = (scenario: string) => `#/history/${encodeURIComponent(scenario)}`;

/** `#/history/<scenario>` → the scenario; null for any other hash. */
export function scenarioOfHistoryHash(hash: string): string | null {
  const m = /^#\/history\/(.+)$/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : null;
}
