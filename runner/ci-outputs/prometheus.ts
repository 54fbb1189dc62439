// The runner's own metrics in the Prometheus text exposition format (version 0.0.4), from the
// live RunAggregate, for `stampede run --metrics-port N`: an existing Prometheus and Grafana
// can watch a long test beside the target's metrics. Families:
//   stampede_<trend>_seconds         summary, quantiles since the run's start, per tag set
//   stampede_<counter>_total         counter (data_* as stampede_data_*_bytes_total)
//   stampede_<rate>_total{outcome}   counter of true/false samples (http_req_failed, checks)
//   stampede_vus, stampede_vus_max   gauges (the last finished second)
//   stampede_generator_*             event-loop lag and send lag summaries, CPU, plus `extra` gauges
// Tag keys that are not valid label names are rewritten ([^A-Za-z0-9_] → _).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Histogram } from '../recorder/histogram.ts';
import type { RunAggregate } from '../recorder/aggregate.ts';
import { metricDef } from '../recorder/metrics.ts';

const QUANTILES = [0.5, 0.9, 0.95, 0.99, 0.999];

interface Family {
  type: 'counter' | 'gauge' | 'summary';
  help: string;
  lines: string[];
}

export function metricName(s: string): string {
  const n = s.replace(/[^A-Za-z0-9_:]/g, '_');
  return /^[A-Za-z_:]/.test(n) ? n : `_${n}`;
}

function labelName(s: string): string {
  const n = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(n) && !n.startsWith('__') ? n : `tag_${n.replace(/^_+/, '')}`;
}

/** Label value escaping of the text format: backslash, double quote and line feed. */
export function labelValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labels(tags: Record<string, string>, extra: Record<string, string> = {}): string {
  const all: Record<string, string> = {};
  for (const [k, v] of Object.entries(tags)) all[labelName(k)] = v;
  for (const [k, v] of Object.entries(extra)) all[k] = v;
  const keys = Object.keys(all).sort();
  return keys.length === 0 ? '' : `{${keys.map((k) => `${k}="${labelValue(all[k] ?? '')}"`).join(',')}}`;
}

function value(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

class Exposition {
  private readonly families = new Map<string, Family>();

  family(name: string, type: Family['type'], help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { type, help, lines: [] };
      this.families.set(name, f);
    }
    return f;
  }

  summary(name: string, help: string, h: Histogram, tags: Record<string, string>, scale = 1e-6): void {
    const f = this.family(name, 'summary', help);
    for (const q of QUANTILES) f.lines.push(`${name}${labels(tags, { quantile: String(q) })} ${value(h.totalCount ? h.getValueAtPercentile(q * 100) * scale : NaN)}`);
    f.lines.push(`${name}_sum${labels(tags)} ${value(h.totalCount ? h.mean * h.totalCount * scale : 0)}`);
    f.lines.push(`${name}_count${labels(tags)} ${value(h.totalCount)}`);
  }

  sample(name: string, type: Family['type'], help: string, tags: Record<string, string>, v: number): void {
    this.family(name, type, help).lines.push(`${name}${labels(tags)} ${value(v)}`);
  }

  text(): string {
    const out: string[] = [];
    for (const [name, f] of this.families) {
      out.push(`# HELP ${name} ${escapeHelp(f.help)}`, `# TYPE ${name} ${f.type}`, ...f.lines);
    }
    return out.join('\n') + '\n';
  }
}

/** The aggregate so far as Prometheus text; `extra` adds gauges `stampede_<key>` (elapsed seconds, planned seconds, ...). */
export function formatPrometheus(aggregate: RunAggregate, extra: Record<string, number> = {}): string {
  const e = new Exposition();
  for (const s of aggregate.series.values()) {
    for (const [metric, h] of s.trends) {
      const def = metricDef(metric);
      const isTime = (def?.contains ?? 'time') === 'time';
      e.summary(metricName(`stampede_${metric}${isTime ? '_seconds' : ''}`), def?.description ?? `trend ${metric}`, h, s.tags, isTime ? 1e-6 : 1e-3);
    }
    for (const [metric, n] of s.counters) {
      const def = metricDef(metric);
      const name = metricName(`stampede_${metric}${def?.contains === 'data' ? '_bytes' : ''}_total`);
      e.sample(name, 'counter', def?.description ?? `counter ${metric}`, s.tags, n);
    }
    for (const [metric, r] of s.rates) {
      const name = metricName(`stampede_${metric}_total`);
      const help = `${metricDef(metric)?.description ?? `rate ${metric}`} (samples by outcome; the rate is true / (true + false))`;
      e.family(name, 'counter', help).lines.push(`${name}${labels(s.tags, { outcome: 'true' })} ${r.passes}`, `${name}${labels(s.tags, { outcome: 'false' })} ${r.fails}`);
    }
  }
  const last = aggregate.timeline[aggregate.timeline.length - 1];
  e.sample('stampede_vus', 'gauge', 'active VUs (last finished second)', {}, last?.vus ?? 0);
  e.sample('stampede_vus_max', 'gauge', 'allocated VUs (last finished second)', {}, last?.vusMax ?? 0);
  e.sample('stampede_generator_cpu_percent', 'gauge', 'load generator CPU, percent of one core (last finished second)', {}, last?.generatorCpuPercent ?? 0);
  e.summary('stampede_generator_event_loop_lag_seconds', 'event-loop lag of the generator threads since the start', aggregate.loopLag, {});
  e.summary('stampede_generator_send_lag_seconds', 'actual send minus intended start of arrival-rate iterations since the start', aggregate.sendLag, {});
  e.sample('stampede_elapsed_seconds', 'gauge', 'time since the run started', {}, aggregate.elapsedMs / 1000);
  for (const [k, v] of Object.entries(extra)) e.sample(metricName(`stampede_${k}`), 'gauge', `stampede ${k}`, {}, v);
  return e.text();
}

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /metrics with `getText()`; port 0 picks a free port. Bound to 127.0.0.1 unless `host` says otherwise. */
export async function serveMetrics(port: number, getText: () => string, host = '127.0.0.1'): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    let body: string;
    try {
      body = getText();
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
