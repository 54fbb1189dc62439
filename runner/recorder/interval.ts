// The recorder of one engine thread. Every sample goes into the current one-second interval;
// once a second the interval is handed over as a snapshot (deltas) and a fresh one starts, so
// memory stays bounded whatever the run length. The run's aggregate (aggregate.ts) merges the
// snapshots of every thread exactly (histograms add bucket by bucket).
import { nowUs } from '../engine/clock.ts';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs, type Histogram } from './histogram.ts';
import { Series, tagsKey, type Tags } from './series.ts';

export interface SeriesSnapshot<H> {
  key: string;
  tags: Tags;
  trends: Record<string, H>;
  counters: Record<string, number>;
  rates: Record<string, [passes: number, fails: number]>;
}

export interface IntervalSnapshot<H = Histogram> {
  /** whole seconds since the run's start */
  t: number;
  thread: number;
  series: SeriesSnapshot<H>[];
  /** all requests' http_req_latency / http_req_duration in this second (for the timeline) */
  latency: H;
  duration: H;
  /** send lag of arrival-rate iterations (actual start − intended start), µs */
  sendLag: H;
  /** event-loop delay samples of this thread, µs */
  loopLag: H;
  requests: number;
  failed: number;
  errorsByKind: Record<string, number>;
  started: number;
  completed: number;
  dropped: number;
  dataSent: number;
  dataReceived: number;
  checksPassed: number;
  checksFailed: number;
  vus: number;
  vusMax: number;
}

/** What the HTTP layer reports for one finished request (µs durations). */
export interface HttpSample {
  /** the sample's tags, or a function building them (called only when the series is new) */
  tags: Tags | (() => Tags);
  failed: boolean;
  /** 'status_4xx', 'status_5xx', 'timeout', 'connect_refused', ... or '' when ok */
  errorKind: string;
  durationUs: number;
  latencyUs: number;
  waitingUs: number;
  connectingUs: number;
  bytesSent: number;
  bytesReceived: number;
}

export class IntervalRecorder {
  readonly thread: number;
  private series = new Map<string, Series>();
  private latency = newHistogram();
  private duration = newHistogram();
  private sendLag = newHistogram();
  private counts = freshCounts();
  private loopLag = newHistogram();
  private loopTimer: NodeJS.Timeout | null = null;
  /** gauges, maintained by the engine */
  vus = 0;
  vusMax = 0;

  constructor(thread: number) {
    this.thread = thread;
    this.sampleLoopLag();
  }

  /**
   * Event-loop lag of this thread: a 10 ms timer that records how late it fired. Cheap (100
   * wake-ups a second) and gives a real histogram, unlike perf_hooks' monitor, whose
   * distribution cannot be merged across threads.
   */
  private sampleLoopLag(): void {
    const period = 10;
    let due = nowUs() + period * 1000;
    const tick = () => {
      const now = nowUs();
      recordUs(this.loopLag, now - due);
      due = now + period * 1000;
      this.loopTimer = setTimeout(tick, period);
      this.loopTimer.unref();
    };
    this.loopTimer = setTimeout(tick, period);
    this.loopTimer.unref();
  }

  seriesFor(tags: Tags, key = tagsKey(tags)): Series {
    let s = this.series.get(key);
    if (!s) {
      s = new Series(key, tags);
      this.series.set(key, s);
    }
    return s;
  }

  http(sample: HttpSample, key?: string): void {
    const t = sample.tags;
    let s = key === undefined ? undefined : this.series.get(key);
    if (!s) {
      const tags = typeof t === 'function' ? t() : t;
      s = this.seriesFor(tags, key ?? tagsKey(tags));
    }
    recordUs(s.trend('http_req_duration'), sample.durationUs);
    recordUs(s.trend('http_req_latency'), sample.latencyUs);
    recordUs(s.trend('http_req_waiting'), sample.waitingUs);
    recordUs(s.trend('http_req_connecting'), sample.connectingUs);
    s.count('http_reqs', 1);
    // k6 Rate semantics: a sample is 1 when the request failed, so rate = share failed
    s.rate('http_req_failed', sample.failed);
    s.count('data_sent', sample.bytesSent);
    s.count('data_received', sample.bytesReceived);
    recordUs(this.latency, sample.latencyUs);
    recordUs(this.duration, sample.durationUs);
    const c = this.counts;
    c.requests++;
    c.dataSent += sample.bytesSent;
    c.dataReceived += sample.bytesReceived;
    if (sample.failed) {
      c.failed++;
      const k = sample.errorKind || 'failed';
      c.errorsByKind[k] = (c.errorsByKind[k] ?? 0) + 1;
    }
  }

  iterationStarted(sendLagUs: number | null): void {
    this.counts.started++;
    if (sendLagUs !== null) recordUs(this.sendLag, sendLagUs);
  }

  iterationCompleted(tags: Tags, durationUs: number): void {
    const s = this.seriesFor(tags);
    recordUs(s.trend('iteration_duration'), durationUs);
    s.count('iterations', 1);
    this.counts.completed++;
  }

  dropped(tags: Tags, n = 1): void {
    this.seriesFor(tags).count('dropped_iterations', n);
    this.counts.dropped += n;
  }

  check(tags: Tags, passed: boolean): void {
    this.seriesFor(tags).rate('checks', passed);
    if (passed) this.counts.checksPassed++;
    else this.counts.checksFailed++;
  }

  /** A custom metric sample (k6 Trend/Counter/Rate from a scenario). Trends are in ms. */
  custom(kind: 'trend' | 'counter' | 'rate', name: string, value: number, tags: Tags): void {
    const s = this.seriesFor(tags);
    if (kind === 'trend') recordUs(s.trend(name), value * 1000);
    else if (kind === 'counter') s.count(name, value);
    else s.rate(name, value !== 0);
  }

  /** Hands over this second's samples and starts a fresh interval. */
  snapshot(t: number): IntervalSnapshot<Histogram> {
    const snap: IntervalSnapshot<Histogram> = {
      t,
      thread: this.thread,
      series: [...this.series.values()].map(toSeriesSnapshot),
      latency: this.latency,
      duration: this.duration,
      sendLag: this.sendLag,
      loopLag: this.loopLag,
      ...this.counts,
      vus: this.vus,
      vusMax: this.vusMax,
    };
    this.series = new Map();
    this.latency = newHistogram();
    this.duration = newHistogram();
    this.sendLag = newHistogram();
    this.loopLag = newHistogram();
    this.counts = freshCounts();
    return snap;
  }

  close(): void {
    if (this.loopTimer) clearTimeout(this.loopTimer);
  }
}

function freshCounts() {
  return {
    requests: 0,
    failed: 0,
    errorsByKind: {} as Record<string, number>,
    started: 0,
    completed: 0,
    dropped: 0,
    dataSent: 0,
    dataReceived: 0,
    checksPassed: 0,
    checksFailed: 0,
  };
}

function toSeriesSnapshot(s: Series): SeriesSnapshot<Histogram> {
  return {
    key: s.key,
    tags: s.tags,
    trends: Object.fromEntries(s.trends),
    counters: Object.fromEntries(s.counters),
    rates: Object.fromEntries([...s.rates].map(([k, r]) => [k, [r.passes, r.fails] as [number, number]])),
  };
}

/** For crossing a worker-thread boundary: histograms as compressed base64. */
export function encodeSnapshot(s: IntervalSnapshot<Histogram>): IntervalSnapshot<string> {
  return mapHistograms(s, encodeHistogram);
}

export function decodeSnapshot(s: IntervalSnapshot<string>): IntervalSnapshot<Histogram> {
  return mapHistograms(s, decodeHistogram);
}

function mapHistograms<A, B>(s: IntervalSnapshot<A>, f: (h: A) => B): IntervalSnapshot<B> {
  return {
    ...s,
    series: s.series.map((x) => ({ ...x, trends: Object.fromEntries(Object.entries(x.trends).map(([k, h]) => [k, f(h)])) })),
    latency: f(s.latency),
    duration: f(s.duration),
    sendLag: f(s.sendLag),
    loopLag: f(s.loopLag),
  };
}
