// The capacity view model: a CapacityDocument (what `stampede capacity` writes) turned into
// what the capacity page draws — the latency-vs-throughput curve with the SLO and the answer,
// the probes in order, the answer with its precision, the instances and the HPA simulation
// for a peak, and a sweep's measured points with the fitted USL curve. Framework-free.
// Rates are iterations (journeys) per second, as the user gives --peak; the requests per second
// they cause are shown beside them from the requests per iteration the probes measured.
import type { CapacityDocument, CapacityProbe, LatencySummary, ProbeVerdict } from '../../runner/result/capacity-schema.ts';
import { uslThroughput } from '../../runner/capacity/usl.ts';
import { fmt } from '../../runner/capacity/usl-format.ts';
import { formatCount, formatDurationMs, formatMs, formatPercent, formatRate } from './format.ts';

/** A rate in iterations/s in a sentence or a stat, with its unit spelled out. */
export const formatIterations = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : formatRate(v, ' iterations/s'));
const formatRequests = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '—' : formatRate(v, ' requests/s'));
const perIteration = (n: number) => `${+n.toFixed(2)} request${n === 1 ? '' : 's'} per iteration`;
import { linearTicks, logTicks } from './scale.ts';
import type { Stat } from './summary.ts';

export const VERDICT_TEXT: Record<ProbeVerdict, string> = { pass: 'pass', fail: 'FAIL', 'generator-limited': 'generator-limited' };

/** One point of the latency-vs-throughput curve (both definitions, ms; null when nothing completed). */
export interface CurvePoint {
  rate: number;
  probe: number;
  verdict: ProbeVerdict;
  latencyP50: number | null;
  latencyP90: number | null;
  latencyP99: number | null;
  durationP50: number | null;
  durationP90: number | null;
  durationP99: number | null;
}

/** Every probe as a marker at (rate, latency p99), coloured by its verdict. */
export interface ProbeMarker {
  rate: number;
  probe: number;
  verdict: ProbeVerdict;
  latencyP99: number | null;
}

export interface SloLine {
  /** the expression as the user wrote it, e.g. p(99)<200 */
  source: string;
  /** the statistic it bounds: p99, p50, avg, med, max … */
  stat: string;
  boundMs: number;
}

export interface CurveView {
  points: CurvePoint[];
  markers: ProbeMarker[];
  slo: SloLine[];
  /** SLO expressions that could not be drawn as a line (not a latency bound in ms) */
  sloNotDrawn: string[];
  /** the answer (MST) and the bracket the search ended with */
  knee: { mst: number; label: string; lower: number | null; upper: number | null } | null;
  x: { ticks: number[]; domain: [number, number] };
  y: { ticks: number[]; domain: [number, number] };
}

export interface ProbeRow {
  index: number;
  phase: CapacityProbe['phase'];
  rate: string;
  /** requests/s completed in the window (throughput × requests per iteration) */
  requests: string;
  verdict: ProbeVerdict;
  verdictText: string;
  retryOf: number | null;
  latencyP50: string;
  latencyP90: string;
  latencyP99: string;
  durationP99: string;
  errors: string;
  achieved: string;
  throughput: string;
  dropped: string;
  duration: string;
  reasons: string[];
  littlesLaw: 'ok' | 'off' | null;
}

export interface AnswerView {
  status: string;
  statusText: string;
  ok: boolean;
  headline: string;
  mst: string;
  /** the requests/s the MST causes, e.g. '240 requests/s at 6 requests per iteration'; null when not measured */
  requests: string | null;
  bracket: string;
  precision: string;
  precisionMet: boolean | null;
  searchTime: string;
  message: string;
}

export interface HpaPoint {
  t: number;
  offered: number;
  capacity: number;
  ready: number;
  replicas: number;
  /** seconds; null when no pod was ready (unbounded) */
  queueingDelayS: number | null;
}

export interface PeakView {
  peak: string;
  headroom: string;
  instances: string;
  formula: string;
  hpa: {
    profile: string;
    params: Array<{ label: string; value: string }>;
    verdict: string;
    autoscalingSuffices: boolean;
    preScaleReplicas: number;
    preScale: string;
    facts: Array<{ label: string; value: string }>;
    points: HpaPoint[];
    durationS: number;
    rateAxis: { ticks: number[]; domain: [number, number] };
    podAxis: { ticks: number[]; domain: [number, number] };
    delayAxis: { ticks: number[]; domain: [number, number] };
    /** seconds with no ready pod while requests arrived (delay unbounded, drawn as a gap) */
    unboundedSeconds: number;
  } | null;
}

export interface SweepRow {
  n: number;
  /** the closed model's VUs (older documents: unknown) */
  vus: string;
  /** mean load-generator CPU over the window, % of one core */
  generatorCpu: string;
  /** workers sweep: warm-up after the start until throughput settled */
  settle: string;
  throughput: string;
  fitted: string;
  residual: string;
  latencyP99: string;
  errors: string;
  generatorSaturated: boolean;
  duration: string;
}

export interface SweepView {
  kind: 'vus' | 'workers';
  unit: string;
  /** how each point was measured (closed model, VUs, window); null in older documents */
  method: string | null;
  /** workers sweep: the target configuration started for each count, `k=v` pairs */
  targetConfig: string | null;
  measured: Array<{ n: number; throughput: number }>;
  /** the fitted X(N), sampled finely over the plotted range */
  curve: Array<{ n: number; fitted: number }>;
  rows: SweepRow[];
  params: Array<{ id: string; label: string; value: string; raw: number | null }>;
  peakN: number | null;
  notes: string[];
  error: string | null;
  x: { ticks: number[]; domain: [number, number] };
  y: { ticks: number[]; domain: [number, number] };
}

export interface CapacityView {
  title: string;
  exec: string;
  slo: string;
  stats: Stat[];
  facts: Array<{ label: string; value: string }>;
  answer: AnswerView | null;
  curve: CurveView | null;
  probes: ProbeRow[];
  peak: PeakView | null;
  sweep: SweepView | null;
  warnings: string[];
}

const SLO_RE = /^\s*(p\((\d+(?:\.\d+)?)\)|avg|med|min|max)\s*<=?\s*(\d+(?:\.\d+)?)\s*$/;

/** `p(99)<200` → a line at 200 ms labelled p99; anything else is listed as not drawn. */
export function sloLines(expressions: readonly string[]): { lines: SloLine[]; notDrawn: string[] } {
  const lines: SloLine[] = [];
  const notDrawn: string[] = [];
  for (const source of expressions) {
    const m = SLO_RE.exec(source);
    if (!m) notDrawn.push(source);
    else lines.push({ source, stat: m[2] !== undefined ? `p${m[2]}` : m[1]!, boundMs: Number(m[3]) });
  }
  return { lines, notDrawn };
}

const pick = (l: LatencySummary | null, k: 'p50' | 'p90' | 'p99'): number | null => (l && l.count > 0 ? l[k] : null);

/**
 * The curve: at each offered rate, the last probe run there that says something about the
 * target (generator-limited probes do not; they are markers only). A rate probed twice (a
 * confirmation, a retry) shows its other runs as markers, so the spread stays visible.
 */
export function capacityCurve(doc: CapacityDocument): CurveView | null {
  if (doc.probes.length === 0) return null;
  const byRate = new Map<number, CapacityProbe>();
  for (const p of doc.probes) if (p.verdict !== 'generator-limited') byRate.set(p.rate, p);
  const points: CurvePoint[] = [...byRate.values()]
    .sort((a, b) => a.rate - b.rate)
    .map((p) => ({
      rate: p.rate,
      probe: p.index,
      verdict: p.verdict,
      latencyP50: pick(p.latency, 'p50'),
      latencyP90: pick(p.latency, 'p90'),
      latencyP99: pick(p.latency, 'p99'),
      durationP50: pick(p.duration, 'p50'),
      durationP90: pick(p.duration, 'p90'),
      durationP99: pick(p.duration, 'p99'),
    }));
  const markers: ProbeMarker[] = doc.probes.map((p) => ({ rate: p.rate, probe: p.index, verdict: p.verdict, latencyP99: pick(p.latency, 'p99') }));
  const { lines, notDrawn } = sloLines(doc.slo.latency);
  const values = [
    ...points.flatMap((p) => [p.latencyP50, p.latencyP90, p.latencyP99, p.durationP50, p.durationP90, p.durationP99]),
    ...markers.map((m) => m.latencyP99),
    ...lines.map((l) => l.boundMs),
  ].filter((v): v is number => v !== null && v > 0);
  const y = values.length ? logTicks(Math.min(...values), Math.max(...values)) : logTicks(1, 1000);
  const a = doc.answer;
  const maxRate = Math.max(...doc.probes.map((p) => p.rate), a?.upperBound ?? 0);
  return {
    points,
    markers,
    slo: lines,
    sloNotDrawn: notDrawn,
    knee: a && a.mst !== null ? { mst: a.mst, label: `MST ${formatRate(a.mst, ' it/s')}`, lower: a.lowerBound, upper: a.upperBound } : null,
    x: linearTicks(maxRate * 1.05),
    y,
  };
}

export function probeRows(doc: CapacityDocument): ProbeRow[] {
  return doc.probes.map((p) => ({
    index: p.index,
    phase: p.phase,
    rate: formatRate(p.rate),
    requests: p.iterations > 0 ? formatRate((p.throughput * p.requests) / p.iterations) : '—',
    verdict: p.verdict,
    verdictText: VERDICT_TEXT[p.verdict],
    retryOf: p.retryOf,
    latencyP50: formatMs(pick(p.latency, 'p50')),
    latencyP90: formatMs(pick(p.latency, 'p90')),
    latencyP99: formatMs(pick(p.latency, 'p99')),
    durationP99: formatMs(pick(p.duration, 'p99')),
    errors: formatPercent(p.errorRate),
    // one decimal: a ratio a little over 100 % (a second's completions from the warm-up) is noise, not news
    achieved: p.achievedRatio === null ? '—' : `${(p.achievedRatio * 100).toFixed(1)} %`,
    throughput: formatRate(p.throughput),
    dropped: formatCount(p.dropped),
    duration: formatDurationMs(p.durationMs),
    reasons: p.reasons,
    littlesLaw: p.littlesLaw === null ? null : p.littlesLaw.ok ? 'ok' : 'off',
  }));
}

const STATUS_TEXT: Record<NonNullable<CapacityDocument['answer']>['status'], string> = {
  converged: 'converged to the precision asked',
  'generator-limited': 'generator-limited: the load generator, not the target, was the limit',
  'max-rate': 'passed at the highest rate allowed: the target may take more',
  'below-min-rate': 'failed even at the lowest rate tried',
  'max-probes': 'stopped at the probe budget before reaching the precision asked',
};

export function answerView(doc: CapacityDocument): AnswerView | null {
  const a = doc.answer;
  if (!a) return null;
  const pct = (x: number) => `±${(x * 100).toFixed(1)} %`;
  const mst = formatIterations(a.mst);
  const headline =
    a.mst === null
      ? a.status === 'generator-limited'
        ? 'No MST: the load generator was the limit before any rate passed'
        : 'No sustainable rate found'
      : a.status === 'converged'
        ? `MST ≈ ${mst}`
        : a.status === 'generator-limited'
          ? `MST ≥ ${mst} (generator-limited)`
          : `MST ≥ ${mst}`;
  return {
    status: a.status,
    statusText: STATUS_TEXT[a.status],
    ok: a.status === 'converged',
    headline,
    mst,
    requests: a.mstRequestsPerSecond != null && a.requestsPerIteration != null ? `${formatRequests(a.mstRequestsPerSecond)} at ${perIteration(a.requestsPerIteration)}` : null,
    bracket:
      a.lowerBound !== null && a.upperBound !== null
        ? `passes at ${formatIterations(a.lowerBound)}, fails at ${formatIterations(a.upperBound)}`
        : a.lowerBound !== null
          ? `passes at ${formatIterations(a.lowerBound)}; no failing rate found`
          : a.upperBound !== null
            ? `fails at ${formatIterations(a.upperBound)}; no passing rate found`
            : '—',
    precision: a.precision === null ? `— (asked ${pct(a.precisionTarget)})` : `${pct(a.precision)} (asked ${pct(a.precisionTarget)})`,
    precisionMet: a.precision === null ? null : a.precision <= a.precisionTarget + 1e-9,
    searchTime: formatDurationMs(a.searchMs),
    message: a.message,
  };
}

/** The peak in iterations/s, and as given when the user gave it in requests/s. */
function peakText(p: NonNullable<CapacityDocument['peak']>): string {
  if (p.given?.unit !== 'requests/s') return formatIterations(p.peak);
  if (p.instances === null && p.requestsPerIteration == null) return `${formatRequests(p.given.value)} (not converted: no requests per iteration measured)`;
  return `${formatIterations(p.peak)} (given as ${formatRequests(p.given.value)})`;
}

export function peakView(doc: CapacityDocument): PeakView | null {
  const p = doc.peak;
  if (!p) return null;
  const h = p.hpa;
  let hpa: PeakView['hpa'] = null;
  if (h) {
    const s = h.summary;
    const points: HpaPoint[] = h.series.map((x) => ({
      t: x.t,
      offered: x.offered,
      capacity: x.capacity,
      ready: x.ready,
      replicas: x.replicas,
      queueingDelayS: x.queueingDelayMs === null ? null : x.queueingDelayMs / 1000,
    }));
    const maxPods = Math.max(s.preScale.replicas, ...points.map((x) => Math.max(x.replicas, x.ready)));
    const maxDelay = Math.max(0, ...points.map((x) => x.queueingDelayS ?? 0));
    hpa = {
      profile:
        h.profileSource === 'scenario'
          ? "the scenario's own arrival profile (ramping-arrival-rate)"
          : `a step from ${formatIterations(h.profile.startRate)} to ${formatIterations(p.peak)} (the scenario has no ramping-arrival-rate profile)`,
      params: [
        { label: 'target utilisation', value: formatPercent(h.params.targetUtilization) },
        { label: 'tolerance', value: formatPercent(h.params.tolerance) },
        { label: 'sync period', value: formatDurationMs(h.params.syncPeriodMs) },
        { label: 'pod start-up', value: formatDurationMs(h.params.podStartupMs) },
        { label: 'replicas', value: `${h.params.minReplicas}–${h.params.maxReplicas}` },
      ],
      verdict: s.verdict,
      autoscalingSuffices: s.autoscalingSuffices,
      preScaleReplicas: s.preScale.replicas,
      preScale: `${s.preScale.replicas} replicas before the peak (at ${formatPercent(s.preScale.headroom)} of MST each)${s.preScale.exceedsMaxReplicas ? ' — more than maxReplicas allows' : ''}`,
      facts: [
        { label: 'replicas the HPA reached', value: `${s.maxReplicasUsed}${s.hitMaxReplicas ? ' (hit maxReplicas)' : ''}` },
        { label: 'worst queueing delay', value: s.maxQueueingDelayMs === null ? 'unbounded (no pod ready)' : `${formatDurationMs(s.maxQueueingDelayMs)} at t = ${s.maxQueueingDelayAt} s` },
        { label: 'largest backlog', value: `${formatCount(s.maxBacklog)} iterations` },
        { label: 'seconds over the SLO', value: `${formatCount(s.secondsOverSlo)} s` },
      ],
      points,
      durationS: s.durationSeconds,
      rateAxis: linearTicks(Math.max(...points.map((x) => Math.max(x.offered, x.capacity)), 1) * 1.05),
      podAxis: linearTicks(Math.max(1, maxPods) * 1.1),
      delayAxis: linearTicks(Math.max(maxDelay, 1) * 1.05),
      unboundedSeconds: points.filter((x) => x.queueingDelayS === null).length,
    };
  }
  return {
    peak: peakText(p),
    headroom: formatPercent(p.headroom),
    instances: p.instances === null ? '—' : String(p.instances),
    formula: p.instancesFormula,
    hpa,
  };
}

/** The plotted n range: the measured range, extended to show N* when it lies not far beyond it. */
function sweepRange(nMin: number, nMax: number, peakN: number | null): [number, number] {
  const lo = Math.min(1, nMin);
  const hi = peakN !== null && peakN > nMax && peakN <= 4 * nMax ? peakN * 1.25 : nMax * 1.1;
  return [lo, hi];
}

export function sweepView(doc: CapacityDocument): SweepView | null {
  const s = doc.sweep;
  if (!s) return null;
  const u = s.usl;
  const fitted = (n: number) => (u ? uslThroughput(u, n) : null);
  const ns = s.points.map((p) => p.n);
  const [lo, hi] = ns.length ? sweepRange(Math.min(...ns), Math.max(...ns), u?.peakConcurrency ?? null) : [1, 2];
  const SAMPLES = 120;
  const curve = u ? Array.from({ length: SAMPLES + 1 }, (_, i) => lo + ((hi - lo) * i) / SAMPLES).map((n) => ({ n, fitted: uslThroughput(u, n) })) : [];
  const yMax = Math.max(1, ...s.points.map((p) => p.throughput), ...curve.map((c) => c.fitted));
  const params: SweepView['params'] = u
    ? [
        { id: 'alpha', label: 'α (contention)', value: fmt(u.alpha), raw: u.alpha },
        { id: 'beta', label: 'β (coherency)', value: fmt(u.beta), raw: u.beta },
        { id: 'gamma', label: 'γ (throughput at n = 1)', value: `${fmt(u.gamma)}/s`, raw: u.gamma },
        {
          id: 'peak-n',
          label: u.peakConcurrency === null ? 'N* = √((1−α)/β): none, β = 0' : 'N* = √((1−α)/β)',
          value: u.peakConcurrency === null ? '∞' : fmt(u.peakConcurrency),
          raw: u.peakConcurrency,
        },
        {
          id: 'peak-x',
          label: u.peakConcurrency === null ? 'ceiling γ/α' : 'X(N*)',
          value: u.peakThroughput === null ? '∞' : `${fmt(u.peakThroughput)}/s`,
          raw: u.peakThroughput,
        },
        // a fit of flat, noisy points has R² of 1e-16: that reads as 0, not as a number to study
        { id: 'r2', label: 'R²', value: Math.abs(u.r2) < 5e-4 ? '0.000' : fmt(u.r2), raw: u.r2 },
      ]
    : [];
  return {
    kind: s.kind,
    unit: s.kind === 'vus' ? 'VUs (closed model)' : 'worker processes',
    method: s.method ?? null,
    targetConfig: s.targetConfig ? Object.entries(s.targetConfig).map(([k, v]) => `${k}=${v}`).join(', ') : null,
    measured: s.points.map((p) => ({ n: p.n, throughput: p.throughput })),
    curve,
    rows: s.points.map((p) => {
      const f = fitted(p.n);
      return {
        n: p.n,
        vus: p.vus === undefined ? '—' : String(p.vus),
        generatorCpu: p.generatorCpuPercent === undefined ? '—' : `${p.generatorCpuPercent.toFixed(0)} %`,
        settle: p.settleMs === undefined ? '—' : formatDurationMs(p.settleMs),
        throughput: formatRate(p.throughput),
        fitted: f === null ? '—' : formatRate(f),
        residual: f === null ? '—' : formatRate(p.throughput - f),
        latencyP99: formatMs(pick(p.latency, 'p99')),
        errors: formatPercent(p.errorRate),
        generatorSaturated: p.generatorSaturated,
        duration: formatDurationMs(p.durationMs),
      };
    }),
    params,
    peakN: u?.peakConcurrency ?? null,
    notes: u?.notes ?? [],
    error: u ? null : s.uslError,
    x: linearTicks(hi),
    y: linearTicks(yMax * 1.05),
  };
}

export function buildCapacityView(doc: CapacityDocument): CapacityView {
  const answer = answerView(doc);
  const peak = peakView(doc);
  const sweep = sweepView(doc);
  const stats: Stat[] = [];
  const a = doc.answer;
  if (a) {
    stats.push({ id: 'mst', label: 'maximum sustainable throughput', value: a.mst === null ? 'none found' : answer!.mst, raw: a.mst, ...(a.mst === null ? { tone: 'bad' as const } : {}) });
    if (a.mst !== null && a.mstRequestsPerSecond != null) stats.push({ id: 'mst-requests', label: `requests/s at the MST (${perIteration(a.requestsPerIteration ?? 0)})`, value: formatRequests(a.mstRequestsPerSecond), raw: a.mstRequestsPerSecond });
    stats.push({ id: 'precision', label: 'precision (fail − pass) ÷ pass', value: a.precision === null ? '—' : `±${(a.precision * 100).toFixed(1)} %`, raw: a.precision, ...(answer!.precisionMet === false ? { tone: 'bad' as const } : {}) });
    stats.push({ id: 'probes', label: 'probes run', value: formatCount(a.probes), raw: a.probes });
    stats.push({ id: 'search-time', label: 'search time', value: formatDurationMs(a.searchMs), raw: a.searchMs });
  }
  if (doc.peak) stats.push({ id: 'instances', label: `instances for ${peak!.peak}`, value: peak!.instances, raw: doc.peak.instances });
  if (doc.peak?.hpa) stats.push({ id: 'pre-scale', label: 'pre-scale to (replicas)', value: String(doc.peak.hpa.summary.preScale.replicas), raw: doc.peak.hpa.summary.preScale.replicas });
  if (doc.sweep?.usl) {
    const u = doc.sweep.usl;
    stats.push({ id: 'usl-peak', label: `USL peak N* (${doc.sweep.kind})`, value: u.peakConcurrency === null ? '∞' : fmt(u.peakConcurrency, 3), raw: u.peakConcurrency });
  }
  const s = doc.settings;
  const workersSweep = doc.sweep?.kind === 'workers';
  const facts = [
    { label: 'scenario file', value: doc.meta.scenarioFile },
    { label: 'journey (exec)', value: doc.meta.exec },
    { label: 'target', value: doc.meta.target ?? (workersSweep ? 'started by the sweep for each worker count (see below)' : '(from the scenario)') },
    { label: 'started (UTC)', value: doc.meta.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z') },
    // the search's settings only when there was a search (a sweep-only document carries defaults)
    ...(doc.answer
      ? [
          { label: 'probe', value: `warm-up ${formatDurationMs(s.warmupMs)} + window ${formatDurationMs(s.windowMs)}, from ${formatIterations(s.startRate)}, ×${s.growthFactor} up, then bisect` },
          ...(doc.sizing ? [{ label: 'VUs', value: doc.sizing.journey ? `${doc.sizing.rule}; journey measured (${doc.sizing.journey.source}): ${formatMs(doc.sizing.journey.meanMs)} per iteration, ${perIteration(doc.sizing.journey.requestsPerIteration)}` : doc.sizing.rule }] : []),
          { label: 'a probe passes when', value: `${doc.slo.latency.join(', ')} on ${doc.slo.latencyMetric}, errors ${doc.slo.errors}, achieved ≥ ${formatPercent(doc.slo.minAchievedRatio)} of offered, ${doc.slo.maxDropped} dropped` },
        ]
      : [{ label: 'each sweep point', value: `warm-up ${formatDurationMs(s.warmupMs)} + window ${formatDurationMs(s.windowMs)}` }]),
    { label: 'machine', value: `${doc.meta.cpus} × ${doc.meta.cpuModel}, ${doc.meta.platform}, Node ${doc.meta.node}` },
    ...Object.entries(doc.meta.env)
      .filter(([k]) => k !== 'BASE' && k !== 'BASE_URL')
      .map(([k, v]) => ({ label: `env ${k}`, value: v })),
  ];
  return {
    title: doc.meta.scenarioName,
    exec: doc.meta.exec,
    slo: doc.slo.latency.join(', '),
    stats,
    facts,
    answer,
    curve: capacityCurve(doc),
    probes: probeRows(doc),
    peak,
    sweep,
    warnings: doc.warnings,
  };
}
