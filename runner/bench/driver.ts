// Standalone load driver of HttpAgent, for the benchmark (runner/bench/run.ts); prints one
// JSON line. Every request's latency is recorded in an HDR histogram (µs, 3 digits), as the
// engine's recorder does.
//   closed: node --import tsx runner/bench/driver.ts URL --vus 50 --seconds 8
//     50 loops, each its own HttpAgent (a VU's own connection), one request in flight each.
//   open:   node --import tsx runner/bench/driver.ts URL --rate 20000 --seconds 10 [--max-vus 500]
//     iteration i is due at t0 + i/rate; a setImmediate scheduler starts every due iteration on
//     a free VU (dropped when none is free, as k6's constant-arrival-rate); send lag = the
//     request written − intended start; latency from the intended start. The code is warmed by
//     8,000 unrecorded requests first (as the engine's warm-up).
import * as hdr from 'hdr-histogram-js';
import { performance } from 'node:perf_hooks';
import { HttpAgent } from '../engine/http/client.ts';
import type { HttpRequest } from '../engine/http/client.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:8080/');
const VUS = arg('vus', 50);
const SECONDS = arg('seconds', 8);
const RATE = arg('rate', 0);
const MAX_VUS = arg('max-vus', 500);
const mk = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const latency = mk();
const lag = mk();
let done = 0;
let errors = 0;
let non2xx = 0;
const req: HttpRequest = { method: 'GET', url, timeoutMs: 60_000, discardBody: true };

async function closed(): Promise<Record<string, number>> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + SECONDS * 1000;
  const agents: HttpAgent[] = [];
  async function loop(): Promise<void> {
    const agent = new HttpAgent({ keepAlive: true });
    agents.push(agent);
    while (performance.now() < deadline) {
      const r = await agent.request(req);
      if (r.error !== null) errors++;
      else if (r.status < 200 || r.status > 299) non2xx++;
      latency.recordValue(Math.max(1, Math.round(r.timings.end - r.timings.sent)));
      done++;
    }
  }
  await Promise.all(Array.from({ length: VUS }, loop));
  const secs = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  for (const a of agents) a.close();
  return { rps: done / secs, secs, inWindowCpuS: (cpu.user + cpu.system) / 1e6 };
}

async function open(): Promise<Record<string, number>> {
  const free: HttpAgent[] = Array.from({ length: Math.min(100, MAX_VUS) }, () => new HttpAgent({ keepAlive: true }));
  let vus = free.length;
  let dropped = 0;
  let started = 0;
  const stepMs = 1000 / RATE;
  const total = Math.floor(SECONDS * RATE);
  // Warm the code first, as `stampede run` does (runner/engine/warm-up.ts): 8,000 requests
  // back to back on the pool's agents, not recorded. Cold, the first second's lag grew a
  // backlog that the rest of the run never worked off (send-lag p99 20–40 ms, VUs at the cap).
  let warm = 8000;
  await Promise.all(
    free.map(async (agent) => {
      while (warm-- > 0) await agent.request(req);
    }),
  );
  await new Promise((r) => setTimeout(r, 100));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const originUs = performance.timeOrigin * 1000;
  let i = 0;
  const iteration = async (agent: HttpAgent, intendedUs: number): Promise<void> => {
    const r = await agent.request(req);
    if (r.error !== null) errors++;
    else if (r.status < 200 || r.status > 299) non2xx++;
    lag.recordValue(Math.max(1, Math.round(r.timings.sent - intendedUs)));
    latency.recordValue(Math.max(1, Math.round(r.timings.end - intendedUs)));
    done++;
    free.push(agent);
  };
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = performance.now();
      while (i < total && t0 + i * stepMs <= now) {
        const intendedUs = originUs + (t0 + i * stepMs) * 1000;
        i++;
        let agent = free.pop();
        if (agent === undefined && vus < MAX_VUS) {
          agent = new HttpAgent({ keepAlive: true });
          vus++;
        }
        if (agent === undefined) {
          dropped++;
          continue;
        }
        started++;
        void iteration(agent, intendedUs);
      }
      if (i < total) setImmediate(tick);
      else resolve();
    };
    tick();
  });
  const scheduleSecs = (performance.now() - t0) / 1000;
  const drainUntil = performance.now() + 2000;
  while (done < started && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 5));
  const cpu = process.cpuUsage(cpu0);
  return {
    rate: RATE,
    scheduled: total,
    started,
    dropped,
    vus,
    achievedRatio: started / total,
    completedRatio: done / total,
    scheduleSecs,
    lagP50Us: lag.getValueAtPercentile(50),
    lagP99Us: lag.getValueAtPercentile(99),
    lagMaxUs: lag.maxValue,
    inWindowCpuS: (cpu.user + cpu.system) / 1e6,
  };
}

const extra = RATE > 0 ? await open() : await closed();
process.stdout.write(
  `${JSON.stringify({
    tool: RATE > 0 ? 'stampede-driver-open' : 'stampede-driver',
    done,
    errors,
    non2xx,
    recorded: latency.totalCount,
    p50Us: latency.getValueAtPercentile(50),
    p99Us: latency.getValueAtPercentile(99),
    ...extra,
  })}\n`,
);
process.exit(0);
