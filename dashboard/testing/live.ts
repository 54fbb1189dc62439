// Streams a finished RunResult as if it were running: the timeline second by second, with
// the request counter summed over the seconds sent so far. Stands in for `stampede run
// --dashboard` in tests until the runner streams by itself.
import type { RunResult } from '../../runner/result/schema.ts';
import type { LiveSummary } from '../live/protocol.ts';

/** The run's summary as it stood after `seconds` seconds. */
export function summaryAfter(result: RunResult, seconds: number): LiveSummary {
  const { timeline, ...rest } = result;
  const sofar = timeline.slice(0, seconds);
  const count = sofar.reduce((a, p) => a + p.requests, 0);
  return {
    ...rest,
    partial: true,
    thresholds: [],
    metrics: { ...rest.metrics, http_reqs: { type: 'counter', contains: 'default', values: { count, rate: seconds > 0 ? count / seconds : 0 } } },
  };
}
