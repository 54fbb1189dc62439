// The Grafana dashboard, generated from the metric names the target app and the runner export.
// Each panel declares the metric families it reads; deploy.test.ts checks every declared name
// against a live app's /metrics and the runner's exposition, and that the PromQL names nothing
// undeclared — so a renamed metric fails a test instead of leaving an empty panel.
import type { Json } from './yaml.ts';

export interface PanelSpec {
  title: string;
  /** metric families read (histograms by their base name) */
  metrics: string[];
  targets: Array<{ expr: string; legend: string }>;
  unit: string;
  source: 'app' | 'runner';
}

export const PANELS: PanelSpec[] = [
  { source: 'app', title: 'Requests per second by status', unit: 'reqps', metrics: ['http_request_duration_seconds'], targets: [{ expr: 'sum by (status) (rate(http_request_duration_seconds_count[1m]))', legend: '{{status}}' }] },
  {
    source: 'app',
    title: 'Server latency by route (p50, p99)',
    unit: 's',
    metrics: ['http_request_duration_seconds'],
    targets: [
      { expr: 'histogram_quantile(0.5, sum by (le, route) (rate(http_request_duration_seconds_bucket[1m])))', legend: 'p50 {{route}}' },
      { expr: 'histogram_quantile(0.99, sum by (le, route) (rate(http_request_duration_seconds_bucket[1m])))', legend: 'p99 {{route}}' },
    ],
  },
  { source: 'app', title: 'Checkouts by outcome', unit: 'ops', metrics: ['orders_total'], targets: [{ expr: 'sum by (outcome) (rate(orders_total[1m]))', legend: '{{outcome}}' }] },
  { source: 'app', title: 'Cache hit ratio', unit: 'percentunit', metrics: ['cache_requests_total'], targets: [{ expr: 'sum(rate(cache_requests_total{result="hit"}[1m])) / sum(rate(cache_requests_total[1m]))', legend: 'hit ratio' }] },
  { source: 'app', title: 'DB pool clients (waiting = queued queries)', unit: 'short', metrics: ['db_pool_clients'], targets: [{ expr: 'sum by (state) (db_pool_clients)', legend: '{{state}}' }] },
  { source: 'app', title: 'DB pool wait p99', unit: 's', metrics: ['db_pool_wait_seconds'], targets: [{ expr: 'histogram_quantile(0.99, sum by (le) (rate(db_pool_wait_seconds_bucket[1m])))', legend: 'p99' }] },
  { source: 'app', title: 'Payment provider latency p99', unit: 's', metrics: ['payment_duration_seconds'], targets: [{ expr: 'histogram_quantile(0.99, sum by (le, outcome) (rate(payment_duration_seconds_bucket[1m])))', legend: '{{outcome}}' }] },
  { source: 'app', title: 'Payment queue jobs', unit: 'short', metrics: ['queue_jobs'], targets: [{ expr: 'sum by (state) (queue_jobs)', legend: '{{state}}' }] },
  { source: 'app', title: 'CPU per replica', unit: 'percentunit', metrics: ['process_cpu_seconds_total'], targets: [{ expr: 'rate(process_cpu_seconds_total{job="target-app"}[1m])', legend: '{{instance}}' }] },
  { source: 'app', title: 'Event-loop lag p99 per replica', unit: 's', metrics: ['nodejs_eventloop_lag_p99_seconds'], targets: [{ expr: 'nodejs_eventloop_lag_p99_seconds{job="target-app"}', legend: '{{instance}}' }] },
  { source: 'app', title: 'Replicas up', unit: 'short', metrics: ['up'], targets: [{ expr: 'count(up{job="target-app"} == 1)', legend: 'replicas' }] },
  { source: 'runner', title: 'Runner: requests per second', unit: 'reqps', metrics: ['stampede_http_reqs_total'], targets: [{ expr: 'sum(rate(stampede_http_reqs_total[10s]))', legend: 'requests/s' }] },
  {
    source: 'runner',
    title: 'Runner: latency from the intended start vs duration from the send (p99, since start)',
    unit: 's',
    metrics: ['stampede_http_req_latency_seconds', 'stampede_http_req_duration_seconds'],
    targets: [
      { expr: 'max(stampede_http_req_latency_seconds{quantile="0.99"})', legend: 'latency p99' },
      { expr: 'max(stampede_http_req_duration_seconds{quantile="0.99"})', legend: 'duration p99' },
    ],
  },
  { source: 'runner', title: 'Runner: VUs', unit: 'short', metrics: ['stampede_vus', 'stampede_vus_max'], targets: [{ expr: 'stampede_vus', legend: 'active' }, { expr: 'stampede_vus_max', legend: 'allocated' }] },
  { source: 'runner', title: 'Runner: dropped iterations per second', unit: 'ops', metrics: ['stampede_dropped_iterations_total'], targets: [{ expr: 'sum(rate(stampede_dropped_iterations_total[10s]))', legend: 'dropped/s' }] },
  { source: 'runner', title: 'Runner: generator event-loop lag p99', unit: 's', metrics: ['stampede_generator_event_loop_lag_seconds'], targets: [{ expr: 'stampede_generator_event_loop_lag_seconds{quantile="0.99"}', legend: 'lag p99' }] },
];

/** Metrics Prometheus itself adds to every scrape. */
export const SYNTHETIC_METRICS = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped']);

export function dashboard(): Json {
  return {
    uid: 'stampede-overview',
    title: 'Stampede: target app and runner',
    tags: ['stampede'],
    timezone: 'utc',
    schemaVersion: 39,
    version: 1,
    refresh: '5s',
    time: { from: 'now-15m', to: 'now' },
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource: { type: 'prometheus', uid: 'prometheus' },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'none' } },
      targets: p.targets.map((t, j) => ({ refId: String.fromCharCode(65 + j), expr: t.expr, legendFormat: t.legend, datasource: { type: 'prometheus', uid: 'prometheus' } })),
    })),
  };
}

export function grafanaDatasources(): Json {
  return { apiVersion: 1, datasources: [{ name: 'Prometheus', type: 'prometheus', uid: 'prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true }] };
}

export function grafanaDashboardProvider(): Json {
  return { apiVersion: 1, providers: [{ name: 'stampede', folder: 'Stampede', type: 'file', disableDeletion: false, options: { path: '/var/lib/grafana/dashboards' } }] };
}

const PROMQL_WORDS = new Set([
  'sum', 'by', 'without', 'rate', 'irate', 'increase', 'histogram_quantile', 'max', 'min', 'avg', 'count', 'on', 'ignoring', 'group_left', 'group_right',
  'and', 'or', 'unless', 'offset', 'bool', 'topk', 'bottomk', 'quantile', 'stddev', 'abs', 'clamp_min', 'clamp_max', 'delta', 'deriv', 'label_replace', 'vector', 'scalar', 'time',
]);

/** Metric names a PromQL expression refers to: label matchers, grouping labels, strings and durations removed. */
export function metricsInExpr(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '$1')
    .replace(/\[[^\]]*\]/g, '');
  return [...stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)].map((m) => m[0]).filter((w) => !PROMQL_WORDS.has(w));
}
