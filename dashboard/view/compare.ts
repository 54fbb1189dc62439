// The compare page's view model: configurations side by side, from a ComparisonReport (a
// comparison.json with its runs' timelines, or runs picked on the dashboard). Framework-free:
// the React page, the report and the tests read this.
//
// Nothing here re-decides the comparison: ranks, winners and "real difference" verdicts are
// the document's (runner/compare/rank.ts computed them); the view only lays them out.
import type { ColumnKey, ComparisonConfiguration, Stat, Winner } from '../../runner/result/comparison-schema.ts';
import { COLUMNS } from '../../runner/compare/rank.ts';
import type { ComparisonReport, ConfigurationTimeline } from '../model/compare.ts';
import { formatCount, formatDurationMs, formatMs, formatPercent, formatRate } from './format.ts';
import { DURATION, LATENCY } from './labels.ts';
import { linearTicks, logTicks } from './scale.ts';

export type Mark = '*' | '~' | '?';

export const MARK_TEXT: Record<Mark, string> = {
  '*': 'real difference: the winner’s range over its repeats does not overlap the runner-up’s',
  '~': 'within noise: the winner’s range overlaps the runner-up’s',
  '?': 'untested: single runs, no run-to-run spread measured',
};

export interface CompareColumn {
  key: ColumnKey;
  /** header text; the latency columns name their definition in `group` */
  label: string;
  group: 'latency' | 'duration' | null;
  better: 'higher' | 'lower' | null;
  format(v: number): string;
}

const ms = (v: number) => formatMs(v);
const count = (v: number) => formatCount(v);

export const COMPARE_COLUMNS: CompareColumn[] = COLUMNS.map((c): CompareColumn => {
  const base = { key: c.key, better: c.better };
  switch (c.key) {
    case 'requestsPerSecond': return { ...base, label: 'achieved rate (req/s)', group: null, format: (v) => formatRate(v, '') };
    case 'latencyP50': return { ...base, label: 'p50', group: 'latency', format: ms };
    case 'latencyP99': return { ...base, label: 'p99', group: 'latency', format: ms };
    case 'durationP50': return { ...base, label: 'p50', group: 'duration', format: ms };
    case 'durationP99': return { ...base, label: 'p99', group: 'duration', format: ms };
    case 'errorRate': return { ...base, label: 'error rate', group: null, format: formatPercent };
    case 'sold': return { ...base, label: 'sold', group: null, format: count };
    case 'oversold': return { ...base, label: 'oversold', group: null, format: count };
    case 'checksFailed': return { ...base, label: 'checks failed', group: null, format: count };
    case 'thresholdsFailed': return { ...base, label: 'thresholds failed', group: null, format: count };
  }
});

export interface CompareCell {
  /** the median (or the single run's value), formatted; '—' when no run has it */
  text: string;
  /** 'min – max' over the repeats, when there are ≥ 2 and they differ */
  range: string | null;
  median: number | null;
  n: number;
  winner: boolean;
  /** the significance mark of a column winner */
  mark: Mark | null;
}

/** A link to one run's report: `href` as the page that shows the comparison resolves it. */
export interface RunLink {
  repeat: number;
  href: string;
  /** the thresholds this run failed ('metric: expression') */
  failed: string[];
}

/**
 * How a page links a run: comparison.html beside comparison.json links the report file
 * relatively; the dashboard links its own run page. Null: no link (the file is unknown).
 */
export type RunHref = (run: { resultFile: string | null; reportFile: string | null }) => string | null;

export interface CompareRow {
  id: string;
  /** the knobs that differ between the configurations (what sets this one apart) */
  label: string;
  /** every knob as given, for a tooltip */
  fullLabel: string;
  rank: number | null;
  /** index into the chart palette: the same colour in every chart */
  colorIndex: number;
  skipped: string | null;
  cells: Record<ColumnKey, CompareCell>;
  /** failed checks over the runs, and `of` the total */
  checks: { text: string; ok: boolean | null; of: string | null };
  thresholds: { text: string; ok: boolean | null; failed: string[] };
  /** each run's report, with what it failed */
  links: RunLink[];
  invariants: { text: string; ok: boolean | null };
  runs: string;
  /** failed runs, one line each */
  failures: string[];
}

export interface WinnerLine {
  column: string;
  winner: string | null;
  mark: Mark | null;
  verdict: string;
}

export interface BarDatum {
  id: string;
  label: string;
  colorIndex: number;
  value: number;
  /** [below, above] the median: the range over repeats, for error bars; null with one run */
  spread: [number, number] | null;
}

export interface OverlaySeries {
  key: string;
  label: string;
  colorIndex: number;
  note: string;
}

/** One configuration's cost to the target (Stampede started it and read /proc), in rank order. */
export interface CostRow {
  id: string;
  label: string;
  rank: number | null;
  colorIndex: number;
  /** medians over the configuration's runs; null when a run did not measure it */
  cpuSecondsPer1000Requests: number | null;
  requestsPerCoreSecond: number | null;
  peakRssMb: number | null;
  /** the lowest CPU-s per 1,000 requests / peak RSS / the most requests per core of the rows */
  best: { cpu: boolean; perCore: boolean; rss: boolean };
}

export interface CostView {
  /** what ranked the configurations: 'cost' (--rank cost) or 'latency' */
  rankBy: 'latency' | 'cost';
  rows: CostRow[];
  cpuBars: BarDatum[];
  rssBars: BarDatum[];
}

export interface CompareView {
  title: string;
  /** the target's cost per configuration; null when no configuration was measured from /proc */
  cost: CostView | null;
  /** label of the configuration ranked first */
  best: string | null;
  source: ComparisonReport['source'];
  repeats: number;
  partial: boolean;
  facts: Array<{ label: string; value: string }>;
  stats: Array<{ id: string; label: string; value: string; tone?: 'bad' | 'good' }>;
  columns: CompareColumn[];
  rows: CompareRow[];
  winners: WinnerLine[];
  bars: { latencyP99: BarDatum[]; durationP99: BarDatum[]; rate: BarDatum[]; latencyMax: number; rateAxis: { ticks: number[]; domain: [number, number] } };
  overlay: {
    series: OverlaySeries[];
    /** per t: `c<i>` = p99 latency of configuration i (ms), `r<i>` = its requests/s */
    points: Array<{ t: number } & Record<string, number | null>>;
    durationS: number;
    latencyAxis: { ticks: number[]; domain: [number, number] };
    rateAxis: { ticks: number[]; domain: [number, number] };
  };
  notes: string[];
  method: string;
}

function cellOf(col: CompareColumn, stat: Stat | undefined, winner: Winner | undefined, id: string, repeats: number): CompareCell {
  if (!stat) return { text: '—', range: null, median: null, n: 0, winner: false, mark: null };
  const isWinner = winner?.id === id;
  return {
    text: col.format(stat.median),
    range: repeats >= 2 && stat.n >= 2 && stat.min !== stat.max ? `${col.format(stat.min)} – ${col.format(stat.max)}` : null,
    median: stat.median,
    n: stat.n,
    winner: isWinner,
    mark: isWinner ? (winner?.real === true ? '*' : winner?.real === false ? '~' : '?') : null,
  };
}

function okSummaries(cfg: ComparisonConfiguration) {
  return cfg.runs.flatMap((r) => (r.status === 'ok' && r.summary ? [r.summary] : []));
}

function thresholdsOf(cfg: ComparisonConfiguration): CompareRow['thresholds'] {
  const s = okSummaries(cfg);
  // which thresholds failed, over the runs (older comparisons did not record it)
  const failed = [...new Set(s.flatMap((x) => x.failedThresholds ?? []))];
  if (s.length === 0) return { text: '—', ok: null, failed };
  const total = Math.max(...s.map((x) => x.thresholdsPassed + x.thresholdsFailed));
  if (total === 0) return { text: 'none defined', ok: null, failed };
  const passedRuns = s.filter((x) => x.thresholdsFailed === 0).length;
  if (s.length === 1) {
    const f = s[0]!.thresholdsFailed;
    return f === 0 ? { text: `passed: all ${total} met`, ok: true, failed } : { text: `failed: ${f} of ${total} not met`, ok: false, failed };
  }
  return { text: passedRuns === s.length ? `all ${total} met in all ${s.length} runs` : `failed in ${s.length - passedRuns} of ${s.length} runs`, ok: passedRuns === s.length, failed };
}

/**
 * Configuration names by the knobs that differ between them ('cache=redis,pool=20'), not every
 * knob a configuration had (a matrix with a base has many alike). Falls back to the label as
 * given when nothing differs or the names would collide.
 */
export function differingLabels(configs: ReadonlyArray<Pick<ComparisonConfiguration, 'label' | 'given'>>): string[] {
  const keys = [...new Set(configs.flatMap((c) => Object.keys(c.given)))];
  const valueOf = (c: Pick<ComparisonConfiguration, 'given'>, k: string) => (Object.hasOwn(c.given, k) ? c.given[k] : undefined);
  const differing = keys.filter((k) => new Set(configs.map((c) => valueOf(c, k) ?? '\x00')).size > 1);
  if (differing.length === 0) return configs.map((c) => c.label);
  const labels = configs.map((c) => differing.filter((k) => valueOf(c, k) !== undefined).map((k) => `${k}=${valueOf(c, k)}`).join(',') || 'defaults');
  return new Set(labels).size === labels.length ? labels : configs.map((c) => c.label);
}

/** A relative path to a file (never a scheme such as javascript:), '/'-separated and URL-encoded per segment. */
export function relativeHref(file: string | null): string | null {
  if (file === null || file === '' || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(file) || file.startsWith('/') || file.startsWith('\\')) return null;
  return file.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** comparison.html beside comparison.json: each run's report.html by its relative path. */
export const reportFileHref: RunHref = (r) => relativeHref(r.reportFile);

/** The dashboard: a run's page by its id (its folder under reports/out/: `base` + the result's folder). */
export function dashboardRunHref(base: string): RunHref {
  return (r) => {
    if (!r.resultFile) return null;
    const dir = r.resultFile.replace(/\\/g, '/').replace(/\/?result\.json$/, '');
    const id = [base, dir].filter(Boolean).join('/');
    return `#/run/${encodeURIComponent(id)}`;
  };
}

function linksOf(cfg: ComparisonConfiguration, runHref: RunHref | undefined): RunLink[] {
  if (!runHref) return [];
  return cfg.runs.flatMap((r) => {
    const href = runHref(r);
    return href === null ? [] : [{ repeat: r.repeat, href, failed: r.summary?.failedThresholds ?? [] }];
  });
}

function checksOf(cfg: ComparisonConfiguration): CompareRow['checks'] {
  const s = okSummaries(cfg);
  if (s.length === 0) return { text: '—', ok: null, of: null };
  const passed = s.reduce((a, x) => a + x.checksPassed, 0);
  const failed = s.reduce((a, x) => a + x.checksFailed, 0);
  if (passed + failed === 0) return { text: 'none made', ok: null, of: null };
  return { text: `${formatCount(failed)} failed`, ok: failed === 0, of: `of ${formatCount(passed + failed)}${s.length > 1 ? ` in ${s.length} runs` : ''}` };
}

function invariantsOf(cfg: ComparisonConfiguration): CompareRow['invariants'] {
  const oks = cfg.runs.map((r) => r.summary?.invariantChecksOk).filter((v): v is boolean => typeof v === 'boolean');
  if (oks.length === 0) return { text: '—', ok: null };
  const broken = oks.filter((v) => !v).length;
  const missing = Math.max(0, ...cfg.runs.map((r) => r.summary?.acceptedButMissing ?? 0));
  if (broken === 0) return { text: oks.length > 1 ? `held in all ${oks.length} runs` : 'held', ok: true };
  return { text: `BROKEN in ${broken} of ${oks.length} run(s)${missing > 0 ? `, up to ${formatCount(missing)} accepted order(s) missing` : ''}`, ok: false };
}

const medianOf = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The cost table and bars: every configuration that ran, in rank order; null when none has a cost. */
function costView(c: ComparisonReport['comparison'], rows: CompareRow[], byId: Map<string, ComparisonConfiguration>): CostView | null {
  const measured = rows.flatMap((r) => {
    const cfg = byId.get(r.id);
    if (!cfg || r.skipped) return [];
    const perCore = medianOf(okSummaries(cfg).flatMap((x) => (typeof x.requestsPerTargetCoreSecond === 'number' ? [x.requestsPerTargetCoreSecond] : [])));
    const cpu = cfg.stats?.targetCpuSecondsPer1000Requests?.median ?? null;
    const rss = cfg.stats?.targetPeakRssMb?.median ?? null;
    return [{ id: r.id, label: r.label, rank: r.rank, colorIndex: r.colorIndex, cpuSecondsPer1000Requests: cpu, requestsPerCoreSecond: perCore, peakRssMb: rss, spreads: { cpu: spread(cfg.stats?.targetCpuSecondsPer1000Requests), rss: spread(cfg.stats?.targetPeakRssMb) } }];
  });
  if (!measured.some((m) => m.cpuSecondsPer1000Requests !== null || m.peakRssMb !== null)) return null;
  const best = (xs: Array<number | null>, lower: boolean) => {
    const vs = xs.filter((x): x is number => x !== null);
    return vs.length < 2 ? null : lower ? Math.min(...vs) : Math.max(...vs);
  };
  const bestCpu = best(measured.map((m) => m.cpuSecondsPer1000Requests), true);
  const bestPerCore = best(measured.map((m) => m.requestsPerCoreSecond), false);
  const bestRss = best(measured.map((m) => m.peakRssMb), true);
  const bars = (pick: (m: (typeof measured)[number]) => number | null, sp: (m: (typeof measured)[number]) => [number, number] | null): BarDatum[] =>
    measured.flatMap((m) => {
      const v = pick(m);
      return v === null ? [] : [{ id: m.id, label: m.label, colorIndex: m.colorIndex, value: v, spread: sp(m) }];
    });
  return {
    rankBy: c.meta.rankBy ?? 'latency',
    rows: measured.map(({ spreads: _s, ...m }) => ({
      ...m,
      best: { cpu: bestCpu !== null && m.cpuSecondsPer1000Requests === bestCpu, perCore: bestPerCore !== null && m.requestsPerCoreSecond === bestPerCore, rss: bestRss !== null && m.peakRssMb === bestRss },
    })),
    cpuBars: bars((m) => m.cpuSecondsPer1000Requests, (m) => m.spreads.cpu),
    rssBars: bars((m) => m.peakRssMb, (m) => m.spreads.rss),
  };
}

function spread(stat: Stat | undefined): [number, number] | null {
  if (!stat || stat.n < 2 || stat.min === stat.max) return null;
  return [stat.median - stat.min, stat.max - stat.median];
}

function timelineNote(tl: ConfigurationTimeline): string {
  return tl.of > 1 ? `run ${tl.repeat} (the median of ${tl.of} by p99 latency)` : `run ${tl.repeat}`;
}

export function buildCompareView(report: ComparisonReport, runHref?: RunHref): CompareView {
  const c = report.comparison;
  const shortLabels = report.source === 'comparison' ? differingLabels(c.configurations) : c.configurations.map((x) => x.label);
  const labelById = new Map(c.configurations.map((cfg, i) => [cfg.id, shortLabels[i] ?? cfg.label]));
  const repeats = c.meta.repeat;
  const colorOf = new Map(c.configurations.map((cfg, i) => [cfg.id, i]));
  const byId = new Map(c.configurations.map((x) => [x.id, x]));
  const ordered = [...c.ranking.flatMap((id) => byId.get(id) ?? []), ...c.configurations.filter((x) => !c.ranking.includes(x.id))];
  const winnerOf = (key: ColumnKey) => c.winners.find((w) => w.column === key);

  const rows: CompareRow[] = ordered.map((cfg) => {
    const cells = Object.fromEntries(COMPARE_COLUMNS.map((col) => [col.key, cellOf(col, cfg.stats?.[col.key], winnerOf(col.key), cfg.id, repeats)])) as Record<ColumnKey, CompareCell>;
    const ok = cfg.runs.filter((r) => r.status === 'ok').length;
    return {
      id: cfg.id,
      label: labelById.get(cfg.id) ?? cfg.label,
      fullLabel: cfg.label,
      rank: cfg.rank,
      colorIndex: colorOf.get(cfg.id) ?? 0,
      skipped: cfg.status === 'skipped' ? (cfg.skipReason ?? 'skipped') : !cfg.stats ? 'no successful run' : null,
      cells,
      checks: checksOf(cfg),
      thresholds: thresholdsOf(cfg),
      links: linksOf(cfg, runHref),
      invariants: invariantsOf(cfg),
      runs: cfg.runs.length === 0 ? 'not run' : `${ok} of ${cfg.runs.length}`,
      failures: cfg.runs.filter((r) => r.status === 'failed').map((r) => `run ${r.repeat} failed: ${r.error ?? `exit ${r.exitCode}`}`),
    };
  });

  const labelOf = (id: string | null) => (id === null ? null : (labelById.get(id) ?? id));
  const winners: WinnerLine[] = COMPARE_COLUMNS.filter((col) => col.better).map((col) => {
    const w = winnerOf(col.key);
    const name = col.group ? `${col.label} ${col.group === 'latency' ? LATENCY.short : DURATION.short}` : col.label;
    if (!w || w.id === null) return { column: name, winner: null, mark: null, verdict: 'no winner: a tie, or no configuration has it' };
    const mark: Mark = w.real === true ? '*' : w.real === false ? '~' : '?';
    return { column: name, winner: labelOf(w.id), mark, verdict: MARK_TEXT[mark] };
  });

  const ranked = rows.filter((r) => !r.skipped);
  const bar = (key: ColumnKey): BarDatum[] =>
    ranked.flatMap((r) => {
      const st = byId.get(r.id)?.stats?.[key];
      return st ? [{ id: r.id, label: r.label, colorIndex: r.colorIndex, value: st.median, spread: spread(st) }] : [];
    });
  const latencyP99 = bar('latencyP99');
  const durationP99 = bar('durationP99');
  const rate = bar('requestsPerSecond');
  const latencyMax = Math.max(1, ...[...latencyP99, ...durationP99].map((b) => b.value + (b.spread?.[1] ?? 0)));

  // the overlay: one series per configuration that has a timeline, in the configurations' order
  const timelines = c.configurations.flatMap((cfg) => {
    const tl = report.timelines.find((x) => x.configurationId === cfg.id);
    return tl ? [{ cfg, tl }] : [];
  });
  const byT = new Map<number, { t: number } & Record<string, number | null>>();
  for (const { cfg, tl } of timelines) {
    const i = colorOf.get(cfg.id) ?? 0;
    for (const p of tl.points) {
      const row: { t: number } & Record<string, number | null> = byT.get(p.t) ?? { t: p.t };
      row[`c${i}`] = p.latencyP99;
      row[`r${i}`] = p.requests;
      byT.set(p.t, row);
    }
  }
  const points = [...byT.values()].sort((a, b) => a.t - b.t);
  const p99s = timelines.flatMap(({ tl }) => tl.points.map((p) => p.latencyP99)).filter((v): v is number => v !== null && v > 0);
  const rates = timelines.flatMap(({ tl }) => tl.points.map((p) => p.requests));
  const lastT = points.at(-1)?.t ?? 0;
  const notes = [...report.notes];
  for (const cfg of c.configurations) {
    if (cfg.status === 'ran' && cfg.stats && !timelines.some((x) => x.cfg.id === cfg.id) && !report.notes.some((n) => n.includes(cfg.label))) notes.push(`${cfg.label}: no timeline (its result.json was not available)`);
  }

  const ran = c.configurations.filter((x) => x.status === 'ran');
  const skipped = c.configurations.length - ran.length;
  const best = c.ranking[0] ? byId.get(c.ranking[0]) : undefined;
  const bestLabel = best ? (labelById.get(best.id) ?? best.label) : null;
  const totalRuns = c.configurations.reduce((a, x) => a + x.runs.length, 0);
  const failedRuns = c.configurations.reduce((a, x) => a + x.runs.filter((r) => r.status === 'failed').length, 0);
  const m = c.meta;
  const duration = Date.parse(m.endTime) - Date.parse(m.startTime);
  return {
    title: m.scenarioName,
    cost: costView(c, rows, byId),
    best: bestLabel,
    source: report.source,
    repeats,
    partial: m.partial,
    facts: [
      ...(report.source === 'comparison' ? [{ label: 'scenario file', value: m.scenarioFile }, { label: 'matrix', value: m.matrix }] : [{ label: 'compared', value: m.matrix }]),
      { label: 'repeats', value: repeats > 1 ? `${repeats} runs per configuration (median and range shown)` : '1 run per configuration (no spread measured)' },
      ...(report.source === 'comparison' ? [{ label: 'cool-down', value: formatDurationMs(m.cooldownMs) }] : []),
      { label: 'started', value: m.startTime },
      ...(Number.isFinite(duration) && duration > 0 && report.source === 'comparison' ? [{ label: 'took', value: formatDurationMs(duration) }] : []),
      ...(Object.keys(m.env).length ? [{ label: 'env', value: Object.entries(m.env).map(([k, v]) => `${k}=${v}`).join(', ') }] : []),
      { label: 'generator', value: `${m.tool.name} ${m.tool.version}, node ${m.node}, ${m.cpus} × ${m.cpuModel}` },
    ],
    stats: [
      { id: 'configurations', label: skipped ? `configurations ran (${skipped} skipped)` : 'configurations', value: skipped ? `${ran.length} of ${c.configurations.length}` : String(ran.length), ...(skipped ? { tone: 'bad' as const } : {}) },
      { id: 'runs', label: 'runs', value: failedRuns ? `${totalRuns - failedRuns} ok, ${failedRuns} failed` : String(totalRuns), ...(failedRuns ? { tone: 'bad' as const } : {}) },
    ],
    columns: COMPARE_COLUMNS,
    rows,
    winners,
    bars: { latencyP99, durationP99, rate, latencyMax, rateAxis: linearTicks(Math.max(1, ...rate.map((b) => b.value + (b.spread?.[1] ?? 0)))) },
    overlay: {
      series: timelines.map(({ cfg, tl }) => ({ key: `c${colorOf.get(cfg.id) ?? 0}`, label: labelById.get(cfg.id) ?? cfg.label, colorIndex: colorOf.get(cfg.id) ?? 0, note: timelineNote(tl) })),
      points,
      durationS: Math.max(1, Math.ceil(lastT) + 1),
      latencyAxis: logTicks(p99s.length ? Math.min(...p99s) : 1, p99s.length ? Math.max(...p99s) : 10),
      rateAxis: linearTicks(Math.max(1, ...rates)),
    },
    notes,
    method: c.method,
  };
}
