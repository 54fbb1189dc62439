// A slow check, run by hand (minutes, not a unit test): does `stampede capacity`'s answer on the
// shop agree with a fine constant-arrival-rate sweep over the same range?
//   npx tsx runner/bench/shop-sweep-check.ts [--config variant=async] [--slo 'p(99)<200'] [--steps 13]
// One shop is started (the configuration given), the MST search runs against it with the
// default probe settings, then single probes at evenly spaced rates from 0.7 × MST to
// 1.3 × MST, each judged by the same SLO (a generator-limited one is re-run, up to twice).
// The sweep's answer is the highest rate at which it and every lower rate passed. On a noisy
// machine a sweep is not monotonic (a stall fails one rate, a quiet moment passes a higher
// one), so the boundary that best splits it is given too: the passing rate t with the fewest
// passes above t plus failures at or below t. Prints both and their relative differences to
// the search's MST; exits 1 when the first differs by more than 10 %.
import { parseArgs } from 'node:util';
import { launchTarget } from '../orchestrate/launch.ts';
import { parseConfigPairs, validateTargetConfig } from '../orchestrate/target-config.ts';
import { capacityRequest } from '../testing/capacity-request.ts';
import { runCapacity, type CapacityRequest } from '../capacity/run-capacity.ts';
import { parseSlo } from '../capacity/slo.ts';
import { formatProbeLine } from '../capacity/capacity-format.ts';
import type { CapacityProbe } from '../result/capacity-schema.ts';

const { values } = parseArgs({
  options: {
    scenario: { type: 'string', default: 'scenarios/browse.ts' },
    config: { type: 'string', default: 'variant=async' },
    slo: { type: 'string', default: 'p(99)<200' },
    steps: { type: 'string', default: '13' },
  },
});
const steps = Number(values.steps);
const { config } = validateTargetConfig(parseConfigPairs(values.config, '--config'), '--config');
const slo = parseSlo([values.slo], 'rate<0.01');
const log = (l: string) => process.stderr.write(l + '\n');

const shop = await launchTarget(config, { readyTimeoutMs: 120_000, log: (l) => log(`target: ${l}`) });
try {
  const base: CapacityRequest = await capacityRequest({
    file: values.scenario,
    env: { BASE: shop.url, BASE_URL: shop.url, ADMIN_TOKEN: shop.adminToken },
    target: shop.url,
    slo,
    warmupMs: 5000,
    windowMs: 10_000,
    cooldownMs: 2000,
    metricsUrl: `${shop.url}/metrics`,
    log,
    onProbe: (p) => log(formatProbeLine(p, 12)),
  });
  log(`search (${values.slo}) on ${values.config}`);
  const searched = await runCapacity(base);
  const mst = searched.answer?.mst ?? null;
  if (mst === null) throw new Error(`the search found no MST: ${searched.answer?.message ?? 'no answer'}`);
  const journey = searched.sizing?.journey ?? null;

  const rates = Array.from({ length: steps }, (_, i) => Math.round((0.7 + (0.6 * i) / (steps - 1)) * mst * 100) / 100);
  const sweep: CapacityProbe[] = [];
  for (const rate of rates) {
    let last: CapacityProbe | null = null;
    for (let attempt = 0; attempt < 3 && (last === null || last.verdict === 'generator-limited'); attempt++) {
      // one probe at exactly this rate, its VUs sized from the journey the search measured
      const { onProbe: _quiet, ...quiet } = base;
      // (a re-run after running out of VUs gets twice as many, as the search's own re-runs do)
      const maxVUs = last && last.dropped > 0 && last.vus ? last.vus.max * 2 : null;
      const doc = await runCapacity({ ...quiet, startRate: rate, maxProbes: 1, confirmations: 0, pilot: false, journey, maxVUs });
      last = doc.probes[0]!;
      log(`sweep ${rate} it/s: ${formatProbeLine(last, 1)}`);
    }
    sweep.push(last!);
  }
  let sweepAnswer: number | null = null;
  for (const p of sweep) {
    if (p.verdict !== 'pass') break;
    sweepAnswer = p.rate;
  }
  let boundary: number | null = null;
  let fewest = Infinity;
  for (const t of sweep.filter((p) => p.verdict === 'pass').map((p) => p.rate)) {
    const misfits = sweep.filter((p) => (p.rate <= t ? p.verdict !== 'pass' : p.verdict === 'pass')).length;
    if (misfits < fewest) [fewest, boundary] = [misfits, t];
  }
  const relative = (x: number | null) => (x === null ? null : Math.round(((mst - x) / x) * 1000) / 1000);
  const rpi = searched.answer?.requestsPerIteration ?? null;
  const out = {
    config: values.config,
    slo: values.slo,
    search: { mst, status: searched.answer!.status, probes: searched.answer!.probes, requestsPerIteration: rpi, mstRequestsPerSecond: searched.answer!.mstRequestsPerSecond },
    sweep: sweep.map((p) => ({ rate: p.rate, verdict: p.verdict, p99: p.latency?.p99 ?? null, requestsPerSecond: p.iterations > 0 ? Math.round(((p.throughput * p.requests) / p.iterations) * 10) / 10 : null })),
    sweepAnswer,
    relativeDifference: relative(sweepAnswer),
    sweepBoundary: boundary,
    boundaryMisfits: boundary === null ? null : fewest,
    relativeDifferenceToBoundary: relative(boundary),
  };
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  process.exitCode = out.relativeDifference !== null && Math.abs(out.relativeDifference) <= 0.1 ? 0 : 1;
} finally {
  await shop.stop();
}
