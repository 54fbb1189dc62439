// The MST search against a real target of known capacity: 4 slots × 20 ms = 200 req/s, in its
// own process; requests beyond the slots queue. Probes are short (warm-up 1 s, window 3 s) so
// the search takes about a minute. Tolerances allow for other work on the machine's 2 cores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratchDir, scenarioSource } from '../testing/fixtures.ts';
import { capacityRequest, type TestCapacityRequest } from '../testing/capacity-request.ts';
import { runCapacity, type CapacityRequest } from './run-capacity.ts';
import { parseSlo } from './slo.ts';
import { startSlotTarget, type SlotTarget } from './fixtures/slot-target.ts';
import { capacityDocumentSchema } from '../result/capacity-schema.ts';

let target: SlotTarget;
const scratch = scratchDir('capacity');
// the scenario's own executor is replaced by the probes; it only lends its journey
const file = scratch.write('slots.ts', scenarioSource({ vus: 1, iterations: 1 }));
const busyFile = scratch.write(
  'busy.ts',
  scenarioSource({ vus: 1, iterations: 1 }, `const until = performance.now() + 30; while (performance.now() < until) {}; await vu.http.get(vu.env.BASE + '/')`),
);

beforeAll(async () => {
  target = await startSlotTarget(4, 20);
});
afterAll(async () => {
  await target?.stop();
  scratch.remove();
});

function request(over: Partial<TestCapacityRequest>): Promise<CapacityRequest> {
  return capacityRequest({
    file,
    env: { BASE: target.url },
    target: target.url,
    slo: parseSlo(['p(99)<150'], 'rate<0.01'),
    startRate: 150,
    windowMs: 3000,
    cooldownMs: 300,
    metricsUrl: `${target.url}/metrics`,
    ...over,
  });
}

describe('stampede capacity against a 200 req/s target', () => {
  it('finds the true capacity in at most 12 probes: within 5 % converged, within −10 % when it ends generator-limited', { timeout: 180_000 }, async () => {
    const t0 = performance.now();
    const doc = await runCapacity(await request({ peak: { peak: 1000, headroom: 0.7, hpa: {} } }));
    const seconds = (performance.now() - t0) / 1000;
    const a = doc.answer!;
    const table = doc.probes.map((p) => `${p.index} ${p.phase} ${p.rate}/s ${p.verdict} p99=${p.latency?.p99} achieved=${p.achievedRatio} dropped=${p.dropped} ${p.reasons.join('; ')}`).join('\n');
    console.log(`true capacity ${target.capacity}/s, found ${a.mst}/s (${a.status}, ±${((a.precision ?? 0) * 100).toFixed(1)} %), ${a.probes} probes, ${seconds.toFixed(1)} s\n${table}`);

    // On a quiet machine the search converges within 5 % of the truth, bracketed within the
    // asked precision. On a loaded one (other engineers' tests on the same 2 cores) a probe just
    // above capacity can stay generator-limited through its re-runs — the generator lagged and
    // the failure is within what its lag explains — and the search ends there rather than go
    // below it: the status says so, and the answer is a lower bound, within −10 % of the truth.
    expect(['converged', 'generator-limited']).toContain(a.status);
    expect(a.mst).not.toBeNull();
    expect(a.mst!).toBeLessThanOrEqual(target.capacity * 1.05);
    if (a.status === 'converged') {
      expect(Math.abs(a.mst! - target.capacity) / target.capacity).toBeLessThanOrEqual(0.05);
      expect(a.precision!).toBeLessThanOrEqual(0.05 + 1e-9);
    } else {
      expect(a.mst!).toBeGreaterThanOrEqual(target.capacity * 0.9);
      expect(doc.probes.at(-1)!.verdict).toBe('generator-limited'); // it ended at the generator-limited probe
    }
    expect(a.probes).toBeLessThanOrEqual(12);
    if (a.status === 'generator-limited') expect(a.message).toMatch(/not the target's limit/);
    // 150/s is well inside capacity: never a target failure; its passes show the 20 ms service
    // time, nothing dropped, and Little's law holding
    const easy = doc.probes.filter((p) => p.rate <= 0.8 * target.capacity);
    expect(easy.length).toBeGreaterThan(0);
    expect(easy.filter((p) => p.verdict === 'fail')).toEqual([]);
    const easyPasses = easy.filter((p) => p.verdict === 'pass');
    expect(easyPasses.length).toBeGreaterThan(0);
    for (const p of easyPasses) {
      expect(p.dropped).toBe(0);
      expect(p.latency!.p50).toBeGreaterThanOrEqual(19);
      expect(p.littlesLaw?.ok).toBe(true);
    }
    // 1.5× the capacity is a failure of the target, never blamed on the generator, and the
    // target completed no more than its capacity
    const over = doc.probes.filter((p) => p.rate >= 1.5 * target.capacity);
    expect(over.length).toBeGreaterThan(0);
    for (const p of over) {
      expect(p.verdict).toBe('fail');
      expect(p.throughput).toBeLessThan(target.capacity * 1.05);
    }
    // between probes the target's waiting gauge was watched
    expect(doc.probes.slice(1).some((p) => p.idle.method === 'metrics')).toBe(true);
    // instances for the peak: ⌈1000 / (MST × 0.7)⌉, and an HPA simulation on a step
    expect(doc.peak!.instances).toBe(Math.ceil(1000 / (a.mst! * 0.7) - 1e-9));
    expect(doc.peak!.hpa!.profileSource).toBe('step');
    // the document round-trips through its schema
    expect(capacityDocumentSchema.parse(JSON.parse(JSON.stringify(doc)))).toEqual(doc);
  });

  it('a generator short of VUs is generator-limited, not the target failing', { timeout: 60_000 }, async () => {
    const doc = await runCapacity(await request({ startRate: 100, maxVUs: 1, maxProbes: 1 }));
    const p = doc.probes[0]!;
    expect(p.dropped).toBeGreaterThan(0);
    expect(p.verdict).toBe('generator-limited');
    expect(p.reasons.join(' ')).toMatch(/ran out of VUs/);
    expect(doc.answer!.upperBound).toBeNull(); // no target failure recorded
    expect(doc.answer!.generatorLimit).toBe(100);
  });

  it('a generator whose journey burns the CPU is generator-limited', { timeout: 60_000 }, async () => {
    // 100 iterations/s × 30 ms of busy loop = 3 CPU-seconds per second on one event loop
    const doc = await runCapacity(await request({ file: busyFile, startRate: 100, maxProbes: 1, warmupMs: 0, windowMs: 2000 }));
    const p = doc.probes[0]!;
    expect(p.verdict).toBe('generator-limited');
    expect(p.generator.saturated).toBe(true);
    expect(p.generator.eventLoopLagP99).toBeGreaterThan(10);
    expect(doc.answer!.upperBound).toBeNull();
  });
});
