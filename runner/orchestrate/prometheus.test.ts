// The Prometheus text parser against hand-written expositions (every construct of format 0.0.4)
// and against prom-client's own output.
import { describe, expect, it } from 'vitest';
import client from 'prom-client';
import { parsePrometheusText, parseValue, sumSamples } from './prometheus.ts';

describe('parsePrometheusText', () => {
  it('counters and gauges with HELP, TYPE, labels and timestamps', () => {
    const e = parsePrometheusText(
      [
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# TYPE temperature gauge',
        'temperature -12.5',
        'metric_without_timestamp_and_labels 12.47',
      ].join('\n'),
    );
    expect(e.problems).toEqual([]);
    const c = e.families.get('http_requests_total');
    expect(c?.kind).toBe('counter');
    expect(c?.help).toBe('The total number of HTTP requests.');
    expect(c?.samples).toEqual([
      { name: 'http_requests_total', labels: { method: 'post', code: '200' }, value: 1027, timestampMs: 1395066363000 },
      { name: 'http_requests_total', labels: { method: 'post', code: '400' }, value: 3, timestampMs: 1395066363000 },
    ]);
    expect(e.families.get('temperature')?.samples[0]?.value).toBe(-12.5);
    expect(e.families.get('metric_without_timestamp_and_labels')?.kind).toBe('untyped');
    expect(sumSamples(e, 'http_requests_total')).toBe(1030);
    expect(sumSamples(e, 'http_requests_total', { code: '400' })).toBe(3);
    expect(sumSamples(e, 'nope')).toBeNull();
  });

  it('escapes in label values and HELP text', () => {
    const e = parsePrometheusText(
      [
        '# HELP msdos_file_access_time_seconds A \\\\ backslash and a\\nnew line.',
        '# TYPE msdos_file_access_time_seconds gauge',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\""} 1.458255915e9',
        'braces{v="a,b}c=d"} 1',
      ].join('\n'),
    );
    expect(e.problems).toEqual([]);
    const f = e.families.get('msdos_file_access_time_seconds');
    expect(f?.help).toBe('A \\ backslash and a\nnew line.');
    expect(f?.samples[0]?.labels).toEqual({ path: 'C:\\DIR\\FILE.TXT', error: 'Cannot find file:\n"FILE.TXT"' });
    expect(f?.samples[0]?.value).toBe(1458255915);
    expect(e.families.get('braces')?.samples[0]?.labels).toEqual({ v: 'a,b}c=d' });
  });

  it('histograms and summaries: _bucket/_sum/_count grouped under the family', () => {
    const e = parsePrometheusText(
      [
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{le="0.05"} 24054',
        'http_request_duration_seconds_bucket{le="0.1"} 33444',
        'http_request_duration_seconds_bucket{le="+Inf"} 144320',
        'http_request_duration_seconds_sum 53423',
        'http_request_duration_seconds_count 144320',
        '# TYPE rpc_duration_seconds summary',
        'rpc_duration_seconds{quantile="0.01"} 3102',
        'rpc_duration_seconds{quantile="0.99"} NaN',
        'rpc_duration_seconds_sum 1.7560473e+07',
        'rpc_duration_seconds_count 2693',
      ].join('\n'),
    );
    expect(e.problems).toEqual([]);
    const h = e.families.get('http_request_duration_seconds');
    expect(h?.kind).toBe('histogram');
    expect(h?.samples.map((s) => s.name)).toEqual([
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_bucket',
      'http_request_duration_seconds_sum',
      'http_request_duration_seconds_count',
    ]);
    expect(h?.samples[2]?.labels.le).toBe('+Inf');
    const s = e.families.get('rpc_duration_seconds');
    expect(s?.kind).toBe('summary');
    expect(s?.samples).toHaveLength(4);
    expect(Number.isNaN(s?.samples[1]?.value)).toBe(true);
    expect(s?.samples[2]?.value).toBe(17560473);
    expect(e.families.size).toBe(2);
  });

  it('special values and number forms', () => {
    expect(parseValue('+Inf')).toBe(Infinity);
    expect(parseValue('-Inf')).toBe(-Infinity);
    expect(Number.isNaN(parseValue('NaN'))).toBe(true);
    expect(Number.isNaN(parseValue('Nan'))).toBe(true);
    expect(parseValue('inf')).toBe(Infinity);
    expect(parseValue('1e-3')).toBe(0.001);
    expect(parseValue('-0.5')).toBe(-0.5);
    expect(parseValue('.5')).toBe(0.5);
    expect(parseValue('12abc')).toBeNull();
    expect(parseValue('')).toBeNull();
  });

  it('malformed lines are reported with their line number and skipped; the rest is kept', () => {
    const e = parsePrometheusText(
      [
        'good 1',
        'bad{le="0.1" 2',
        'bad2{x="unterminated} 3',
        'bad3 notanumber',
        'bad4{x="\\q"} 1',
        '# TYPE weird blob',
        'bad5{x="1",x="2"} 1',
        'also_good{a="b"} 2 123',
        '# EOF',
      ].join('\n'),
    );
    expect(e.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(e.problems[2]?.message).toMatch(/notanumber/);
    expect(e.problems[3]?.message).toMatch(/bad escape/);
    expect(e.problems[5]?.message).toMatch(/twice/);
    expect(sumSamples(e, 'good')).toBe(1);
    expect(sumSamples(e, 'also_good', { a: 'b' })).toBe(2);
  });

  it("reads prom-client's own exposition (default metrics, histogram with labels)", async () => {
    const reg = new client.Registry();
    client.collectDefaultMetrics({ register: reg });
    const h = new client.Histogram({ name: 't_seconds', help: 'a "quoted" help', labelNames: ['route'], buckets: [0.1, 1], registers: [reg] });
    h.observe({ route: '/a"b\\c' }, 0.5);
    h.observe({ route: '/a"b\\c' }, 2);
    const c = new client.Counter({ name: 't_total', help: 'h', labelNames: ['k'], registers: [reg] });
    c.inc({ k: 'x' }, 3);
    const e = parsePrometheusText(await reg.metrics());
    expect(e.problems).toEqual([]);
    expect(e.families.get('process_cpu_seconds_total')?.kind).toBe('counter');
    expect(sumSamples(e, 'process_resident_memory_bytes')).toBeGreaterThan(1e6);
    expect(sumSamples(e, 't_seconds_bucket', { route: '/a"b\\c', le: '1' })).toBe(1);
    expect(sumSamples(e, 't_seconds_bucket', { le: '+Inf' })).toBe(2);
    expect(sumSamples(e, 't_seconds_sum')).toBe(2.5);
    expect(sumSamples(e, 't_total', { k: 'x' })).toBe(3);
  });
});
