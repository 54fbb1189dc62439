// The run's aggregate, in the main thread: merges every thread's one-second snapshots into
// cumulative series (exactly: histograms add bucket by bucket), builds the per-second timeline,
// and answers metric queries for thresholds and the summary.
import type { CheckResult, ErrorMessage, MetricResult, MetricType, TaggedMetric, TimelinePoint, Percentiles } from '../result/schema.ts';
import { encodeHistogram, newHistogram, trendAggregate, trendValues, type Histogram } from './histogram.ts';
import type { IntervalSnapshot } from './interval.ts';
import { metricDef } from './metrics.ts';
import { Series, tagsMatch, type GaugeValue, type Tags } from './series.ts';
import { SecondHistograms } from './seconds.ts';

/** A read-only view of one metric (whole or tag-filtered) for threshold evaluation. */
export interface MetricView {
  type: MetricType;
  aggregate(aggregation: string, percentile?: number): number | undefined;
}

/** Distinct error messages a run keeps (past it, one more entry counts the rest). */
const MAX_RUN_ERROR_MESSAGES = 200;
const OTHER_KEY = '\x1fother';

interface PendingSecond {
  reports: number;
  snap: IntervalSnapshot<Histogram>;
  loopLagP99: number;
}

export class RunAggregate {
  readonly threads: number;
  readonly series = new Map<string, Series>();
  readonly timeline: TimelinePoint[] = [];
  readonly sendLag = newHistogram();
  readonly loopLag = newHistogram();
  /** per-second histograms per request name (result.seconds) */
  readonly seconds = new SecondHistograms();
  private readonly pending = new Map<number, PendingSecond>();
  private readonly cpuBySecond = new Map<number, number>();
  /** µs the arrival-rate schedulers of every thread spent spinning, per second */
  private readonly waitBySecond = new Map<number, number>();
  private readonly offeredAt: (t: number) => number | null;
  /** vus gauge: summed over threads per second */
  private vusStats = { value: 0, min: Infinity, max: 0 };
  private vusMaxStats = { value: 0, min: Infinity, max: 0 };
  /** failed requests by (name, method, kind, message) over the run */
  private readonly errorMessages = new Map<string, ErrorMessage>();
  /** run elapsed time in ms, for counter rates; set by the engine */
  elapsedMs = 0;

  constructor(threads: number, offeredAt: (t: number) => number | null) {
    this.threads = threads;
    this.offeredAt = offeredAt;
  }

  add(snap: IntervalSnapshot<Histogram>): void {
    for (const s of snap.series) {
      let target = this.series.get(s.key);
      if (!target) {
        target = new Series(s.key, s.tags);
        this.series.set(s.key, target);
      }
      for (const [name, h] of Object.entries(s.trends)) target.trend(name).add(h);
      for (const [name, n] of Object.entries(s.counters)) target.count(name, n);
      for (const [name, [p, f]] of Object.entries(s.rates)) target.rateCounts(name, p, f);
      if (s.gauges) for (const [name, g] of Object.entries(s.gauges)) target.gauge(name, g);
    }
    for (const e of snap.errors ?? []) {
      const key = `${e.name}\x1f${e.method}\x1f${e.kind}\x1f${e.message}`;
      const cur = this.errorMessages.get(key) ?? (this.errorMessages.size < MAX_RUN_ERROR_MESSAGES ? undefined : this.errorMessages.get(OTHER_KEY));
      if (cur) {
        cur.count += e.count;
        cur.firstT = Math.min(cur.firstT, snap.t);
        cur.lastT = Math.max(cur.lastT, snap.t);
      } else if (this.errorMessages.size < MAX_RUN_ERROR_MESSAGES) this.errorMessages.set(key, { ...e, firstT: snap.t, lastT: snap.t });
      else this.errorMessages.set(OTHER_KEY, { name: '(other error messages)', method: '', kind: 'other', message: '(other error messages)', count: e.count, firstT: snap.t, lastT: snap.t });
    }
    this.seconds.add(snap);
    if (snap.schedulerWaitUs) this.waitBySecond.set(snap.t, (this.waitBySecond.get(snap.t) ?? 0) + snap.schedulerWaitUs);
    this.sendLag.add(snap.sendLag);
    this.loopLag.add(snap.loopLag);
    const lagP99 = snap.loopLag.totalCount ? snap.loopLag.getValueAtPercentile(99) / 1000 : 0;
    const p = this.pending.get(snap.t);
    if (!p) {
      this.pending.set(snap.t, { reports: 1, snap, loopLagP99: lagP99 });
    } else {
      mergeInto(p.snap, snap);
      p.reports++;
      p.loopLagP99 = Math.max(p.loopLagP99, lagP99);
    }
    if ((this.pending.get(snap.t)?.reports ?? 0) >= this.threads) this.finalizeSecond(snap.t);
  }

  recordCpu(t: number, percent: number): void {
    this.cpuBySecond.set(t, percent);
    const point = this.timeline.find((p) => p.t === t);
    if (point) point.generatorCpuPercent = percent;
  }

  /** The part of second t's generator CPU (percent of one core) that was a scheduler spinning for its next arrival. */
  schedulerWaitPercent(t: number): number {
    return (this.waitBySecond.get(t) ?? 0) / 1e4;
  }

  /** Closes every second still waiting for a thread's report (end of run). */
  finish(): void {
    for (const t of [...this.pending.keys()].sort((a, b) => a - b)) this.finalizeSecond(t);
  }

  private finalizeSecond(t: number): void {
    const p = this.pending.get(t);
    if (!p) return;
    this.pending.delete(t);
    this.seconds.close(t);
    const s = p.snap;
    for (const [stats, v] of [
      [this.vusStats, s.vus],
      [this.vusMaxStats, s.vusMax],
    ] as const) {
      stats.value = v;
      stats.min = Math.min(stats.min, v);
      stats.max = Math.max(stats.max, v);
    }
    const point: TimelinePoint = {
      t,
      offered: this.offeredAt(t),
      started: s.started,
      completed: s.completed,
      dropped: s.dropped,
      requests: s.requests,
      failed: s.failed,
      errorsByKind: s.errorsByKind,
      vus: s.vus,
      vusMax: s.vusMax,
      dataSent: s.dataSent,
      dataReceived: s.dataReceived,
      checksPassed: s.checksPassed,
      checksFailed: s.checksFailed,
      latency: percentiles(s.latency),
      duration: percentiles(s.duration),
      eventLoopLagP99: round3(p.loopLagP99),
      generatorCpuPercent: this.cpuBySecond.get(t) ?? 0,
    };
    // a late snapshot of a second already closed (setup/teardown checks, a slow thread):
    // add its counts to that second; its offered load was already counted
    const existing = this.timeline.find((x) => x.t === t);
    if (existing) {
      mergePoint(existing, point);
      return;
    }
    // keep the timeline ordered even if a late second arrives
    let i = this.timeline.length;
    while (i > 0 && (this.timeline[i - 1]?.t ?? -1) > t) i--;
    this.timeline.splice(i, 0, point);
  }

  /** The whole metric (no filter) or a sub-metric (tag filter), merged across series. */
  view(metric: string, filter: Tags = {}): MetricView | undefined {
    const merged = this.merged(metric, filter);
    if (!merged) return undefined;
    const elapsedS = Math.max(this.elapsedMs, 1) / 1000;
    const gauge = metric === 'vus' ? this.vusStats : metric === 'vus_max' ? this.vusMaxStats : null;
    if (gauge) {
      return {
        type: 'gauge',
        aggregate: (agg) => (agg === 'value' ? gauge.value : agg === 'min' ? finiteOr0(gauge.min) : agg === 'max' ? gauge.max : undefined),
      };
    }
    const { trend, counter, rate, gauge: g } = merged;
    if (g) return { type: 'gauge', aggregate: (agg) => (agg === 'value' ? g.value : agg === 'min' ? g.min : agg === 'max' ? g.max : undefined) };
    if (trend) return { type: 'trend', aggregate: (agg, p) => trendAggregate(trend, agg, p) };
    if (rate) {
      const total = rate.passes + rate.fails;
      return { type: 'rate', aggregate: (agg) => (agg === 'rate' && total > 0 ? rate.passes / total : undefined) };
    }
    const n = counter ?? 0;
    return { type: 'counter', aggregate: (agg) => (agg === 'count' ? n : agg === 'rate' ? n / elapsedS : undefined) };
  }

  private merged(metric: string, filter: Tags): { trend?: Histogram; counter?: number; rate?: { passes: number; fails: number }; gauge?: GaugeValue } | undefined {
    if (metric === 'vus' || metric === 'vus_max') return {};
    let trend: Histogram | undefined;
    let counter: number | undefined;
    let rate: { passes: number; fails: number } | undefined;
    let gauge: Series | undefined;
    for (const s of this.series.values()) {
      if (!tagsMatch(s.tags, filter)) continue;
      const gv = s.gauges.get(metric);
      if (gv) (gauge ??= new Series('', {})).gauge(metric, gv);
      const h = s.trends.get(metric);
      if (h) (trend ??= newHistogram()).add(h);
      const c = s.counters.get(metric);
      if (c !== undefined) counter = (counter ?? 0) + c;
      const r = s.rates.get(metric);
      if (r) {
        rate ??= { passes: 0, fails: 0 };
        rate.passes += r.passes;
        rate.fails += r.fails;
      }
    }
    const gaugeValue = gauge?.gauges.get(metric);
    if (gaugeValue) return { gauge: gaugeValue };
    if (!trend && counter === undefined && !rate) {
      // a known metric with no samples yet: an empty view (counters read 0)
      const def = metricDef(metric);
      if (!def) return undefined;
      if (def.type === 'counter') return { counter: 0 };
      if (def.type === 'trend') return { trend: newHistogram() };
      if (def.type === 'rate') return { rate: { passes: 0, fails: 0 } };
      return undefined;
    }
    return { trend, counter, rate };
  }

  /** Failed requests by message, most frequent first. */
  errors(): ErrorMessage[] {
    return [...this.errorMessages.values()].sort((a, b) => b.count - a.count || a.firstT - b.firstT || a.name.localeCompare(b.name));
  }

  metricNames(): string[] {
    const names = new Set<string>(['vus', 'vus_max']);
    for (const s of this.series.values()) for (const n of s.metricNames()) names.add(n);
    return [...names].sort();
  }

  /** k6-shaped result of one metric (whole or filtered); histograms included for trends. */
  metricResult(metric: string, filter: Tags = {}): MetricResult | undefined {
    const def = metricDef(metric);
    if (metric === 'vus' || metric === 'vus_max') {
      const g = metric === 'vus' ? this.vusStats : this.vusMaxStats;
      return { type: 'gauge', contains: 'default', values: { value: g.value, min: finiteOr0(g.min), max: g.max } };
    }
    const m = this.merged(metric, filter);
    if (!m) return undefined;
    if (m.gauge) return { type: 'gauge', contains: 'default', values: { value: m.gauge.value, min: m.gauge.min, max: m.gauge.max } };
    const elapsedS = Math.max(this.elapsedMs, 1) / 1000;
    if (m.trend) return { type: 'trend', contains: def?.contains ?? 'time', values: trendValues(m.trend), histogram: encodeHistogram(m.trend) };
    if (m.rate) {
      const total = m.rate.passes + m.rate.fails;
      return { type: 'rate', contains: 'default', values: { rate: total ? m.rate.passes / total : 0, passes: m.rate.passes, fails: m.rate.fails } };
    }
    const n = m.counter ?? 0;
    return { type: 'counter', contains: def?.contains ?? 'default', values: { count: n, rate: n / elapsedS } };
  }

  /** Every metric of every series, one entry per (metric, tag set). */
  tagged(): TaggedMetric[] {
    const out: TaggedMetric[] = [];
    const elapsedS = Math.max(this.elapsedMs, 1) / 1000;
    for (const s of this.series.values()) {
      for (const [metric, h] of s.trends) out.push({ metric, tags: s.tags, type: 'trend', contains: 'time', values: trendValues(h), histogram: encodeHistogram(h) });
      for (const [metric, n] of s.counters) out.push({ metric, tags: s.tags, type: 'counter', contains: metricDef(metric)?.contains ?? 'default', values: { count: n, rate: n / elapsedS } });
      for (const [metric, g] of s.gauges) out.push({ metric, tags: s.tags, type: 'gauge', contains: 'default', values: { value: g.value, min: g.min, max: g.max } });
      for (const [metric, r] of s.rates) {
        const total = r.passes + r.fails;
        out.push({ metric, tags: s.tags, type: 'rate', contains: 'default', values: { rate: total ? r.passes / total : 0, passes: r.passes, fails: r.fails } });
      }
    }
    return out;
  }

  /** Checks by (scenario, group, name), as k6's root_group checks. */
  checks(): CheckResult[] {
    const byPath = new Map<string, CheckResult>();
    for (const s of this.series.values()) {
      const r = s.rates.get('checks');
      const name = s.tags.check;
      if (!r || name === undefined) continue;
      const path = `${s.tags.group ?? ''}::${name}`;
      const key = `${s.tags.scenario ?? ''}\x1f${path}`;
      const c = byPath.get(key) ?? { name, path, ...(s.tags.scenario ? { scenario: s.tags.scenario } : {}), passes: 0, fails: 0 };
      c.passes += r.passes;
      c.fails += r.fails;
      byPath.set(key, c);
    }
    return [...byPath.values()];
  }
}

function mergeInto(a: IntervalSnapshot<Histogram>, b: IntervalSnapshot<Histogram>): void {
  a.latency.add(b.latency);
  a.duration.add(b.duration);
  a.requests += b.requests;
  a.failed += b.failed;
  for (const [k, n] of Object.entries(b.errorsByKind)) a.errorsByKind[k] = (a.errorsByKind[k] ?? 0) + n;
  a.started += b.started;
  a.completed += b.completed;
  a.dropped += b.dropped;
  a.dataSent += b.dataSent;
  a.dataReceived += b.dataReceived;
  a.checksPassed += b.checksPassed;
  a.checksFailed += b.checksFailed;
  a.vus += b.vus;
  a.vusMax += b.vusMax;
  a.schedulerWaitUs = (a.schedulerWaitUs ?? 0) + (b.schedulerWaitUs ?? 0);
}

function mergePoint(a: TimelinePoint, b: TimelinePoint): void {
  a.started += b.started;
  a.completed += b.completed;
  a.dropped += b.dropped;
  a.requests += b.requests;
  a.failed += b.failed;
  for (const [k, n] of Object.entries(b.errorsByKind)) a.errorsByKind[k] = (a.errorsByKind[k] ?? 0) + n;
  a.dataSent += b.dataSent;
  a.dataReceived += b.dataReceived;
  a.checksPassed += b.checksPassed;
  a.checksFailed += b.checksFailed;
  // percentiles of a closed second cannot be re-merged exactly (its histogram is gone): keep the
  // worse of the two, which errs on the side of showing latency, never hiding it
  a.latency = worse(a.latency, b.latency);
  a.duration = worse(a.duration, b.duration);
  a.eventLoopLagP99 = Math.max(a.eventLoopLagP99, b.eventLoopLagP99);
}

function worse(a: Percentiles | null, b: Percentiles | null): Percentiles | null {
  if (!a || !b) return a ?? b;
  return { p50: Math.max(a.p50, b.p50), p90: Math.max(a.p90, b.p90), p99: Math.max(a.p99, b.p99), p999: Math.max(a.p999, b.p999), max: Math.max(a.max, b.max) };
}

export function percentiles(h: Histogram): Percentiles | null {
  if (h.totalCount === 0) return null;
  const ms = (p: number) => round3(h.getValueAtPercentile(p) / 1000);
  return { p50: ms(50), p90: ms(90), p99: ms(99), p999: ms(99.9), max: round3(h.maxValue / 1000) };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function finiteOr0(x: number): number {
  return Number.isFinite(x) ? x : 0;
}
