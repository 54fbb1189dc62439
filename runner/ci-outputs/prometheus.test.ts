// The runner's live metrics in the Prometheus text format: a real RunAggregate fed with real
// recorder snapshots (hostile tag values, a tag key that is no label name), served over HTTP on
// 127.0.0.1, fetched, and checked line by line against the exposition format's grammar.
import { afterAll, describe, expect, it } from 'vitest';
import { RunAggregate } from '../recorder/aggregate.ts';
import { IntervalRecorder } from '../recorder/interval.ts';
import { formatPrometheus, serveMetrics, type MetricsServer } from './prometheus.ts';

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = String.raw`[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"`;
const SAMPLE = new RegExp(String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:${LABEL})(?:,${LABEL})*)?,?\})? (NaN|[+-]Inf|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?: -?\d+)?$`);

interface Parsed {
  types: Map<string, string>;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

/** A strict reader of text format 0.0.4; throws naming the line on anything invalid. */
function parseExposition(text: string): Parsed {
  const types = new Map<string, string>();
  const seen = new Set<string>();
  const samples: Parsed['samples'] = [];
  let current: string | null = null;
  const closed = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${line}`;
      if (line.startsWith('# HELP ') || line.startsWith('# TYPE ')) {
        const [, kind, name, rest] = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line) ?? [];
        if (!name || !NAME.test(name)) throw new Error(`bad metric name: ${where}`);
        if (kind === 'TYPE') {
          if (types.has(name)) throw new Error(`second TYPE: ${where}`);
          if (!['counter', 'gauge', 'summary', 'histogram', 'untyped'].includes(rest ?? '')) throw new Error(`bad type: ${where}`);
          types.set(name, rest ?? '');
          if (current !== null && current !== name) closed.add(current);
          if (closed.has(name)) throw new Error(`family not contiguous: ${where}`);
          current = name;
        }
        return;
      }
      if (line.startsWith('#')) return;
      const m = SAMPLE.exec(line);
      if (!m) throw new Error(`not a valid sample: ${where}`);
      const name = m[1] ?? '';
      const family = types.has(name) ? name : name.replace(/_(sum|count|bucket)$/, '');
      const type = types.get(family);
      if (!type) throw new Error(`sample before its TYPE: ${where}`);
      if (family !== current) throw new Error(`sample outside its family's block: ${where}`);
      if (family !== name && type !== 'summary' && type !== 'histogram') throw new Error(`suffix on a ${type}: ${where}`);
      const labels: Record<string, string> = {};
      for (const lm of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"/g)) {
        if (Object.hasOwn(labels, lm[1] ?? '')) throw new Error(`duplicate label: ${where}`);
        labels[lm[1] ?? ''] = (lm[2] ?? '').replace(/\\(["\\n])/g, (_x, c: string) => (c === 'n' ? '\n' : c));
      }
      if (type === 'summary' && name === family && labels.quantile === undefined) throw new Error(`summary sample without quantile: ${where}`);
      const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
      if (seen.has(key)) throw new Error(`duplicate series: ${where}`);
      seen.add(key);
      const raw = m[3] ?? '';
      samples.push({ name, labels, value: raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
    });
  return { types, samples };
}

const HOSTILE = 'GET /a"b\\c\nd}{,=';
let server: MetricsServer | null = null;
afterAll(async () => server?.close());

describe('formatPrometheus + serveMetrics', () => {
  it('serves the live aggregate as valid exposition text with the recorded numbers', async () => {
    const agg = new RunAggregate(1, () => null);
    const rec = new IntervalRecorder(0);
    const tags = { scenario: 'sale', name: HOSTILE, method: 'GET', status: '200', 'my-tag': 'x' };
    const latencies = [10_000, 12_000, 15_000, 20_000, 250_000]; // µs
    for (const us of latencies) {
      rec.http({ tags, failed: false, errorKind: '', durationUs: us - 1000, latencyUs: us, waitingUs: us - 2000, connectingUs: 0, bytesSent: 100, bytesReceived: 1000 });
    }
    rec.http({ tags: { ...tags, status: '503' }, failed: true, errorKind: 'status_5xx', durationUs: 5000, latencyUs: 5000, waitingUs: 4000, connectingUs: 0, bytesSent: 100, bytesReceived: 50 });
    rec.check({ scenario: 'sale', check: 'is 200' }, true);
    rec.check({ scenario: 'sale', check: 'is 200' }, false);
    rec.vus = 7;
    rec.vusMax = 9;
    agg.add(rec.snapshot(0));
    rec.close();
    agg.elapsedMs = 1500;

    server = await serveMetrics(0, () => formatPrometheus(agg, { planned_seconds: 60 }));
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const { types, samples } = parseExposition(await res.text());

    expect(types.get('stampede_http_req_latency_seconds')).toBe('summary');
    expect(types.get('stampede_http_reqs_total')).toBe('counter');
    const find = (name: string, f: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(f).every(([k, v]) => s.labels[k] === v));
    const ok = { name: HOSTILE, status: '200', my_tag: 'x' };
    expect(find('stampede_http_reqs_total', ok)[0]?.value).toBe(5);
    expect(find('stampede_http_req_latency_seconds_count', ok)[0]?.value).toBe(5);
    const p99 = find('stampede_http_req_latency_seconds', { ...ok, quantile: '0.99' })[0]?.value ?? NaN;
    expect(Math.abs(p99 - 0.25)).toBeLessThan(0.25 * 0.001);
    const p50 = find('stampede_http_req_latency_seconds', { ...ok, quantile: '0.5' })[0]?.value ?? NaN;
    expect(Math.abs(p50 - 0.015)).toBeLessThan(0.015 * 0.001);
    const sum = find('stampede_http_req_latency_seconds_sum', ok)[0]?.value ?? NaN;
    expect(sum).toBeCloseTo(latencies.reduce((a, b) => a + b, 0) / 1e6, 3);
    expect(find('stampede_http_req_failed_total', { status: '503', outcome: 'true' })[0]?.value).toBe(1);
    expect(find('stampede_checks_total', { check: 'is 200', outcome: 'false' })[0]?.value).toBe(1);
    expect(find('stampede_data_received_bytes_total', ok)[0]?.value).toBe(5000);
    expect(find('stampede_vus')[0]?.value).toBe(7);
    expect(find('stampede_vus_max')[0]?.value).toBe(9);
    expect(find('stampede_planned_seconds')[0]?.value).toBe(60);
    expect(find('stampede_elapsed_seconds')[0]?.value).toBe(1.5);

    const other = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(other.status).toBe(404);
  });

  it('the reader rejects invalid exposition (so the test above can fail)', () => {
    expect(() => parseExposition('x_total{a="b} 1\n')).toThrow(/not a valid sample/);
    expect(() => parseExposition('# TYPE x counter\nx{a="1"} 1\nx{a="1"} 2\n')).toThrow(/duplicate series/);
    expect(() => parseExposition('y 1\n')).toThrow(/before its TYPE/);
    expect(() => parseExposition('# TYPE s summary\ns 1\n')).toThrow(/without quantile/);
  });
});
