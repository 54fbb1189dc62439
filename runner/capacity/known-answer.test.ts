// The MST search against targets whose capacity is known by construction (fixtures/
// rate-server.mjs): 1 ms answers while the arrivals of the last 100 ms stay within R/s, 301 ms
// beyond. Under any latency SLO between those two the true MST is R; the search must find it
// within −10 %…+5 % in at most 12 probes, for two values of R. R is kept small (the machine is
// shared) and the probes short (warm-up 1 s, window 3 s). The SLO is on the median: a stall of
// either process (the machine's two cores are shared with other work) bunches arrivals, and
// every request in the 100 ms after a bunch is slow — at 0.9 R an 11 ms stall is enough,
// whatever R — so a high percentile measures how often the machine stalls (measured under a
// load average of 4: p(99) found 0.78 R, p(90) 0.84 R). Above R nearly every 100 ms holds more
// than R × 0.1 arrivals, so the median still fails there: it says which side of R a probe is.
// The bound is 50 ms, far below the 301 ms of the slow answers: a probe whose generator lagged
// fails on the target only when its latency, less twice the lag, still breaks the SLO (slo.ts),
// and on this machine the lag reached 100 ms — with a 200 ms bound, 301 ms answers would then
// be put down to the generator.
import { afterAll, describe, expect, it } from 'vitest';
import { scratchDir, scenarioSource } from '../testing/fixtures.ts';
import { capacityRequest } from '../testing/capacity-request.ts';
import { runCapacity } from './run-capacity.ts';
import { parseSlo } from './slo.ts';
import { formatCapacitySummary } from './capacity-format.ts';
import { startRateTarget } from './fixtures/slot-target.ts';

const scratch = scratchDir('known-answer');
// the scenario's own executor is replaced by the probes; it only lends its journey (one GET)
const file = scratch.write('one-get.ts', scenarioSource({ vus: 1, iterations: 1 }));
afterAll(() => scratch.remove());

describe('stampede capacity finds a capacity known by construction', () => {
  for (const R of [200, 400]) {
    it(`R = ${R}/s: MST within −10 %…+5 % of R in ≤ 12 probes`, { timeout: 240_000 }, async () => {
      const target = await startRateTarget(R);
      try {
        const doc = await runCapacity(
          await capacityRequest({
            file,
            env: { BASE: target.url },
            target: target.url,
            slo: parseSlo(['p(50)<50'], 'rate<0.01'),
            // a start that is no power-of-two fraction of R: the search must not land on R by luck
            startRate: 0.3 * R,
            warmupMs: 1000,
            windowMs: 3000,
            cooldownMs: 300,
          }),
        );
        const a = doc.answer!;
        const table = doc.probes.map((p) => `${p.index} ${p.phase} ${p.rate}/s ${p.verdict} p99=${p.latency?.p99} VUs=${p.vus?.max} ${p.reasons.join('; ')}`).join('\n');
        console.log(`R = ${R}/s: MST ${a.mst}/s (${a.status}), ${a.probes} probes\n${table}`);
        // converged; or, when the machine starved the generator at the last probes, generator-limited —
        // either way the MST must be right
        expect(['converged', 'generator-limited']).toContain(a.status);
        expect(a.mst).not.toBeNull();
        expect(a.mst!).toBeGreaterThanOrEqual(0.9 * R);
        expect(a.mst!).toBeLessThanOrEqual(1.05 * R);
        expect(a.probes).toBeLessThanOrEqual(12);
        // a rate above R is the target failing, never blamed on the generator
        // (a generator-limited run there is re-run, never taken as the answer: the last run at each rate decides)
        const lastAt = new Map(doc.probes.map((p) => [p.rate, p.verdict]));
        for (const [rate, verdict] of lastAt) if (rate > 1.05 * R) expect(verdict).toBe('fail');
        expect(a.upperBound).not.toBeNull();
        expect(a.upperBound!).toBeGreaterThan(a.mst!);
        // one request per iteration, measured; the pilot sized the VUs from the journey
        expect(a.requestsPerIteration).toBe(1);
        expect(a.mstRequestsPerSecond).toBe(a.mst);
        expect(doc.sizing?.journey?.source).toBeDefined();
        expect(doc.probes.every((p) => p.vus !== undefined && p.vus.max >= 10)).toBe(true);
        const text = formatCapacitySummary(doc);
        expect(text).toMatch(/MST ≈ \d+(\.\d+)? iterations\/s \(\d+(\.\d+)? requests\/s at 1 request per iteration\)/);
        expect(text).not.toMatch(/\?|undefined|NaN/);
      } finally {
        await target.stop();
      }
    });
  }
});
