// How the arrival-rate scheduler waits for its next arrival, what its waiting is counted as, and
// how an iteration's intended start reaches http_req_latency. Behaviour only: how late
// iterations start on a given machine is measured by `npm run bench:send-lag`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntervalRecorder } from '../recorder/interval.ts';
import { normaliseOptions } from '../scenario/normalise.ts';
import { startServer, type TestServer } from '../testing/fixtures.ts';
import { nowUs } from '../time/clock.ts';
import { SPIN_LEAD_US, SpinMeter, timerMsFor } from './executors.ts';
import { PreciseTimer } from './precise-timer.ts';
import { RequestNames, VirtualUser } from './vu.ts';

describe('the scheduler between arrivals', () => {
  it('spins for an arrival within SPIN_LEAD_US, sleeps on a timer for one further away, waking at least 1 ms early', () => {
    for (const waitUs of [0, 1, 200, 999, 1000, 1500, SPIN_LEAD_US]) expect(timerMsFor(waitUs)).toBeNull();
    for (let waitUs = SPIN_LEAD_US + 1; waitUs < 60_000; waitUs += 97) {
      const ms = timerMsFor(waitUs);
      expect(ms).not.toBeNull();
      // a timer fires up to ~1 ms after its time: it still wakes the scheduler before the arrival
      expect(ms! * 1000).toBeLessThanOrEqual(waitUs - 1000);
      // and sleeps as long as it can: what is left to spin is at most SPIN_LEAD_US
      expect(waitUs - ms! * 1000).toBeLessThanOrEqual(SPIN_LEAD_US);
      expect(Number.isInteger(ms)).toBe(true);
    }
  });

  it('counts the cheapest turn seen for each spinning turn that started nothing, and nothing across a sleep', () => {
    const m = new SpinMeter();
    // turns begin at 100, 110 (10 µs), 113 (3 µs), 120 (7 µs, started an iteration), 128 (8 µs)
    expect(m.turn(100, true)).toBe(0); // the first turn has no turn before it to measure
    expect(m.turn(110, true)).toBe(10);
    expect(m.turn(113, true)).toBe(3);
    expect(m.turn(120, false)).toBe(0);
    expect(m.turn(128, true)).toBe(3); // a turn that also read responses counts as the cheapest one
    m.stop();
    expect(m.turn(5_000, true)).toBe(0); // after a timer's sleep: no turn before it
    expect(m.turn(5_001, true)).toBe(1);
  });
});

describe('the intended start in http_req_latency', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => res.end('ok'));
  });
  afterAll(() => server.close());

  it("measures an iteration's first request from its intended start, adds that lag to its later requests, and none without one", async () => {
    const recorder = new IntervalRecorder(0);
    const vu = new VirtualUser(1, 1, { recorder, options: normaliseOptions({}, 'send-lag.ts'), env: {}, recordHttp: true, names: new RequestNames() });
    try {
      const url = `${server.url}/`;
      // the connection opened first, so every request below reuses it (connecting = 0)
      vu.beginIteration('s', {}, {}, 0);
      await vu.http.get(url);
      recorder.snapshot(0);

      const intendedUs = nowUs() - 50_000; // this iteration was due 50 ms ago
      vu.beginIteration('s', {}, {}, intendedUs);
      const before = nowUs();
      const first = await vu.http.get(url);
      const afterFirst = nowUs();
      const second = await vu.http.get(url);
      const afterSecond = nowUs();
      // the first: from the intended start to its end, exactly
      expect(first.timings.latency * 1000).toBeGreaterThanOrEqual(before - intendedUs);
      expect(first.timings.latency * 1000).toBeLessThanOrEqual(afterFirst - intendedUs);
      // the second: its own duration plus how late the first started, which is ≥ 50 ms
      expect(second.timings.latency - second.timings.duration).toBeGreaterThanOrEqual(50);
      expect(second.timings.latency * 1000).toBeLessThanOrEqual(afterSecond - intendedUs);
      const snap = recorder.snapshot(1);
      expect(snap.latency.totalCount).toBe(2);
      expect(snap.latency.minNonZeroValue).toBeGreaterThanOrEqual(50_000);

      // a closed-model iteration (no intended start): latency is the request's own time
      vu.beginIteration('s', {}, {}, 0);
      const closed = await vu.http.get(url);
      expect(closed.timings.latency).toBeCloseTo(closed.timings.duration + closed.timings.connecting, 6);
    } finally {
      vu.close();
      recorder.close();
    }
  });
});

describe('PreciseTimer', () => {
  it('fires each armed timer once, after its instant, the earliest first; a re-arm replaces, a closed timer never fires', async () => {
    const a = new PreciseTimer();
    const b = new PreciseTimer();
    const c = new PreciseTimer();
    const fired: Array<{ name: string; lateUs: number }> = [];
    try {
      const t0 = nowUs();
      await new Promise<void>((done) => {
        const at = (timer: PreciseTimer, name: string, atUs: number) => timer.at(atUs, () => {
          fired.push({ name, lateUs: nowUs() - atUs });
          if (fired.length === 2) setTimeout(done, 30); // time for a wrong third firing to show
        });
        at(a, 'a-replaced', t0 + 5_000);
        at(a, 'a', t0 + 20_000);
        at(b, 'b', t0 + 10_000);
        at(c, 'c', t0 + 15_000);
        c.close();
      });
      expect(fired.map((f) => f.name)).toEqual(['b', 'a']);
      // never before its instant (how late is the machine's: the send-lag bench measures it)
      for (const f of fired) expect(f.lateUs).toBeGreaterThanOrEqual(0);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });
});
