// The six k6 executors, run in one engine thread. Open model (arrival-rate): iteration i is due
// at the scenario's start + the plan's offset of i — computed in closed form, so nothing drifts —
// and takes a free VU; with none free and maxVUs reached it is counted in dropped_iterations.
// Closed model (the VU executors): VUs loop over iterations back to back.
// With several threads, each runs its segment (the run plan's): arrival-rate scenarios keep the
// global schedule striped over threads (scenario/plan.ts) and split their VUs; VU executors get
// their share of the VUs.
import type { Journey } from '../scenario/api.ts';
import type { ArrivalRateScenario, NormalisedScenario } from '../scenario/types.ts';
import { arrivalSchedule, rampingVusAt } from '../scenario/plan.ts';
import type { IntervalRecorder } from '../recorder/interval.ts';
import { nowUs } from '../time/clock.ts';
import { PreciseTimer } from './precise-timer.ts';
import type { VirtualUser } from './vu.ts';

export interface Segment {
  index: number;
  count: number;
}

export interface StopControl {
  /** true once the whole run is stopping (Ctrl-C, abortOnFail, an error) */
  readonly stopping: boolean;
  /** resolves when the whole run starts stopping */
  readonly stopped: Promise<void>;
}

export interface ExecutorContext {
  /**
   * This thread's segment of the scenario (segmentScenario in runner/scenario/plan.ts): VUs and
   * iterations split across threads, an arrival schedule striped across them.
   */
  scenario: NormalisedScenario;
  /** epoch µs at which this scenario starts */
  startUs: number;
  recorder: IntervalRecorder;
  journey: Journey;
  setupData: unknown;
  env: Readonly<Record<string, string>>;
  /** a new VU for this scenario (the thread numbers them); null once the thread can hold no more */
  newVu(): VirtualUser | null;
  stop: StopControl;
  onJourneyError(error: unknown, vu: VirtualUser): void;
}

/** How long in-flight iterations get when the whole run is stopped early. */
const RUN_STOP_GRACE_MS = 1000;
/**
 * How long a scenario waits, after interrupting its stragglers, for their loops to unwind. An
 * interrupted journey that awaits anything of the VU's (a request, a sleep) resumes at once; one
 * awaiting a promise that never settles never does, and the scenario must end anyway (its
 * iteration is already counted as interrupted, and everything the VU does later is a no-op).
 */
const LOOP_UNWIND_MS = 100;
/**
 * How the arrival-rate scheduler waits for its next arrival. Further away than SPIN_LEAD_US it
 * sleeps on setTimeout (1 ms granularity, up to ~1 ms late), waking at least 1 ms early; closer
 * in, on a PreciseTimer (a helper thread's futex: tens of µs late), armed early by how late it
 * has been waking (WakeLead); the last SPIN_WINDOW_US it spins for (setImmediate, responses are
 * read in between). It never spins for longer: a scheduler that spins without pause is on time
 * on an idle core, but on a shared one the kernel takes turns with it for milliseconds at a time
 * (measured at 5,000/s on a busy machine: send lag and response handling far worse than a
 * sleeping scheduler's). What spinning costs is measured (SpinMeter) and reported apart from
 * the work. A wake-up costs ~30–60 µs of CPU (two threads woken, a message): arrivals closer
 * together than DENSE_GAP_US start in batches every DENSE_WAKE_US instead, which keeps ~10 % of
 * a core for waking at any rate, at up to DENSE_WAKE_US of send lag (measured at 20,000/s on a
 * busy machine: a wake-up per 150 µs took the CPU the requests needed, and iterations dropped).
 */
export const SPIN_LEAD_US = 2000;
export const SPIN_WINDOW_US = 50;
export const DENSE_GAP_US = 150;
export const DENSE_WAKE_US = 500;
/**
 * The longest one scheduler tick starts iterations before it yields to the event loop. Without
 * it, a scheduler that fell behind (start-up: every VU opens its connection) kept starting
 * iterations without ever letting a response in, so no VU came free, each iteration took a new
 * VU and connection, and the tick ran on until maxVUs were used up and the rest was dropped.
 */
const TICK_BUDGET_US = 1000;
/**
 * The longest VUs are created for in one go. A VU costs ~20 µs and ~4 KB to create: 100,000 of
 * them made in one synchronous loop held the event loop for seconds (no timer, no response, no
 * Ctrl-C), and a count far beyond the machine never let the run reach its end. Past this, the
 * rest are created on later turns of the event loop, as the executor's timers allow.
 */
const VU_START_BUDGET_US = 2000;

export async function runExecutor(ctx: ExecutorContext): Promise<void> {
  const s = ctx.scenario;
  switch (s.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return runArrivalRate(ctx, s);
    case 'constant-vus':
      return runLoopingVus(ctx, (elapsedMs) => (elapsedMs < s.durationMs ? s.vus : 0), s.durationMs, 0);
    case 'ramping-vus': {
      const total = s.stages.reduce((a, st) => a + st.durationMs, 0);
      return runLoopingVus(ctx, (elapsedMs) => (elapsedMs < total ? rampingVusAt(s, elapsedMs) : 0), total, s.gracefulRampDownMs);
    }
    case 'per-vu-iterations':
      return runIterationBudget(ctx, s.vus, s.maxDurationMs, () => {
        const perVu = new Map<VirtualUser, number>();
        return (vu) => {
          const n = perVu.get(vu) ?? 0;
          if (n >= s.iterations) return false;
          perVu.set(vu, n + 1);
          return true;
        };
      });
    case 'shared-iterations':
      return runIterationBudget(ctx, s.vus, s.maxDurationMs, () => {
        let left = s.iterations;
        return () => left-- > 0;
      });
  }
}

/**
 * Runs one iteration on `vu`; the iteration counts when it was not interrupted. `after` runs
 * when it has settled (the arrival-rate executor's bookkeeping, without a .then per iteration).
 */
async function iterate(ctx: ExecutorContext, vu: VirtualUser, intendedUs: number, after?: (vu: VirtualUser) => void): Promise<void> {
  beginIteration(ctx, vu, intendedUs);
  const t0 = nowUs();
  try {
    await ctx.journey(vu, ctx.setupData);
  } catch (e) {
    if (!vu.interrupted) ctx.onJourneyError(e, vu);
  }
  endIteration(ctx, vu, t0);
  if (after !== undefined) after(vu);
}

/**
 * The start of an iteration on `vu` (the caller takes the start time); `intendedUs`: when the
 * schedule wanted it to start (epoch µs), 0 in a closed model. The VU measures its requests'
 * http_req_latency from it.
 */
function beginIteration(ctx: ExecutorContext, vu: VirtualUser, intendedUs: number): void {
  const s = ctx.scenario;
  vu.beginIteration(s.name, s.tags, ctx.env, intendedUs);
}

/** Records the iteration that began at t0; returns the clock reading it ended at. */
function endIteration(ctx: ExecutorContext, vu: VirtualUser, t0: number): number {
  const t1 = nowUs();
  if (!vu.interrupted) ctx.recorder.recordIteration(vu.iterationCell(), t1 - t0);
  return t1;
}

/**
 * A looping VU (the VU executors): iterations back to back while `more()` says so. The
 * iteration runs inline here, not through iterate(): one async frame less per iteration on the
 * closed model's hot path.
 */
async function vuLoop(ctx: ExecutorContext, vu: VirtualUser, inFlight: InFlight, more: () => boolean): Promise<void> {
  const recorder = ctx.recorder;
  // Back to back, an iteration begins when the one before ended: one clock reading serves as
  // both (what lies between is this loop's bookkeeping, well under a microsecond).
  let t0 = nowUs();
  while (!ctx.stop.stopping && !vu.interrupted && more()) {
    recorder.iterationStarted(null);
    inFlight.add(vu);
    beginIteration(ctx, vu, 0);
    try {
      await ctx.journey(vu, ctx.setupData);
    } catch (e) {
      if (!vu.interrupted) ctx.onJourneyError(e, vu);
    }
    t0 = endIteration(ctx, vu, t0);
    inFlight.done(vu);
  }
}

/**
 * Counts the VUs with an iteration running (and the recorder's `vus` gauge with them), so a
 * scenario can wait for them, then interrupt the stragglers. No promise and no set entry per
 * iteration (the hot path): each VU carries its own `iterating` flag, and done() wakes a waiting
 * drain when the count reaches 0. An interrupted iteration is done at once, whether or not its
 * journey ever settles: the scenario never waits on user code past its grace.
 */
class InFlight {
  private count = 0;
  private onEmpty: (() => void) | null = null;

  /** `all`: every VU of the scenario, for interrupting the ones still iterating */
  constructor(
    private readonly all: () => Iterable<VirtualUser>,
    private readonly recorder: IntervalRecorder,
  ) {}

  add(vu: VirtualUser): void {
    vu.iterating = true;
    this.count++;
    this.recorder.vus++;
  }

  done(vu: VirtualUser): void {
    if (!vu.iterating) return;
    vu.iterating = false;
    this.count--;
    this.recorder.vus--;
    if (this.count === 0 && this.onEmpty !== null) this.onEmpty();
  }

  /** Stops `vu` now; an iteration it was running counts as interrupted (k6's "interrupted iterations"). */
  interrupt(vu: VirtualUser): void {
    if (vu.iterating) this.recorder.interruptedIteration(vu.iterationTags());
    vu.interrupt();
    this.done(vu);
  }

  get size(): number {
    return this.count;
  }

  /** Waits up to `graceMs` (or until the run stops), then interrupts what is still running. */
  async drain(graceMs: number, stop: StopControl): Promise<void> {
    if (this.count > 0) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((r) => (timer = setTimeout(r, stop.stopping ? Math.min(graceMs, RUN_STOP_GRACE_MS) : graceMs)));
      const empty = new Promise<void>((r) => (this.onEmpty = r));
      await Promise.race([empty, deadline, stop.stopped.then(() => sleepMs(RUN_STOP_GRACE_MS))]);
      this.onEmpty = null;
      clearTimeout(timer);
    }
    for (const vu of this.all()) if (vu.iterating) this.interrupt(vu);
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Waits for the scenario's startTime; false when the run was stopped first (nothing to run then). */
async function waitForStart(ctx: ExecutorContext): Promise<boolean> {
  const waitMs = (ctx.startUs - nowUs()) / 1000;
  if (waitMs > 0 && !ctx.stop.stopping) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((r) => (timer = setTimeout(r, waitMs))), ctx.stop.stopped]);
    clearTimeout(timer);
  }
  return !ctx.stop.stopping;
}

/** Waits for `loops` to end, but no longer than LOOP_UNWIND_MS (see there). */
async function unwind(loops: Promise<void>[]): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(loops), new Promise<void>((r) => (timer = setTimeout(r, LOOP_UNWIND_MS)))]);
  clearTimeout(timer);
}

function runArrivalRate(ctx: ExecutorContext, s: ArrivalRateScenario): Promise<void> {
  const { recorder } = ctx;
  const schedule = arrivalSchedule(s);
  const free: VirtualUser[] = [];
  const everyVu: VirtualUser[] = [];
  const inFlight = new InFlight(() => everyVu, recorder);
  const maxVUs = Math.max(s.maxVUs, s.preAllocatedVUs);
  let allocated = 0;
  const allocate = (): VirtualUser | null => {
    const vu = ctx.newVu();
    if (vu === null) return null;
    allocated++;
    recorder.vusMax += 1;
    everyVu.push(vu);
    return vu;
  };
  let ended = false;
  // preallocated in slices (VU_START_BUDGET_US); until then, launch() allocates on demand
  const preallocate = () => {
    const yieldAt = nowUs() + VU_START_BUDGET_US;
    while (allocated < s.preAllocatedVUs && !ended) {
      if (nowUs() > yieldAt) return void setImmediate(preallocate);
      const vu = allocate();
      if (vu === null) return;
      free.push(vu);
    }
  };
  preallocate();
  const dropTags = { ...s.tags, scenario: s.name };
  let next = 0; // index of the next iteration of this segment
  const total = schedule.total;

  return new Promise<void>((resolve) => {
    const finish = async () => {
      ended = true;
      precise.close();
      // the rest of the schedule, if the run was stopped early, is not dropped: it was never due
      await inFlight.drain(s.gracefulStopMs, ctx.stop);
      for (const vu of free) vu.close();
      resolve();
    };
    const settled = (vu: VirtualUser) => {
      inFlight.done(vu);
      if (!vu.interrupted) free.push(vu);
    };
    // the most recently freed VU first: its connection is the one most likely still open
    // false when no VU is free and maxVUs are in use
    const launch = (intendedUs: number, now: number): boolean => {
      const vu = free.pop() ?? (allocated < maxVUs ? allocate() : null);
      if (!vu) return false;
      recorder.iterationStarted(now - intendedUs);
      inFlight.add(vu); // before iterate(), whose settled() counts it out
      void iterate(ctx, vu, intendedUs, settled);
      return true;
    };
    const spin = new SpinMeter();
    const lead = new WakeLead();
    // started now, ahead of the schedule: until it runs, the scheduler spins instead
    const precise = new PreciseTimer();
    let armedUs = 0;
    // when the scheduler last woke from a sleep: it spins at most SPIN_WINDOW_US past it, and
    // with dense arrivals sleeps again until DENSE_WAKE_US after it
    let wokeUs = 0;
    const wake = () => {
      wokeUs = nowUs();
      lead.woke(wokeUs - armedUs);
      tick();
    };
    const wakeFromTimer = () => {
      wokeUs = nowUs();
      tick();
    };
    const tick = () => {
      if (ctx.stop.stopping) return void finish();
      // every iteration due by now starts in this tick; the clock is read again per start, so
      // the send lag of the last of a batch includes the time spent starting the others
      let now = nowUs();
      const yieldAt = now + TICK_BUDGET_US;
      const first = next;
      let due = 0;
      while (next < total) {
        due = ctx.startUs + schedule.offsetMs(next) * 1000;
        now = nowUs();
        if (due > now) break;
        if (now > yieldAt) {
          // behind schedule: let I/O run (connections open, responses free their VUs), then go on
          spin.stop();
          setImmediate(tick);
          return;
        }
        if (launch(due, now)) next++;
        else {
          // no VU now: every iteration due by now is dropped, counted at once (one by one, a
          // schedule far beyond what the VUs can start made the counting itself the bottleneck
          // and kept the scheduler running long after the schedule's end)
          const upTo = Math.max(next + 1, Math.min(total, schedule.countBefore((now - ctx.startUs) / 1000)));
          recorder.dropped(dropTags, upTo - next);
          next = upTo;
        }
      }
      if (next >= total) return void finish();
      const waitUs = due - now;
      const sleepMs = timerMsFor(waitUs);
      if (sleepMs !== null) {
        spin.stop();
        setTimeout(wakeFromTimer, sleepMs);
      } else if (due - wokeUs > SPIN_WINDOW_US && precise.ready) {
        spin.stop();
        const dense = (schedule.offsetMs(next + 1) - schedule.offsetMs(next)) * 1000 < DENSE_GAP_US;
        armedUs = dense ? Math.max(due - lead.us, wokeUs + DENSE_WAKE_US) : due - lead.us;
        precise.at(armedUs, wake);
      } else {
        recorder.schedulerWaitUs += spin.turn(now, next === first);
        setImmediate(tick);
      }
    };
    const startIn = (ctx.startUs - nowUs()) / 1000;
    if (startIn > 1) {
      // a run stopped before this scenario's startTime ends it then, not at its start
      let startTimer: NodeJS.Timeout | undefined = setTimeout(() => {
        startTimer = undefined;
        tick();
      }, Math.floor(startIn));
      void ctx.stop.stopped.then(() => {
        if (startTimer === undefined) return;
        clearTimeout(startTimer);
        startTimer = undefined;
        void finish();
      });
    } else setImmediate(tick);
  });
}

/**
 * How the arrival-rate scheduler waits for an arrival `waitUs` away: the timer (ms) that wakes it
 * at least 1 ms early (a timer's lateness) and at most SPIN_LEAD_US early, or null: spin to it.
 */
export function timerMsFor(waitUs: number): number | null {
  return waitUs > SPIN_LEAD_US ? Math.floor((waitUs - SPIN_LEAD_US) / 1000) + 1 : null;
}

/**
 * How early to arm the PreciseTimer: how late it has been waking, as a moving average of the
 * last ~16 wake-ups, at most SPIN_WINDOW_US (what is left is spun, or started late).
 */
export class WakeLead {
  us = 0;

  /** A wake-up `lateUs` after the instant it was armed for. */
  woke(lateUs: number): void {
    this.us += (Math.min(SPIN_WINDOW_US, Math.max(0, lateUs)) - this.us) / 16;
  }
}

/**
 * What the arrival-rate scheduler's waiting costs: while it spins (a setImmediate per turn of the
 * event loop until the next arrival is due), every turn that started nothing is waiting, not
 * work. Its cost is the cheapest turn seen, an empty one: a turn that also read responses counts
 * only that much, so the estimate never takes work for waiting (it errs towards reading busy).
 */
export class SpinMeter {
  private lastUs = 0;
  private cheapestUs = Infinity;

  /** A spinning turn that began at `nowUs`; returns the µs of it that were waiting. */
  turn(nowUs: number, idle: boolean): number {
    const last = this.lastUs;
    this.lastUs = nowUs;
    if (last === 0) return 0;
    const turnUs = nowUs - last;
    if (turnUs < this.cheapestUs) this.cheapestUs = turnUs;
    return idle ? this.cheapestUs : 0;
  }

  /** The scheduler stopped spinning (it sleeps on a timer, or yields behind schedule). */
  stop(): void {
    this.lastUs = 0;
  }
}

/**
 * constant-vus and ramping-vus: a controller sets how many VUs should be active; each active VU
 * loops over iterations. A VU above the target stops after its current iteration; one still
 * busy `gracefulRampDown` after it was ramped down is interrupted (k6's semantics).
 * The scenario given here is already this thread's segment (runner/scenario/plan.ts).
 */
async function runLoopingVus(ctx: ExecutorContext, targetAt: (elapsedMs: number) => number, durationMs: number, rampDownGraceMs: number): Promise<void> {
  const { recorder } = ctx;
  if (!(await waitForStart(ctx))) return;
  const vus: VirtualUser[] = [];
  const running = new Set<number>();
  const rampedDownAt = new Map<number, number>();
  const loops: Promise<void>[] = [];
  const inFlight = new InFlight(() => vus, recorder);
  const wanted = () => targetAt((nowUs() - ctx.startUs) / 1000);
  // the target as the controller last computed it (every 20 ms): a VU's check between
  // iterations is then a comparison, not a clock read and a walk over the stages
  let want = 0;
  let over = false;
  let resumeQueued = false;
  const resume = () => {
    resumeQueued = false;
    control();
  };
  const loop = async (vu: VirtualUser, index: number) => {
    await vuLoop(ctx, vu, inFlight, () => index < want);
    // (a VU interrupted on ramp-down may have been replaced at this index meanwhile)
    if (vus[index] !== vu) return;
    running.delete(index);
    rampedDownAt.delete(index);
  };
  const control = () => {
    if (over) return;
    want = wanted();
    const now = nowUs();
    const yieldAt = now + VU_START_BUDGET_US;
    for (let index = 0; index < want; index++) {
      if (running.has(index)) continue;
      let vu = vus[index];
      if (!vu || vu.interrupted) {
        // a large count is started over several turns of the event loop (VU_START_BUDGET_US)
        if (nowUs() > yieldAt) {
          if (!resumeQueued) setImmediate(resume);
          resumeQueued = true;
          break;
        }
        const made = ctx.newVu();
        if (made === null) break;
        vu = made;
        vus[index] = vu;
        if (index >= recorder.vusMax) recorder.vusMax = index + 1;
      }
      running.add(index);
      loops.push(loop(vu, index));
    }
    for (const index of running) {
      if (index < want) {
        rampedDownAt.delete(index);
        continue;
      }
      const since = rampedDownAt.get(index);
      if (since === undefined) rampedDownAt.set(index, now);
      else if (now - since > rampDownGraceMs * 1000) {
        // its iteration counts as interrupted and the index is free again at once: a journey
        // that never settles must not hold the slot (a later ramp-up gives it a new VU)
        const vu = vus[index];
        if (vu) inFlight.interrupt(vu);
        running.delete(index);
        rampedDownAt.delete(index);
      }
    }
  };
  // re-evaluate the target often enough to follow the stages (k6 steps VUs one by one)
  const timer = setInterval(control, 20);
  control();
  // (the duration timer is cleared when the run stops early, so it cannot keep the process alive)
  let durationTimer: NodeJS.Timeout | undefined;
  await Promise.race([new Promise<void>((r) => (durationTimer = setTimeout(r, durationMs))), ctx.stop.stopped]);
  clearTimeout(durationTimer);
  clearInterval(timer);
  over = true;
  want = 0; // no new iterations
  // duration over: running iterations get gracefulStop, then are interrupted
  await inFlight.drain(ctx.scenario.gracefulStopMs, ctx.stop);
  await unwind(loops);
  for (const vu of vus) vu.close();
}

/** per-vu-iterations and shared-iterations: VUs loop while the budget allows, up to maxDuration. */
async function runIterationBudget(ctx: ExecutorContext, vusCount: number, maxDurationMs: number, makeBudget: () => (vu: VirtualUser) => boolean): Promise<void> {
  const { recorder } = ctx;
  if (!(await waitForStart(ctx))) return;
  const take = makeBudget();
  const deadlineUs = ctx.startUs + maxDurationMs * 1000;
  let timeUp = false;
  const vus: VirtualUser[] = [];
  const loops: Promise<void>[] = [];
  const inFlight = new InFlight(() => vus, recorder);
  // the VUs start as they are created, in slices (VU_START_BUDGET_US)
  let allStarted!: () => void;
  const started = new Promise<void>((r) => (allStarted = r));
  const startVus = () => {
    const yieldAt = nowUs() + VU_START_BUDGET_US;
    while (vus.length < vusCount && !timeUp && !ctx.stop.stopping && nowUs() < deadlineUs) {
      if (nowUs() > yieldAt) return void setImmediate(startVus);
      const vu = ctx.newVu();
      if (vu === null) break;
      vus.push(vu);
      recorder.vusMax++;
      loops.push(vuLoop(ctx, vu, inFlight, () => !timeUp && nowUs() < deadlineUs && take(vu)));
    }
    allStarted();
  };
  startVus();
  let timer: NodeJS.Timeout | undefined;
  const all = started.then(() => Promise.all(loops));
  await Promise.race([all, new Promise<void>((r) => (timer = setTimeout(r, maxDurationMs))), ctx.stop.stopped]);
  clearTimeout(timer);
  timeUp = true;
  await inFlight.drain(ctx.scenario.gracefulStopMs, ctx.stop);
  await unwind(loops);
  for (const vu of vus) vu.close();
}
