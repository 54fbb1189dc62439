// A RunResult with realistic numbers for tests of the report and the dashboard: an open-model
// (constant-arrival-rate) run whose target stalls for a few seconds, simulated request by
// request with a seeded PRNG and recorded into real HDR histograms (µs), so percentiles,
// spectra and per-name tables come from the same kind of data the runner writes.
//
// The stall is the coordinated-omission picture: requests intended during the stall queue in
// the generator's connection pool and are sent late, so http_req_duration (from the send)
// stays small while http_req_latency (from the intended start) shows the wait; iterations
// that find no free VU are dropped; the oldest in-flight requests time out.
import { build, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';
import { RUN_RESULT_SCHEMA_VERSION, runResultSchema, type MetricResult, type MetricValues, type RunResult, type TaggedMetric, type TimelinePoint } from '../../runner/result/schema.ts';

export interface FixtureOptions {
  /** run length, seconds (default 60) */
  durationS?: number;
  /** scheduled iterations per second (default 200) */
  rate?: number;
  /** the target stops answering at this second (default durationS / 2); null for no stall */
  stallAtS?: number | null;
  /** stall length, seconds (default 4) */
  stallS?: number;
  maxVUs?: number;
  seed?: number;
  /** appended to every string that comes from the run (names, tags, URLs, error kinds, checks) */
  hostile?: string;
  /** number of server metric series (default 4) */
  serverSeries?: number;
}

interface RequestKind {
  name: string;
  method: string;
  share: number;
  /** median service time, ms */
  medianMs: number;
  /** share of requests failing with a 5xx outside the stall */
  errorRate: number;
}

const TIMEOUT_MS = 3000;
const CONNECTIONS = 50;

/** mulberry32: a small seeded PRNG, so a fixture is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function newHistogram(): Histogram {
  return build({ bitBucketSize: 32, autoResize: true, lowestDiscernibleValue: 1, highestTrackableValue: 2, numberOfSignificantValueDigits: 3 });
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** k6 trend values (ms) from a µs histogram. */
export function trendValues(h: Histogram): MetricValues {
  const ms = (us: number) => round3(us / 1000);
  return {
    count: h.totalCount,
    avg: ms(h.mean),
    min: ms(h.minNonZeroValue),
    med: ms(h.getValueAtPercentile(50)),
    max: ms(h.maxValue),
    'p(50)': ms(h.getValueAtPercentile(50)),
    'p(90)': ms(h.getValueAtPercentile(90)),
    'p(95)': ms(h.getValueAtPercentile(95)),
    'p(99)': ms(h.getValueAtPercentile(99)),
    'p(99.9)': ms(h.getValueAtPercentile(99.9)),
    'p(99.99)': ms(h.getValueAtPercentile(99.99)),
  };
}

function trend(h: Histogram): MetricResult {
  return { type: 'trend', contains: 'time', values: trendValues(h), histogram: encodeIntoCompressedBase64(h) };
}

function percentiles(h: Histogram): TimelinePoint['latency'] {
  if (h.totalCount === 0) return null;
  const ms = (us: number) => round3(us / 1000);
  return { p50: ms(h.getValueAtPercentile(50)), p90: ms(h.getValueAtPercentile(90)), p99: ms(h.getValueAtPercentile(99)), p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.maxValue) };
}

/** Builds a valid RunResult (validated with the runner's schema before it is returned). */
export function buildRunFixture(opts: FixtureOptions = {}): RunResult {
  const durationS = opts.durationS ?? 60;
  const rate = opts.rate ?? 200;
  const stallAtS = opts.stallAtS === undefined ? Math.floor(durationS / 2) : opts.stallAtS;
  const stallS = opts.stallS ?? 4;
  const maxVUs = opts.maxVUs ?? 100;
  const x = opts.hostile ?? '';
  const rnd = prng(opts.seed ?? 42);
  const scenario = `sale${x}`;
  const kinds: RequestKind[] = [
    { name: `GET /products/:id${x}`, method: 'GET', share: 0.6, medianMs: 8, errorRate: 0.001 },
    { name: `POST /cart${x}`, method: 'POST', share: 0.25, medianMs: 14, errorRate: 0.002 },
    { name: `POST /checkout${x}`, method: 'POST', share: 0.15, medianMs: 62, errorRate: 0.01 },
  ];
  const kindTimeout = `timeout${x}`;
  const kind5xx = `status_5xx${x}`;
  const kindRefused = `connect_refused${x}`;
  const checkStatus = `status is 2xx${x}`;
  const checkBody = `body has an id${x}`;

  const all = { latency: newHistogram(), duration: newHistogram(), iteration: newHistogram(), sendLag: newHistogram() };
  const perName = kinds.map(() => ({ latency: newHistogram(), duration: newHistogram(), reqs: 0, failed: 0 }));
  const sec = { latency: newHistogram(), duration: newHistogram() };
  const stallStart = stallAtS === null ? Infinity : stallAtS * 1000;
  const stallEnd = stallStart + stallS * 1000;

  // completions land in the second they end; collect per-second events first
  interface Done { endMs: number; latencyUs: number; durationUs: number; failed: string | null; kind: number }
  const doneBySecond: Done[][] = Array.from({ length: durationS + 10 }, () => []);
  const startedBySecond = new Array<number>(durationS).fill(0);
  const droppedBySecond = new Array<number>(durationS).fill(0);
  const inFlightEnds: number[] = []; // end times of iterations holding a VU
  const connectionsBusyUntil: number[] = new Array<number>(CONNECTIONS).fill(0);
  let totalDropped = 0;
  let scheduled = 0;

  for (let s = 0; s < durationS; s++) {
    for (let i = 0; i < rate; i++) {
      scheduled++;
      const intended = s * 1000 + (i * 1000) / rate;
      // free the VUs whose iteration has ended
      for (let k = inFlightEnds.length - 1; k >= 0; k--) if ((inFlightEnds[k] ?? 0) <= intended) inFlightEnds.splice(k, 1);
      if (inFlightEnds.length >= maxVUs) {
        droppedBySecond[s] = (droppedBySecond[s] ?? 0) + 1;
        totalDropped++;
        continue;
      }
      startedBySecond[s] = (startedBySecond[s] ?? 0) + 1;
      const u = rnd();
      const kindIndex = u < 0.6 ? 0 : u < 0.85 ? 1 : 2;
      const kind = kinds[kindIndex]!;
      // lognormal service time around the kind's median, with a rare slow tail
      const gauss = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
      let serviceMs = kind.medianMs * Math.exp(0.45 * gauss) * (rnd() < 0.005 ? 6 : 1);
      // the client's connection pool: wait for the earliest free connection
      let conn = 0;
      for (let c = 1; c < CONNECTIONS; c++) if ((connectionsBusyUntil[c] ?? 0) < (connectionsBusyUntil[conn] ?? 0)) conn = c;
      const sendAt = Math.max(intended, connectionsBusyUntil[conn] ?? 0);
      let serverStart = sendAt;
      if (sendAt >= stallStart && sendAt < stallEnd) serverStart = stallEnd; // the target does not answer during the stall
      let failed: string | null = null;
      let endMs = serverStart + serviceMs;
      if (endMs - sendAt > TIMEOUT_MS) {
        failed = kindTimeout;
        endMs = sendAt + TIMEOUT_MS;
      } else if (sendAt >= stallEnd && sendAt < stallEnd + 300 && rnd() < 0.05) {
        failed = kindRefused; // the target's accept queue overflowed right after the stall
        serviceMs = 0.2;
        endMs = sendAt + serviceMs;
      } else if (rnd() < kind.errorRate) {
        failed = kind5xx;
      }
      connectionsBusyUntil[conn] = endMs;
      inFlightEnds.push(endMs);
      const latencyUs = Math.max(1, Math.round((endMs - intended) * 1000));
      const durationUs = Math.max(1, Math.round((endMs - sendAt) * 1000));
      all.sendLag.recordValue(Math.max(1, Math.round((sendAt - intended) * 1000)));
      const bucket = Math.min(doneBySecond.length - 1, Math.floor(endMs / 1000));
      doneBySecond[bucket]!.push({ endMs, latencyUs, durationUs, failed, kind: kindIndex });
    }
  }

  const timeline: TimelinePoint[] = [];
  const errorTotals: Record<string, number> = {};
  let reqs = 0;
  let failedTotal = 0;
  let checksPass = 0;
  let checksFail = 0;
  let bodyPass = 0;
  let bodyFail = 0;
  let vusMin = Infinity;
  let vusMaxSeen = 0;
  const lags: number[] = [];
  const cpus: number[] = [];
  for (let s = 0; s < durationS; s++) {
    sec.latency.reset();
    sec.duration.reset();
    const done = doneBySecond[s] ?? [];
    const errorsByKind: Record<string, number> = {};
    let failed = 0;
    let passed = 0;
    for (const d of done) {
      sec.latency.recordValue(d.latencyUs);
      sec.duration.recordValue(d.durationUs);
      all.latency.recordValue(d.latencyUs);
      all.duration.recordValue(d.durationUs);
      all.iteration.recordValue(d.durationUs + 150);
      const n = perName[d.kind]!;
      n.latency.recordValue(d.latencyUs);
      n.duration.recordValue(d.durationUs);
      n.reqs++;
      if (d.failed) {
        failed++;
        n.failed++;
        errorsByKind[d.failed] = (errorsByKind[d.failed] ?? 0) + 1;
        errorTotals[d.failed] = (errorTotals[d.failed] ?? 0) + 1;
      } else passed++;
      if (d.kind === 0) {
        if (d.failed) bodyFail++;
        else bodyPass++;
      }
    }
    reqs += done.length;
    failedTotal += failed;
    checksPass += passed;
    checksFail += failed;
    const inStall = s * 1000 >= stallStart && s * 1000 < stallEnd;
    // VUs in use ≈ arrival rate × time in system (Little's law), capped by maxVUs
    const meanLatencyS = sec.latency.totalCount > 0 ? sec.latency.mean / 1e6 : 0.02;
    const vus = Math.min(maxVUs, Math.max(1, Math.round(rate * meanLatencyS + (inStall ? maxVUs : 0))));
    vusMin = Math.min(vusMin, vus);
    vusMaxSeen = Math.max(vusMaxSeen, vus);
    const lag = round3(inStall ? 2.5 + rnd() * 4 : 0.8 + rnd() * 1.5);
    const cpu = round3(inStall ? 12 + rnd() * 6 : 30 + rnd() * 12);
    lags.push(lag);
    cpus.push(cpu);
    timeline.push({
      t: s,
      offered: rate,
      started: startedBySecond[s] ?? 0,
      completed: done.length,
      dropped: droppedBySecond[s] ?? 0,
      requests: done.length,
      failed,
      errorsByKind,
      vus,
      vusMax: maxVUs,
      dataSent: done.length * 182,
      dataReceived: done.length * 1240,
      checksPassed: passed + (done.filter((d) => d.kind === 0 && !d.failed).length),
      checksFailed: failed + (done.filter((d) => d.kind === 0 && d.failed).length),
      latency: percentiles(sec.latency),
      duration: percentiles(sec.duration),
      eventLoopLagP99: lag,
      generatorCpuPercent: cpu,
    });
  }

  const startTime = new Date(Date.UTC(2026, 4, 20, 10, 0, 0));
  const endTime = new Date(startTime.getTime() + durationS * 1000);
  const durationMs = durationS * 1000;
  const checksTotalPass = checksPass + bodyPass;
  const checksTotalFail = checksFail + bodyFail;
  const latencyValues = trendValues(all.latency);
  const failedRate = reqs === 0 ? 0 : failedTotal / reqs;
  const checksRate = checksTotalPass / Math.max(1, checksTotalPass + checksTotalFail);
  const started = scheduled - totalDropped;
  const achievedRatio = round3(started / scheduled);
  const sortedLags = [...lags].sort((a, b) => a - b);
  const lagP = (p: number) => sortedLags[Math.min(sortedLags.length - 1, Math.floor((p / 100) * sortedLags.length))] ?? 0;
  const reasons: string[] = [];
  if (lagP(99) > 10) reasons.push(`event-loop lag p99 ${lagP(99)} ms > 10 ms`);
  if (Math.max(...cpus) > 90) reasons.push(`generator CPU ${Math.max(...cpus)} % > 90 %`);
  if (achievedRatio < 0.99) reasons.push(`started ${(achievedRatio * 100).toFixed(1)} % of the scheduled iterations (< 99 %): ${totalDropped} dropped`);

  const threshold = (key: string, source: string, observed: number, ok: boolean) => ({ key, source, ok, observed: round3(observed), abortOnFail: false, aborted: false });
  const thresholds = [
    threshold('http_req_latency', 'p(99)<500', latencyValues['p(99)'] ?? 0, (latencyValues['p(99)'] ?? 0) < 500),
    threshold('http_req_failed', 'rate<0.01', failedRate, failedRate < 0.01),
    threshold('checks', 'rate>0.95', checksRate, checksRate > 0.95),
    threshold(`http_req_duration{name:GET /products/:id${x}}`, 'p(95)<50', perName[0]!.duration.getValueAtPercentile(95) / 1000, perName[0]!.duration.getValueAtPercentile(95) / 1000 < 50),
  ];

  const metrics: Record<string, MetricResult> = {
    http_reqs: { type: 'counter', contains: 'default', values: { count: reqs, rate: round3(reqs / durationS) } },
    http_req_duration: trend(all.duration),
    http_req_latency: { ...trend(all.latency), thresholds: { 'p(99)<500': { ok: thresholds[0]!.ok } } },
    http_req_failed: { type: 'rate', contains: 'default', values: { rate: round3(failedRate), passes: failedTotal, fails: reqs - failedTotal }, thresholds: { 'rate<0.01': { ok: thresholds[1]!.ok } } },
    iterations: { type: 'counter', contains: 'default', values: { count: reqs, rate: round3(reqs / durationS) } },
    iteration_duration: trend(all.iteration),
    dropped_iterations: { type: 'counter', contains: 'default', values: { count: totalDropped, rate: round3(totalDropped / durationS) } },
    checks: { type: 'rate', contains: 'default', values: { rate: round3(checksRate), passes: checksTotalPass, fails: checksTotalFail }, thresholds: { 'rate>0.95': { ok: thresholds[2]!.ok } } },
    vus: { type: 'gauge', contains: 'default', values: { value: timeline.at(-1)?.vus ?? 0, min: vusMin, max: vusMaxSeen } },
    vus_max: { type: 'gauge', contains: 'default', values: { value: maxVUs, min: maxVUs, max: maxVUs } },
    data_sent: { type: 'counter', contains: 'data', values: { count: reqs * 182, rate: round3((reqs * 182) / durationS) } },
    data_received: { type: 'counter', contains: 'data', values: { count: reqs * 1240, rate: round3((reqs * 1240) / durationS) } },
  };

  const tagged: TaggedMetric[] = [];
  kinds.forEach((k, i) => {
    const n = perName[i]!;
    const tags = { scenario, name: k.name, method: k.method, url: `http://127.0.0.1:3000${k.name.replace(/^\w+ /, '').replace(':id', '17')}` };
    tagged.push({ metric: 'http_req_latency', tags, ...trend(n.latency) });
    tagged.push({ metric: 'http_req_duration', tags, ...trend(n.duration) });
    tagged.push({ metric: 'http_reqs', tags, type: 'counter', contains: 'default', values: { count: n.reqs, rate: round3(n.reqs / durationS) } });
    tagged.push({ metric: 'http_req_failed', tags, type: 'rate', contains: 'default', values: { rate: round3(n.failed / Math.max(1, n.reqs)), passes: n.failed, fails: n.reqs - n.failed } });
  });
  // a per-scenario entry without a name tag: not a request row
  tagged.push({ metric: 'http_req_latency', tags: { scenario }, ...trend(all.latency) });
  metrics[`http_req_duration{name:GET /products/:id${x}}`] = { ...trend(perName[0]!.duration), thresholds: { 'p(95)<50': { ok: thresholds[3]!.ok } } };

  const serverNames = ['http_requests_in_flight', 'pg_pool_waiting', 'process_cpu_percent', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'orders_paid_total'];
  const series: Record<string, Array<[number, number]>> = {};
  for (const name of serverNames.slice(0, opts.serverSeries ?? 4)) {
    series[`${name}${x}`] = timeline.map((p) => {
      const stall = p.t * 1000 >= stallStart && p.t * 1000 < stallEnd;
      switch (name) {
        case 'http_requests_in_flight': return [p.t, stall ? CONNECTIONS : Math.round(rate * 0.02 + rnd() * 3)];
        case 'pg_pool_waiting': return [p.t, stall ? 40 + Math.round(rnd() * 10) : Math.round(rnd() * 2)];
        case 'process_cpu_percent': return [p.t, round3(stall ? 3 + rnd() * 2 : 55 + rnd() * 15)];
        case 'process_resident_memory_bytes': return [p.t, 92_000_000 + p.t * 25_000 + Math.round(rnd() * 400_000)];
        case 'nodejs_eventloop_lag_p99_seconds': return [p.t, round3(stall ? 0.004 : 0.0012 + rnd() * 0.0008)];
        default: return [p.t, p.t * rate * 0.15];
      }
    });
  }

  const doc: RunResult = {
    schemaVersion: RUN_RESULT_SCHEMA_VERSION,
    kind: 'run',
    meta: {
      tool: { name: 'stampede', version: '0.1.0' },
      node: 'v20.19.0',
      platform: 'linux-x64',
      cpus: 2,
      cpuModel: 'fixture CPU',
      scenarioFile: `scenarios/flash-sale${x}.ts`,
      scenarioName: `flash-sale${x}`,
      scenarioHash: 'f'.repeat(64),
      startTime: startTime.toISOString(),
      endTime: endTime.toISOString(),
      durationMs,
      env: { BASE_URL: `http://127.0.0.1:3000/${x}` },
      target: `http://127.0.0.1:3000/${x}`,
      targetConfig: { variant: 'async', workers: '1', cache: `none${x}` },
    },
    options: {
      scenarios: [{ name: scenario, executor: 'constant-arrival-rate', exec: 'default', startTimeMs: 0, gracefulStopMs: 30_000, env: {}, tags: { team: `shop${x}` }, rate, timeUnitMs: 1000, durationMs, preAllocatedVUs: 20, maxVUs }],
      thresholds: thresholds.map((t) => ({ key: t.key, source: t.source, abortOnFail: false })),
      tags: { run: `fixture${x}` },
    },
    partial: false,
    stopReason: null,
    metrics,
    tagged,
    thresholds,
    checks: [
      { name: checkStatus, path: `::${checkStatus}`, scenario, passes: checksPass, fails: checksFail },
      { name: checkBody, path: `::${checkBody}`, scenario, passes: bodyPass, fails: bodyFail },
    ],
    timeline,
    generator: {
      eventLoopLag: { p50: lagP(50), p99: lagP(99), max: Math.max(...lags) },
      cpu: { mean: round3(cpus.reduce((a, b) => a + b, 0) / cpus.length), max: Math.max(...cpus) },
      sendLag: { p50: round3(all.sendLag.getValueAtPercentile(50) / 1000), p99: round3(all.sendLag.getValueAtPercentile(99) / 1000), max: round3(all.sendLag.maxValue / 1000) },
      achievedRatio,
      saturated: reasons.length > 0,
      reasons,
      threads: 1,
    },
    server: { url: `http://127.0.0.1:3000/metrics${x}`, series, diedAt: null },
    warnings: stallAtS === null ? [] : [`the target answered nothing from ${stallAtS} s to ${stallAtS + stallS} s${x}`],
  };
  return runResultSchema.parse(doc);
}
