// The two latency definitions, named the same way everywhere (charts, tables, banners):
// a reader must never have to guess which one a number is.
export const LATENCY = {
  metric: 'http_req_latency',
  label: 'Latency from intended start (coordinated-omission corrected)',
  short: 'latency (from intended start)',
} as const;

export const DURATION = {
  metric: 'http_req_duration',
  label: 'Duration from actual send (k6)',
  short: 'duration (from send)',
} as const;

export type LatencyDefinition = typeof LATENCY | typeof DURATION;
