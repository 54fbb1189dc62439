// What one Stampede process can hold, checked before a run starts: a schedule beyond these is
// refused naming the field and the limit, instead of running for hours with millions of dropped
// iterations or hanging while it allocates a billion VUs. The limits are deliberately far above
// what any real test here needs, and below where the process itself breaks:
// - rate: one engine thread sustains ~20,000 iterations/s (README, bench); 64 threads (the
//   --threads maximum) could not exceed ~1.3 M/s on any machine, so 1,000,000/s per scenario;
// - VUs: every VU holds its state and a connection (a file descriptor); 100,000 per scenario is
//   above the usual descriptor limit (ulimit -n) already;
// - iterations: 1,000,000,000 per scenario (~14 h at 20,000/s; the count stays exact in a double);
// - time: a scenario's whole span (startTime + its schedule + gracefulStop/RampDown) and the
//   setup/teardown timeouts at most 7 days: the result keeps one timeline entry per second
//   (~600,000 for a week), and Node's timers overflow beyond ~24.8 days.
import type { NormalisedScenario } from './types.ts';

export const LIMITS = {
  ratePerSecond: 1_000_000,
  vus: 100_000,
  iterations: 1_000_000_000,
  spanMs: 7 * 86_400_000,
} as const;

type PathPart = string | number;
export interface LimitIssue {
  path: PathPart[];
  message: string;
}

const fmt = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(n));

function vusOver(path: PathPart[], n: number, issues: LimitIssue[]): void {
  if (n > LIMITS.vus) issues.push({ path, message: `${fmt(n)} VUs is more than one Stampede process can hold (at most ${fmt(LIMITS.vus)} per scenario; split the load over machines with \`stampede export k6\`)` });
}

function rateOver(path: PathPart[], perTimeUnit: number, timeUnitMs: number, issues: LimitIssue[]): void {
  const perSecond = (perTimeUnit * 1000) / timeUnitMs;
  if (perSecond > LIMITS.ratePerSecond) {
    issues.push({ path, message: `${fmt(perSecond)} iterations/s is more than one Stampede process can schedule (at most ${fmt(LIMITS.ratePerSecond)}/s per scenario; one engine thread drives ~20,000/s)` });
  }
}

function days(ms: number): string {
  // enough digits that a second over the limit does not read as the limit itself
  return `${(ms / 86_400_000).toLocaleString('en-US', { maximumFractionDigits: 6 })} days`;
}

/** Problems of one normalised scenario against LIMITS; paths relative to the scenario (`at`). */
export function scenarioLimitIssues(s: NormalisedScenario, at: PathPart[]): LimitIssue[] {
  const issues: LimitIssue[] = [];
  const p = (...rest: PathPart[]) => [...at, ...rest];
  let scheduleMs = 0;
  switch (s.executor) {
    case 'shared-iterations':
    case 'per-vu-iterations': {
      vusOver(p('vus'), s.vus, issues);
      const total = s.executor === 'shared-iterations' ? s.iterations : s.vus * s.iterations;
      if (total > LIMITS.iterations) {
        issues.push({ path: p('iterations'), message: `${fmt(total)} iterations${s.executor === 'per-vu-iterations' ? ' (vus × iterations)' : ''} is more than one run holds (at most ${fmt(LIMITS.iterations)} per scenario)` });
      }
      scheduleMs = s.maxDurationMs;
      break;
    }
    case 'constant-vus':
      vusOver(p('vus'), s.vus, issues);
      scheduleMs = s.durationMs;
      break;
    case 'ramping-vus':
      vusOver(p('startVUs'), s.startVUs, issues);
      s.stages.forEach((st, i) => vusOver(p('stages', i, 'target'), st.target, issues));
      scheduleMs = s.stages.reduce((a, st) => a + st.durationMs, 0) + s.gracefulRampDownMs;
      break;
    case 'constant-arrival-rate':
      rateOver(p('rate'), s.rate, s.timeUnitMs, issues);
      vusOver(p('preAllocatedVUs'), s.preAllocatedVUs, issues);
      vusOver(p('maxVUs'), s.maxVUs, issues);
      scheduleMs = s.durationMs;
      break;
    case 'ramping-arrival-rate':
      rateOver(p('startRate'), s.startRate, s.timeUnitMs, issues);
      s.stages.forEach((st, i) => rateOver(p('stages', i, 'target'), st.target, s.timeUnitMs, issues));
      vusOver(p('preAllocatedVUs'), s.preAllocatedVUs, issues);
      vusOver(p('maxVUs'), s.maxVUs, issues);
      scheduleMs = s.stages.reduce((a, st) => a + st.durationMs, 0);
      break;
  }
  const span = s.startTimeMs + scheduleMs + s.gracefulStopMs;
  if (span > LIMITS.spanMs) {
    issues.push({ path: at.length > 0 ? at : ['duration'], message: `the scenario spans ${days(span)} (startTime + its schedule + gracefulStop); a run is at most ${days(LIMITS.spanMs)}` });
  }
  // dedupe identical VU messages (maxVUs defaults to preAllocatedVUs)
  return issues.filter((x, i) => !(x.path.at(-1) === 'maxVUs' && issues.some((y, j) => j < i && y.path.at(-1) === 'preAllocatedVUs' && y.message === x.message)));
}

/** setupTimeout / teardownTimeout: the same bound as a scenario's span. */
export function timeoutLimitIssue(key: 'setupTimeout' | 'teardownTimeout', ms: number): LimitIssue | null {
  return ms > LIMITS.spanMs ? { path: [key], message: `${days(ms)} is longer than a run may last (at most ${days(LIMITS.spanMs)})` } : null;
}
