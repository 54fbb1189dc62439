// Waiting for the target to be idle between capacity probes, so one probe's backlog does not
// count against the next. When the target exposes Prometheus text at /metrics, the gauges that
// count waiting work — pool waiters (the shop's db_pool_clients{state="waiting"}), queue depth,
// backlogs, BullMQ waiting jobs — must all read 0; otherwise a fixed cool-down is all we can do.
// A plain text scrape: no Prometheus server, no client library.
import { request } from 'undici';

export interface GaugeSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Metric names or label values that mean "work waiting". */
const WAITING_NAME = /(waiting|queue_depth|queue_size|queue_length|queued|backlog|pending)/i;
const WAITING_LABEL = /^(waiting|queued|pending|wait)$/i;

/** Parses Prometheus text exposition lines (`name{a="b"} value [ts]`); comments and junk skipped. */
export function parsePrometheusText(text: string): GaugeSample[] {
  const out: GaugeSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const value = Number(m[4]);
    if (Number.isNaN(value)) continue;
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/** The samples that count waiting work; histograms' and counters' series (_bucket, _total, ...) are not gauges of waiting. */
export function waitingSamples(samples: readonly GaugeSample[]): GaugeSample[] {
  return samples.filter((s) => {
    if (/_(bucket|sum|count|total|created)$/.test(s.name)) return false;
    return WAITING_NAME.test(s.name) || Object.values(s.labels).some((v) => WAITING_LABEL.test(v));
  });
}

const label = (s: GaugeSample) => `${s.name}${Object.keys(s.labels).length ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${v}"`).join(',')}}` : ''}`;

async function scrape(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    const body = await res.body.text();
    return res.statusCode === 200 ? body : null;
  } catch {
    return null;
  }
}

export interface IdleResult {
  method: 'metrics' | 'fixed';
  waitedMs: number;
  detail: string;
}

export interface IdleOptions {
  /** the target's /metrics URL, or null when there is none */
  metricsUrl: string | null;
  /** the fixed cool-down, and the minimum wait with metrics (connections close, timers settle) */
  cooldownMs: number;
  /** give up waiting on the gauges after this long */
  timeoutMs?: number;
  pollMs?: number;
}

/** Waits until the target's waiting-work gauges are all 0 (or a fixed cool-down without them). */
export async function waitForIdle(opts: IdleOptions): Promise<IdleResult> {
  const start = performance.now();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(opts.cooldownMs);
  const waited = () => Math.round(performance.now() - start);
  if (!opts.metricsUrl) return { method: 'fixed', waitedMs: waited(), detail: `fixed cool-down of ${opts.cooldownMs} ms (no --metrics URL)` };
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const pollMs = opts.pollMs ?? 250;
  let watched: GaugeSample[] = [];
  for (;;) {
    const text = await scrape(opts.metricsUrl, 2000);
    if (text === null) return { method: 'fixed', waitedMs: waited(), detail: `fixed cool-down of ${opts.cooldownMs} ms (${opts.metricsUrl} did not answer 200)` };
    watched = waitingSamples(parsePrometheusText(text));
    if (watched.length === 0) return { method: 'fixed', waitedMs: waited(), detail: `fixed cool-down of ${opts.cooldownMs} ms (${opts.metricsUrl} has no waiting/queue gauges)` };
    const busy = watched.filter((s) => s.value > 0);
    if (busy.length === 0) return { method: 'metrics', waitedMs: waited(), detail: `idle: ${watched.map(label).join(', ')} all 0` };
    if (performance.now() - start > timeoutMs) {
      return { method: 'metrics', waitedMs: waited(), detail: `still busy after ${timeoutMs} ms: ${busy.map((s) => `${label(s)} = ${s.value}`).join(', ')} (probe started anyway)` };
    }
    await sleep(pollMs);
  }
}
