// The built-in metrics: k6's names and meanings where k6 has the metric, plus
// http_req_latency (from the intended start: coordinated omission corrected).
import type { MetricType } from '../result/schema.ts';

export interface MetricDef {
  type: MetricType;
  contains: 'time' | 'data' | 'default';
  description: string;
}

export const BUILTIN_METRICS = {
  http_reqs: { type: 'counter', contains: 'default', description: 'HTTP requests completed (with or without error)' },
  http_req_duration: { type: 'trend', contains: 'time', description: 'from the actual send to the end of the response (k6: sending + waiting + receiving)' },
  http_req_latency: { type: 'trend', contains: 'time', description: 'from the intended start to the end of the response (coordinated omission corrected; equals duration + connect time in a closed model)' },
  http_req_waiting: { type: 'trend', contains: 'time', description: 'from the request written to the first response byte (TTFB)' },
  http_req_connecting: { type: 'trend', contains: 'time', description: 'establishing the TCP connection, after the DNS lookup (0 on a reused connection; k6 scripts also record http_req_tls_handshaking and http_req_blocked)' },
  http_req_failed: { type: 'rate', contains: 'default', description: 'requests that failed: a network error or a status outside 200–399' },
  iterations: { type: 'counter', contains: 'default', description: 'journey iterations completed' },
  iteration_duration: { type: 'trend', contains: 'time', description: 'from the start to the end of one journey iteration' },
  dropped_iterations: { type: 'counter', contains: 'default', description: 'iterations the schedule asked for that could not start (no free VU, or stopped)' },
  interrupted_iterations: { type: 'counter', contains: 'default', description: 'iterations still running when their gracefulStop (or gracefulRampDown, or the run\'s stop) ran out: interrupted, not in iterations (k6: "interrupted iterations")' },
  checks: { type: 'rate', contains: 'default', description: 'share of passed checks' },
  vus: { type: 'gauge', contains: 'default', description: 'active VUs' },
  vus_max: { type: 'gauge', contains: 'default', description: 'allocated VUs' },
  data_sent: { type: 'counter', contains: 'data', description: 'bytes sent' },
  data_received: { type: 'counter', contains: 'data', description: 'bytes received' },
} as const satisfies Record<string, MetricDef>;

export type BuiltinMetricName = keyof typeof BUILTIN_METRICS;

export function metricDef(name: string): MetricDef | undefined {
  return Object.hasOwn(BUILTIN_METRICS, name) ? BUILTIN_METRICS[name as BuiltinMetricName] : undefined;
}
