// Accumulates k6 Point samples from one or more runners' NDJSON files into what a RunResult
// needs: cumulative series per tag set (real HDR histograms: k6 ms → µs, merged exactly across
// runners, so percentiles over several k6-operator pods are correct), per-second timeline
// counters, per-runner gauges, and the metrics' declarations (type, contains, thresholds).
import { newHistogram, recordUs, type Histogram } from '../recorder/histogram.ts';
import { Series, tagsKey, type Tags } from '../recorder/series.ts';
import type { MetricType } from '../result/schema.ts';

/** The tags a series keeps (k6 also writes url, proto, expected_response, instance_id, ...). */
export const SERIES_TAGS = ['scenario', 'group', 'name', 'method', 'status', 'check'] as const;

/** k6's built-in metrics, for points whose Metric line is missing (a file cut at the start). */
export const K6_BUILTIN: Readonly<Record<string, { type: MetricType; contains: 'time' | 'data' | 'default' }>> = {
  http_reqs: { type: 'counter', contains: 'default' },
  http_req_duration: { type: 'trend', contains: 'time' },
  http_req_blocked: { type: 'trend', contains: 'time' },
  http_req_connecting: { type: 'trend', contains: 'time' },
  http_req_tls_handshaking: { type: 'trend', contains: 'time' },
  http_req_sending: { type: 'trend', contains: 'time' },
  http_req_waiting: { type: 'trend', contains: 'time' },
  http_req_receiving: { type: 'trend', contains: 'time' },
  http_req_failed: { type: 'rate', contains: 'default' },
  iterations: { type: 'counter', contains: 'default' },
  iteration_duration: { type: 'trend', contains: 'time' },
  group_duration: { type: 'trend', contains: 'time' },
  dropped_iterations: { type: 'counter', contains: 'default' },
  checks: { type: 'rate', contains: 'default' },
  vus: { type: 'gauge', contains: 'default' },
  vus_max: { type: 'gauge', contains: 'default' },
  data_sent: { type: 'counter', contains: 'data' },
  data_received: { type: 'counter', contains: 'data' },
};

export interface MetricDecl {
  type: MetricType;
  contains: 'time' | 'data' | 'default';
  /** threshold entries as k6 wrote them (strings or { threshold, abortOnFail, delayAbortEval }) */
  thresholds: unknown[];
}

export interface SecondAcc {
  duration: Histogram;
  requests: number;
  failed: number;
  errorsByKind: Record<string, number>;
  completed: number;
  dropped: number;
  dataSent: number;
  dataReceived: number;
  checksPassed: number;
  checksFailed: number;
  /** last value of each runner's vus / vus_max gauge in this second, by runner index */
  vus: Map<number, number>;
  vusMax: Map<number, number>;
}

export interface GaugeAcc {
  value: number;
  valueAt: number;
  min: number;
  max: number;
}

export class SampleAccumulator {
  readonly decls = new Map<string, MetricDecl>();
  /** threshold keys with a tag filter ('http_req_duration{status:200}') → their entries */
  readonly subThresholds = new Map<string, unknown[]>();
  readonly series = new Map<string, Series>();
  readonly seconds = new Map<number, SecondAcc>();
  /** gauges other than vus/vus_max, whole-metric (k6 keeps a gauge's last value, min and max) */
  readonly gauges = new Map<string, GaugeAcc>();
  private readonly keepTags = new Set<string>(SERIES_TAGS);
  minMs = Infinity;
  maxMs = -Infinity;
  points = 0;
  /** k6-operator and `--tag` values seen: testrun_name, instance_id */
  readonly testRunNames = new Set<string>();

  declare(name: string, decl: MetricDecl, submetrics: { name: string; tags?: Record<string, string> | null; thresholds?: unknown[] | null }[]): void {
    const prev = this.decls.get(name);
    // the same metric is declared once per runner file: union the thresholds by their text
    if (prev) {
      const seen = new Set(prev.thresholds.map((t) => JSON.stringify(t)));
      for (const t of decl.thresholds) if (!seen.has(JSON.stringify(t))) prev.thresholds.push(t);
    } else this.decls.set(name, { ...decl, thresholds: [...decl.thresholds] });
    for (const sub of submetrics) {
      for (const k of Object.keys(sub.tags ?? {})) this.keepTags.add(k);
      if (sub.thresholds && sub.thresholds.length > 0) {
        const list = this.subThresholds.get(sub.name) ?? [];
        const seen = new Set(list.map((t) => JSON.stringify(t)));
        for (const t of sub.thresholds) if (!seen.has(JSON.stringify(t))) list.push(t);
        this.subThresholds.set(sub.name, list);
      }
    }
  }

  /** Adds one sample; `timeMs` is epoch ms, `runner` the index of the file it came from. */
  add(metric: string, decl: MetricDecl, timeMs: number, value: number, rawTags: Record<string, string>, runner: number): void {
    this.points++;
    if (timeMs < this.minMs) this.minMs = timeMs;
    if (timeMs > this.maxMs) this.maxMs = timeMs;
    if (rawTags.testrun_name !== undefined) this.testRunNames.add(rawTags.testrun_name);
    const sec = this.second(Math.floor(timeMs / 1000));

    if (decl.type === 'gauge') {
      if (metric === 'vus') sec.vus.set(runner, value);
      else if (metric === 'vus_max') sec.vusMax.set(runner, value);
      else {
        const g = this.gauges.get(metric);
        if (!g) this.gauges.set(metric, { value, valueAt: timeMs, min: value, max: value });
        else {
          if (timeMs >= g.valueAt) {
            g.value = value;
            g.valueAt = timeMs;
          }
          g.min = Math.min(g.min, value);
          g.max = Math.max(g.max, value);
        }
      }
      return;
    }

    const tags: Tags = {};
    for (const k of this.keepTags) {
      const v = rawTags[k];
      if (v !== undefined) tags[k] = v;
    }
    const key = tagsKey(tags);
    let s = this.series.get(key);
    if (!s) {
      s = new Series(key, tags);
      this.series.set(key, s);
    }
    if (decl.type === 'trend') {
      // time trends are ms in k6; histograms hold µs. Other trends keep 3 decimals the same way.
      recordUs(s.trend(metric), value * 1000);
      if (metric === 'http_req_duration') recordUs(sec.duration, value * 1000);
    } else if (decl.type === 'counter') {
      s.count(metric, value);
    } else {
      // k6 Rate: a non-zero sample counts as a "pass" (for http_req_failed: a failed request)
      s.rateCounts(metric, value !== 0 ? 1 : 0, value !== 0 ? 0 : 1);
    }

    switch (metric) {
      case 'http_reqs':
        sec.requests += value;
        break;
      case 'http_req_failed':
        if (value !== 0) {
          sec.failed++;
          const kind = errorKind(rawTags);
          sec.errorsByKind[kind] = (sec.errorsByKind[kind] ?? 0) + 1;
        }
        break;
      case 'iterations':
        sec.completed += value;
        break;
      case 'dropped_iterations':
        sec.dropped += value;
        break;
      case 'data_sent':
        sec.dataSent += value;
        break;
      case 'data_received':
        sec.dataReceived += value;
        break;
      case 'checks':
        if (value !== 0) sec.checksPassed++;
        else sec.checksFailed++;
        break;
    }
  }

  private second(s: number): SecondAcc {
    let acc = this.seconds.get(s);
    if (!acc) {
      acc = emptySecond();
      this.seconds.set(s, acc);
    }
    return acc;
  }
}

export function emptySecond(): SecondAcc {
  return {
    duration: newHistogram(),
    requests: 0,
    failed: 0,
    errorsByKind: {},
    completed: 0,
    dropped: 0,
    dataSent: 0,
    dataReceived: 0,
    checksPassed: 0,
    checksFailed: 0,
    vus: new Map(),
    vusMax: new Map(),
  };
}

/** Stampede's error kinds from k6's tags: status class, else k6's error_code (1xxx DNS, 1050 timeout, ...). */
function errorKind(tags: Record<string, string>): string {
  const status = Number(tags.status ?? '0');
  if (status >= 500) return 'status_5xx';
  if (status >= 400) return 'status_4xx';
  if (tags.error_code === '1050') return 'timeout';
  if (tags.error_code === '1212') return 'connect_refused';
  if (tags.error_code !== undefined) return `k6_error_${tags.error_code}`;
  return status > 0 && status < 200 ? 'status_other' : 'failed';
}
