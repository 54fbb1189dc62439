// The text view of a capacity document: a progress line per probe while the search runs, and
// the summary at the end (probe table, the answer with its precision, instances for the peak,
// the HPA verdict, the sweep's USL fit). Rates are iterations (journeys) per second, the unit
// the user gives --start-rate and --peak in; the requests per second they cause are shown
// beside them, from the requests per iteration the probes measured.
import type { CapacityDocument, CapacityProbe, LatencySummary, SweepPoint } from '../result/capacity-schema.ts';
import { fmt } from './usl-format.ts';

function pad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}
function padEnd(s: string, width: number): string {
  return s.length >= width ? s : s + ' '.repeat(width - s.length);
}
const rate = (r: number) => `${Number(r.toPrecision(4))}/s`;
/** a rate in a sentence, with its unit spelled out */
const its = (r: number) => `${Number(r.toPrecision(4))} iterations/s`;
const reqs = (r: number) => `${Number(r.toPrecision(4))} requests/s`;
const perIteration = (n: number) => `${Number(n.toFixed(2))} request${n === 1 ? '' : 's'} per iteration`;
/** requests/s a probe completed: its throughput (iterations/s) × its requests per iteration */
function probeRequestRate(p: CapacityProbe): number | null {
  return p.iterations > 0 ? (p.throughput * p.requests) / p.iterations : null;
}
const ms = (v: number | undefined) => (v === undefined ? '—' : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`);
const pct = (v: number | null, digits = 1) => (v === null ? '—' : `${(v * 100).toFixed(digits)} %`);
const VERDICT: Record<CapacityProbe['verdict'], string> = { pass: 'PASS', fail: 'FAIL', 'generator-limited': 'GEN-LIMITED' };

/** One line per finished probe, for stderr while the search runs. */
export function formatProbeLine(p: CapacityProbe, maxProbes: number): string {
  const lat = p.latency ? `p99 ${ms(p.latency.p99)} (service ${ms(p.duration?.p99)})` : 'no responses';
  const why = p.verdict === 'pass' ? '' : ` — ${p.reasons[0] ?? ''}`;
  const rps = probeRequestRate(p);
  return (
    `probe ${p.index}/${maxProbes} ${padEnd(p.phase, 7)} ${pad(`${Number(p.rate.toPrecision(4))} it/s`, 11)}${rps === null ? '' : ` (${Number(rps.toPrecision(4))} req/s)`}  ${padEnd(VERDICT[p.verdict], 11)} ${lat}, errors ${pct(p.errorRate, 2)}, ` +
    `achieved ${pct(p.achievedRatio)}, dropped ${p.dropped}${p.vus ? `, ${p.vus.max} VUs` : ''}, ${(p.durationMs / 1000).toFixed(1)} s${p.retryOf ? ` (retry of ${p.retryOf})` : ''}${why}`
  );
}

export function formatSweepLine(p: SweepPoint, kind: 'vus' | 'workers' = 'vus'): string {
  const n = kind === 'vus' ? `${pad(String(p.n), 4)} VUs` : `${pad(String(p.n), 2)} workers${p.vus === undefined ? '' : ` (${p.vus} VUs)`}`;
  const cpu = p.generatorCpuPercent === undefined ? '' : `  generator CPU ${p.generatorCpuPercent.toFixed(0)} %`;
  return `sweep  ${n}${p.run && p.run > 1 ? ` #${p.run}` : ''}  ${pad(p.throughput.toFixed(1), 9)}/s  p99 ${ms(p.latency?.p99)}${cpu}${p.generatorSaturated ? '  (generator lagged)' : ''}`;
}

function latencyCell(l: LatencySummary | null): string {
  return l ? `${pad(ms(l.p50), 9)} ${pad(ms(l.p90), 9)} ${pad(ms(l.p99), 9)}` : `${pad('—', 9)} ${pad('—', 9)} ${pad('—', 9)}`;
}

function reqCell(p: CapacityProbe): string {
  const r = probeRequestRate(p);
  return r === null ? '—' : String(Number(r.toPrecision(4)));
}

export function formatProbeTable(doc: CapacityDocument): string[] {
  const head = `  ${pad('#', 3)} ${padEnd('phase', 7)} ${pad('it/s', 9)} ${pad('req/s', 9)} ${pad('VUs', 6)} ${padEnd('verdict', 11)} ${pad('lat p50', 9)} ${pad('p90', 9)} ${pad('p99', 9)} ${pad('svc p99', 9)} ${pad('errors', 8)} ${pad('achieved', 8)} ${pad('dropped', 7)} ${pad('Little', 6)}`;
  const rows = doc.probes.map(
    (p) =>
      `  ${pad(String(p.index), 3)} ${padEnd(p.phase, 7)} ${pad(String(Number(p.rate.toPrecision(4))), 9)} ${pad(reqCell(p), 9)} ${pad(p.vus ? String(p.vus.max) : '—', 6)} ${padEnd(VERDICT[p.verdict], 11)} ${latencyCell(p.latency)} ${pad(ms(p.duration?.p99), 9)} ` +
      `${pad(pct(p.errorRate, 2), 8)} ${pad(pct(p.achievedRatio), 8)} ${pad(String(p.dropped), 7)} ${pad(p.littlesLaw === null ? '—' : p.littlesLaw.ok ? 'ok' : 'OFF', 6)}`,
  );
  return [head, ...rows];
}

export function formatCapacitySummary(doc: CapacityDocument, paths: { capacity?: string; html?: string } = {}): string {
  const out: string[] = [''];
  const a = doc.answer;
  if (a) {
    out.push(`stampede capacity — ${doc.meta.scenarioName} (${doc.meta.exec}) — SLO ${doc.slo.latency.join(', ')} on ${doc.slo.latencyMetric} (from intended start), errors ${doc.slo.errors}`);
    out.push(`  warm-up ${doc.settings.warmupMs / 1000} s + window ${doc.settings.windowMs / 1000} s per probe; it/s = offered iterations (journeys) per second, req/s = requests per second completed; lat = coordinated-omission corrected, svc = service time (from send)`);
    const z = doc.sizing;
    if (z?.journey) out.push(`  VUs by Little's law from the journey measured (${z.journey.source}): ${z.journey.meanMs.toFixed(0)} ms per iteration, ${perIteration(z.journey.requestsPerIteration)}`);
    out.push('', ...formatProbeTable(doc), '');
    const prec = a.precision === null ? '' : ` ±${(a.precision * 100).toFixed(1)} % (asked ${(a.precisionTarget * 100).toFixed(1)} %)`;
    const inRequests = a.mst !== null && a.mstRequestsPerSecond != null && a.requestsPerIteration != null ? ` (${reqs(a.mstRequestsPerSecond)} at ${perIteration(a.requestsPerIteration)})` : '';
    const mst = a.mst === null ? '' : `${its(a.mst)}${inRequests}`;
    const headline =
      a.mst === null
        ? a.status === 'generator-limited'
          ? 'No MST: the load generator was the limit before any rate passed.'
          : `No sustainable rate found (${a.status}).`
        : a.status === 'converged'
          ? `MST ≈ ${mst}${prec}: the highest offered rate that met the SLO (confirmed)${a.upperBound === null ? '' : `; it failed at ${its(a.upperBound)}`}.`
          : a.status === 'generator-limited'
            ? `MST ≥ ${mst} — the generator was the limit, not the target.`
            : `MST ≥ ${mst} (${a.status}).`;
    out.push(headline, `  ${a.message}`, `  ${a.probes} probes in ${(a.searchMs / 1000).toFixed(1)} s.`);
  }
  if (doc.peak) {
    const p = doc.peak;
    const asGiven = p.given && p.given.unit === 'requests/s' ? ` (given as ${reqs(p.given.value)})` : '';
    const peakText = p.given?.unit === 'requests/s' && p.instances === null ? reqs(p.given.value) : `${its(p.peak)}${asGiven}`;
    out.push('', `Peak ${peakText} at ${Math.round(p.headroom * 100)} % of MST per instance: instances = ${p.instancesFormula}.`);
    if (p.hpa) {
      const s = p.hpa.summary;
      out.push(
        `Autoscaler (HPA) simulation on ${p.hpa.profileSource === 'scenario' ? "the scenario's own arrival profile" : `a step from ${its(p.peak / 10)} to ${its(p.peak)}`}: ` +
          `target ${Math.round(p.hpa.params.targetUtilization * 100)} %, sync ${p.hpa.params.syncPeriodMs / 1000} s, pod start-up ${p.hpa.params.podStartupMs / 1000} s, replicas ${p.hpa.params.minReplicas}–${p.hpa.params.maxReplicas}.`,
        `  ${s.verdict}`,
        `  Pre-scale recommendation: ${s.preScale.replicas} replicas before the peak${s.preScale.exceedsMaxReplicas ? ' (above maxReplicas)' : ''}; the HPA alone reached ${s.maxReplicasUsed}.`,
      );
    }
  }
  if (doc.sweep) {
    out.push('', `Sweep over ${doc.sweep.kind}${doc.sweep.targetConfig ? ` (target: ${Object.entries(doc.sweep.targetConfig).filter(([k]) => !/url|token/i.test(k)).map(([k, v]) => `${k}=${v}`).join(',')})` : ''} (closed model, throughput over the window):`);
    if (doc.sweep.method) out.push(`  ${doc.sweep.method}`);
    for (const p of doc.sweep.points) out.push(`  ${formatSweepLine(p, doc.sweep.kind)}`);
    const u = doc.sweep.usl;
    if (u) {
      out.push(
        `  USL fit: α = ${fmt(u.alpha)} (contention), β = ${fmt(u.beta)} (coherency), γ = ${fmt(u.gamma)}/s, R² = ${fmt(u.r2)}; ` +
          (u.peakConcurrency === null ? `no peak (β = 0): throughput levels off at γ/α = ${u.amdahlCeiling === null ? '∞' : fmt(u.amdahlCeiling)}/s` : `peak at N* ≈ ${fmt(u.peakConcurrency)} with X ≈ ${fmt(u.peakThroughput ?? 0)}/s`),
      );
      for (const n of u.notes) out.push(`  note: ${n}`);
    } else out.push(`  no USL fit${doc.sweep.uslError ? `: ${doc.sweep.uslError}` : ''}`);
  }
  for (const w of doc.warnings) out.push('', `warning: ${w}`);
  if (paths.capacity) out.push('', `capacity.json: ${paths.capacity}`);
  if (paths.html) out.push(`capacity.html: ${paths.html}`);
  return out.join('\n') + '\n';
}
