// A once-a-second tick aligned to the run's start (t = 0, 1, 2, ... at start + (t+1) s), each
// timer computed from the start rather than chained, so ticks never drift. Every thread uses the
// same alignment, so their snapshots for second t cover the same wall-clock second.
import { nowUs } from '../time/clock.ts';

/**
 * Returns stop(), which gives the next second not yet ticked: the final snapshot is filed under
 * it, so a tick delayed past the end of the run (a busy machine) never leaves a gap.
 */
export function startTicker(runStartUs: number, onTick: (t: number) => void): () => number {
  let t = Math.max(0, Math.floor((nowUs() - runStartUs) / 1e6));
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const arm = () => {
    const dueUs = runStartUs + (t + 1) * 1e6;
    timer = setTimeout(fire, Math.max(0, (dueUs - nowUs()) / 1000));
  };
  const fire = () => {
    if (stopped) return;
    onTick(t++);
    arm();
  };
  arm();
  return () => {
    stopped = true;
    clearTimeout(timer);
    return t;
  };
}

/** The second a moment falls in, relative to the run's start. */
export function secondOf(runStartUs: number, atUs = nowUs()): number {
  return Math.max(0, Math.floor((atUs - runStartUs) / 1e6));
}
