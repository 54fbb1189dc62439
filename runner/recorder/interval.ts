// The recorder of one engine thread. Every sample goes into the current one-second interval;
// once a second the interval is handed over as a snapshot (deltas) and a fresh one starts, so
// memory stays bounded whatever the run length. The run's aggregate (aggregate.ts) merges the
// snapshots of every thread exactly (histograms add bucket by bucket).
import { nowUs } from '../time/clock.ts';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs, recordValue, type Histogram } from './histogram.ts';
import { Series, tagsKey, type GaugeValue, type Tags } from './series.ts';

export interface SeriesSnapshot<H> {
  key: string;
  tags: Tags;
  trends: Record<string, H>;
  counters: Record<string, number>;
  rates: Record<string, [passes: number, fails: number]>;
  /** k6 Gauges set in this interval (custom metrics) */
  gauges?: Record<string, GaugeValue>;
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
  /** µs the arrival-rate scheduler spent spinning for its next arrival (CPU that is waiting, not work); absent from older senders */
  schedulerWaitUs?: number;
  /** failed requests of this second by (name, method, kind, message); at most MAX_ERROR_MESSAGES entries */
  errors?: ErrorMessageCount[];
}

/** Failed requests with one message (the network error's text, or the unexpected status). */
export interface ErrorMessageCount {
  name: string;
  method: string;
  kind: string;
  message: string;
  count: number;
}

/** Distinct error messages kept per thread and second; the rest are counted under OTHER_ERRORS. */
export const MAX_ERROR_MESSAGES = 50;
export const OTHER_ERRORS = '(other error messages)';

interface ErrorEntry {
  name: string;
  method: string;
  kind: string;
  /** '' for an unexpected status: the message is made from `status` at the snapshot */
  message: string;
  status: number;
  count: number;
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

/**
 * One tag set's HTTP samples of the current interval, in plain fields: the hot path records a
 * request without a Map lookup per metric, and folds the fields into the series' maps once, at
 * the snapshot. Exactly the same histograms come out as recording every metric per request:
 *  - http_req_latency equals http_req_duration for a request on a reused connection without
 *    generator lag (every request of a closed model once connected), so `latency` stays null
 *    while that holds and is a copy of `duration` at the snapshot; the first request whose
 *    latency differs starts it as a copy of the durations so far;
 *  - http_req_connecting is 0 on a reused connection: zeros are counted and recorded with
 *    their count at the snapshot (HDR counts are the same either way).
 */
export class HttpCell {
  readonly series: Series;
  readonly duration = newHistogram();
  readonly waiting = newHistogram();
  latency: Histogram | null = null;
  connecting: Histogram | null = null;
  connectingZeros = 0;
  requests = 0;
  failed = 0;
  dataSent = 0;
  dataReceived = 0;

  constructor(series: Series) {
    this.series = series;
  }
}

/** One tag set's iteration samples of the current interval (iterations, iteration_duration). */
export class IterationCell {
  readonly series: Series;
  readonly duration = newHistogram();
  count = 0;

  constructor(series: Series) {
    this.series = series;
  }
}

interface Entry {
  series: Series;
  http: HttpCell | null;
  iteration: IterationCell | null;
}

export class IntervalRecorder {
  readonly thread: number;
  private entries = new Map<string, Entry>();
  private sendLag = newHistogram();
  private counts = freshCounts();
  private loopLag = newHistogram();
  private loopTimer: NodeJS.Timeout | null = null;
  private gen = 0;
  /** failed requests' messages of this interval: by name, then by message (or status) */
  private errors = new Map<string, Map<string | number, ErrorEntry>>();
  private errorEntries = 0;
  /** gauges, maintained by the engine */
  vus = 0;
  vusMax = 0;
  /** added to by the arrival-rate scheduler (executors.ts SpinMeter); reset every interval */
  schedulerWaitUs = 0;

  constructor(thread: number) {
    this.thread = thread;
    this.sampleLoopLag();
  }

  /**
   * Changes at every snapshot: a cell obtained from httpCell()/iterationCell() is valid only
   * while the generation is the same (callers cache cells keyed by it).
   */
  get generation(): number {
    return this.gen;
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

  private entry(tags: Tags | (() => Tags), key: string | undefined): Entry {
    let e = key === undefined ? undefined : this.entries.get(key);
    if (e === undefined) {
      const t = typeof tags === 'function' ? tags() : tags;
      const k = key ?? tagsKey(t);
      e = this.entries.get(k);
      if (e === undefined) {
        e = { series: new Series(k, t), http: null, iteration: null };
        this.entries.set(k, e);
      }
    }
    return e;
  }

  seriesFor(tags: Tags, key = tagsKey(tags)): Series {
    return this.entry(tags, key).series;
  }

  /** The HTTP cell of a tag set in this interval; `tags` may be a function, called only for a new series. */
  httpCell(tags: Tags | (() => Tags), key?: string): HttpCell {
    const e = this.entry(tags, key);
    return (e.http ??= new HttpCell(e.series));
  }

  /** The iteration cell of a tag set in this interval. */
  iterationCell(tags: Tags, key?: string): IterationCell {
    const e = this.entry(tags, key);
    return (e.iteration ??= new IterationCell(e.series));
  }

  http(sample: HttpSample, key?: string): void {
    this.recordHttp(
      this.httpCell(sample.tags, key),
      sample.failed,
      sample.errorKind,
      sample.durationUs,
      sample.latencyUs,
      sample.waitingUs,
      sample.connectingUs,
      sample.bytesSent,
      sample.bytesReceived,
    );
  }

  /** One finished request into a cell of this interval (µs durations; positional: no sample object per request). */
  recordHttp(
    cell: HttpCell,
    failed: boolean,
    errorKind: string,
    durationUs: number,
    latencyUs: number,
    waitingUs: number,
    connectingUs: number,
    bytesSent: number,
    bytesReceived: number,
  ): void {
    const d = durationUs > 0 ? Math.round(durationUs) : 0;
    const l = latencyUs > 0 ? Math.round(latencyUs) : 0;
    if (cell.latency !== null) recordValue(cell.latency, l);
    else if (l !== d) {
      const lat = newHistogram();
      lat.add(cell.duration);
      recordValue(lat, l);
      cell.latency = lat;
    }
    recordValue(cell.duration, d);
    recordUs(cell.waiting, waitingUs);
    const c = connectingUs > 0 ? Math.round(connectingUs) : 0;
    if (c === 0) cell.connectingZeros++;
    else recordValue((cell.connecting ??= newHistogram()), c);
    cell.requests++;
    cell.dataSent += bytesSent;
    cell.dataReceived += bytesReceived;
    const n = this.counts;
    n.requests++;
    n.dataSent += bytesSent;
    n.dataReceived += bytesReceived;
    if (failed) {
      cell.failed++;
      n.failed++;
      const k = errorKind || 'failed';
      n.errorsByKind[k] = (n.errorsByKind[k] ?? 0) + 1;
    }
  }

  /**
   * A failed request's message: the network error's text, or '' for an unexpected `status`.
   * Only failed requests come here; an entry is created once per distinct message and second.
   */
  errorMessage(name: string, method: string, kind: string, message: string, status: number): void {
    let byMessage = this.errors.get(name);
    if (byMessage === undefined) {
      byMessage = new Map();
      this.errors.set(name, byMessage);
    }
    const key = message !== '' ? message : status;
    let e = byMessage.get(key);
    if (e === undefined) {
      if (this.errorEntries >= MAX_ERROR_MESSAGES) {
        const other = this.errors.get(OTHER_ERRORS) ?? new Map<string | number, ErrorEntry>();
        this.errors.set(OTHER_ERRORS, other);
        e = other.get(OTHER_ERRORS);
        if (e === undefined) {
          e = { name: OTHER_ERRORS, method: '', kind: 'other', message: OTHER_ERRORS, status: 0, count: 0 };
          other.set(OTHER_ERRORS, e);
        }
        e.count++;
        return;
      }
      e = { name, method, kind, message, status, count: 0 };
      byMessage.set(key, e);
      this.errorEntries++;
    }
    e.count++;
  }

  iterationStarted(sendLagUs: number | null): void {
    this.counts.started++;
    if (sendLagUs !== null) recordUs(this.sendLag, sendLagUs);
  }

  iterationCompleted(tags: Tags, durationUs: number): void {
    this.recordIteration(this.iterationCell(tags), durationUs);
  }

  recordIteration(cell: IterationCell, durationUs: number): void {
    recordUs(cell.duration, durationUs);
    cell.count++;
    this.counts.completed++;
  }

  dropped(tags: Tags, n = 1): void {
    this.seriesFor(tags).count('dropped_iterations', n);
    this.counts.dropped += n;
  }

  /** An iteration still running when its grace (gracefulStop, gracefulRampDown, the run's stop) ran out. */
  interruptedIteration(tags: Tags): void {
    this.seriesFor(tags).count('interrupted_iterations', 1);
  }

  check(tags: Tags, passed: boolean): void {
    this.seriesFor(tags).rate('checks', passed);
    if (passed) this.counts.checksPassed++;
    else this.counts.checksFailed++;
  }

  /** A custom metric sample (k6 Trend/Counter/Rate/Gauge from a scenario). Trends are in ms. */
  custom(kind: 'trend' | 'counter' | 'rate' | 'gauge', name: string, value: number, tags: Tags): void {
    const s = this.seriesFor(tags);
    if (kind === 'trend') recordUs(s.trend(name), value * 1000);
    else if (kind === 'counter') s.count(name, value);
    else if (kind === 'gauge') s.gauge(name, { value, min: value, max: value, at: nowUs() });
    else s.rate(name, value !== 0);
  }

  /** Hands over this second's samples and starts a fresh interval. */
  snapshot(t: number): IntervalSnapshot<Histogram> {
    // the timeline's all-request histograms are the sums of the series' (bucket-exact)
    const latency = newHistogram();
    const duration = newHistogram();
    const series: SeriesSnapshot<Histogram>[] = [];
    for (const e of this.entries.values()) {
      const h = e.http;
      if (h !== null) {
        latency.add(foldHttp(h));
        duration.add(h.duration);
      }
      const it = e.iteration;
      if (it !== null) {
        putTrend(e.series, 'iteration_duration', it.duration);
        e.series.count('iterations', it.count);
      }
      series.push(toSeriesSnapshot(e.series));
    }
    const snap: IntervalSnapshot<Histogram> = {
      t,
      thread: this.thread,
      series,
      latency,
      duration,
      sendLag: this.sendLag,
      loopLag: this.loopLag,
      ...this.counts,
      vus: this.vus,
      vusMax: this.vusMax,
      schedulerWaitUs: this.schedulerWaitUs,
      errors: [...this.errors.values()].flatMap((m) => [...m.values()].map((e) => ({ name: e.name, method: e.method, kind: e.kind, message: e.message !== '' ? e.message : statusMessage(e.status), count: e.count }))),
    };
    this.errors = new Map();
    this.errorEntries = 0;
    this.entries = new Map();
    this.sendLag = newHistogram();
    this.loopLag = newHistogram();
    this.counts = freshCounts();
    this.schedulerWaitUs = 0;
    this.gen++;
    return snap;
  }

  close(): void {
    if (this.loopTimer) clearTimeout(this.loopTimer);
  }
}

/** What an unexpected status reads as in the error list. */
export function statusMessage(status: number): string {
  return `unexpected status ${status}`;
}

/** The cell's fields into its series' metric maps (k6 names and meanings); returns its latency histogram. */
function foldHttp(h: HttpCell): Histogram {
  const s = h.series;
  let latency = h.latency;
  if (latency === null) {
    latency = newHistogram();
    latency.add(h.duration);
  }
  let connecting = h.connecting;
  if (connecting === null) connecting = newHistogram();
  if (h.connectingZeros > 0) connecting.recordValueWithCount(0, h.connectingZeros);
  putTrend(s, 'http_req_duration', h.duration);
  putTrend(s, 'http_req_latency', latency);
  putTrend(s, 'http_req_waiting', h.waiting);
  putTrend(s, 'http_req_connecting', connecting);
  s.count('http_reqs', h.requests);
  // k6 Rate semantics: a sample is 1 when the request failed, so rate = share failed
  s.rateCounts('http_req_failed', h.failed, h.requests - h.failed);
  s.count('data_sent', h.dataSent);
  s.count('data_received', h.dataReceived);
  return latency;
}

function putTrend(s: Series, name: string, h: Histogram): void {
  const existing = s.trends.get(name);
  if (existing === undefined) s.trends.set(name, h);
  else existing.add(h); // the same name also recorded through custom(): both count
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
    ...(s.gauges.size > 0 ? { gauges: Object.fromEntries([...s.gauges].map(([k, g]) => [k, { ...g }])) } : {}),
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
