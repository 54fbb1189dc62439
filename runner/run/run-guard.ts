// What keeps a run from running away: the time limits it is held to whatever its journeys do,
// and a timer that can wait longer than setTimeout's 24.8 days.
import { nowUs } from '../time/clock.ts';

/**
 * How long the engine gets, after the run is stopped (Ctrl-C, abortOnFail, the deadline), before
 * it is abandoned. The executors give in-flight iterations 1 s after a stop, then interrupt them
 * and end: this is that second plus a margin.
 */
export const ABANDON_AFTER_STOP_MS = 1500;
/**
 * Past its planned end plus gracefulStop (when every scenario has interrupted what was still
 * running and ended by itself), a run still going is stopped this much later.
 */
export const OVERRUN_SLACK_MS = 1000;
/** teardown()'s time once the user stopped the run: the first Ctrl-C ends a run within ~2 s */
export const TEARDOWN_AFTER_INTERRUPT_MS = 500;

/** setTimeout's longest delay (a longer one fires at once) */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fn` at epoch µs `atUs` (however far away); returns a cancel function. */
export function callAt(atUs: number, fn: () => void): () => void {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const waitMs = (atUs - nowUs()) / 1000;
    if (waitMs > MAX_TIMER_MS) timer = setTimeout(arm, MAX_TIMER_MS);
    else timer = setTimeout(fn, Math.max(0, waitMs));
  };
  arm();
  return () => clearTimeout(timer);
}
