// A run result read from disk: the schema (runner/result/schema.ts), then what a schema cannot
// say — every HDR histogram must decode (a corrupted one would make the report show nonsense
// percentiles, or throw in the middle of building it) and its count must not be negative.
import { decodeHistogram } from '../recorder/histogram.ts';
import { StampedeError, type ErrorCode } from '../errors.ts';
import { runResultSchema, type MetricResult, type RunResult } from './schema.ts';
import { validateOrThrow } from './validate.ts';

function histogramProblem(m: MetricResult): string | null {
  if (m.histogram === undefined) return null;
  let total: number;
  try {
    total = decodeHistogram(m.histogram).totalCount;
  } catch (e) {
    return `not a valid HDR histogram (compressed base64, V2 encoding): ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!Number.isFinite(total) || total < 0) return `not a valid HDR histogram: total count ${total}`;
  return null;
}

/** Validates a run result document; throws naming `where` and the field (`metrics.http_req_duration.histogram: …`). */
export function validateRunResult(value: unknown, where: string, code: ErrorCode = 'STAMPEDE_E_RESULT_INVALID'): RunResult {
  const result = validateOrThrow(runResultSchema, value, where, code);
  for (const [name, m] of Object.entries(result.metrics)) {
    const bad = histogramProblem(m);
    if (bad) throw new StampedeError(code, `${where}: metrics.${name}.histogram: ${bad}`);
  }
  result.tagged.forEach((m, i) => {
    const bad = histogramProblem(m);
    if (bad) throw new StampedeError(code, `${where}: tagged[${i}].histogram: ${bad}`);
  });
  return result;
}
