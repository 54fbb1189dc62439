// The whole-request timeout as a Node timer can hold it (shared by the http and https paths).

/** Longest timer Node supports (~24.8 days); a timeout ≤ 0 or not finite means "none". */
const MAX_TIMER_MS = 2 ** 31 - 1;
export function clampTimeout(ms: number): number {
  return ms > 0 && ms < MAX_TIMER_MS ? ms : MAX_TIMER_MS;
}
