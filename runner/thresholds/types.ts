// A threshold as the scenario states it, once parsed: a leaf type that the scenario's options,
// the parser and the evaluator share.

/** One threshold expression on one metric (possibly a tag-filtered sub-metric). */
export interface ThresholdDef {
  /** the key as written, e.g. 'http_req_latency{scenario:sale}' */
  key: string;
  metric: string;
  /** tag filter of a sub-metric; empty for the whole metric */
  tags: Record<string, string>;
  /** the expression as written, e.g. 'p(99)<200' */
  source: string;
  /** aggregation: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' | 'value' | 'p(N)' */
  aggregation: string;
  /** for p(N): N in [0, 100] */
  percentile?: number;
  operator: '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';
  value: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}
