// The metrics Stampede records under k6's names (plus http_req_latency), with k6's metric types,
// and which threshold aggregations each type supports (k6 metrics/metric_type.go).

export type MetricType = 'trend' | 'counter' | 'rate' | 'gauge';

export const BUILTIN_METRICS: Readonly<Record<string, MetricType>> = {
  http_reqs: 'counter',
  http_req_duration: 'trend',
  /** Stampede: from the intended start (coordinated omission corrected) */
  http_req_latency: 'trend',
  http_req_waiting: 'trend',
  http_req_connecting: 'trend',
  http_req_blocked: 'trend',
  http_req_tls_handshaking: 'trend',
  http_req_sending: 'trend',
  http_req_receiving: 'trend',
  http_req_failed: 'rate',
  iterations: 'counter',
  iteration_duration: 'trend',
  dropped_iterations: 'counter',
  /** Stampede: k6 shows "N interrupted iterations" in its progress line, not as a metric */
  interrupted_iterations: 'counter',
  checks: 'rate',
  vus: 'gauge',
  vus_max: 'gauge',
  data_sent: 'counter',
  data_received: 'counter',
  group_duration: 'trend',
};

/** k6: counter → count, rate; gauge → value; rate → rate; trend → avg, min, med, max, p(N). */
export const AGGREGATIONS_BY_TYPE: Readonly<Record<MetricType, readonly string[]>> = {
  counter: ['count', 'rate'],
  gauge: ['value'],
  rate: ['rate'],
  trend: ['avg', 'min', 'med', 'max', 'p(N)'],
};

/** The aggregation's family: 'p(99.9)' → 'p(N)'. */
export function aggregationFamily(aggregation: string): string {
  return aggregation.startsWith('p(') ? 'p(N)' : aggregation;
}

export function supportsAggregation(type: MetricType, aggregation: string): boolean {
  return AGGREGATIONS_BY_TYPE[type].includes(aggregationFamily(aggregation));
}
