// Scrapes a target's Prometheus endpoint once a second during a run. Scrapes never overlap: a
// slow answer (a sync target busy with load) makes the next tick skip, not pile up requests.
// The raw scrapes are turned into series on the run's time axis afterwards (server-series.ts),
// because the run's t = 0 is only known once the engine has started.
import { parsePrometheusText } from './prometheus.ts';
import type { Scrape } from './server-series.ts';

export interface ScraperOptions {
  intervalMs?: number;
  /** per-scrape timeout; a scrape slower than this counts as failed ('timeout') */
  timeoutMs?: number;
}

function errorKind(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'timeout';
  const code = err.cause?.code ?? '';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return 'reset';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'other';
}

/** One scrape of `metricsUrl`. */
export async function scrapeOnce(metricsUrl: string, timeoutMs = 900): Promise<Scrape> {
  const atMs = Date.now();
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain; version=0.0.4' } });
    const text = await res.text();
    if (res.status !== 200) return { atMs, expo: null, error: `http_${res.status}` };
    const expo = parsePrometheusText(text);
    if (expo.families.size === 0) return { atMs, expo: null, error: 'parse' };
    return { atMs, expo, error: null };
  } catch (e) {
    return { atMs, expo: null, error: errorKind(e) };
  }
}

export interface MetricsScraper {
  readonly metricsUrl: string;
  /** stops scraping; resolves with every scrape made, in order */
  stop(): Promise<Scrape[]>;
}

/** Starts scraping at once and then every `intervalMs`. */
export function startScraper(metricsUrl: string, opts: ScraperOptions = {}): MetricsScraper {
  const intervalMs = opts.intervalMs ?? 1000;
  const timeoutMs = opts.timeoutMs ?? Math.min(900, intervalMs - 50);
  const scrapes: Scrape[] = [];
  let inFlight: Promise<void> | null = null;
  const tick = () => {
    if (inFlight) return;
    inFlight = scrapeOnce(metricsUrl, timeoutMs).then((s) => {
      scrapes.push(s);
      inFlight = null;
    });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return {
    metricsUrl,
    async stop() {
      clearInterval(timer);
      await inFlight;
      // one last look at the end of the run, so its final second has a point too
      const last = scrapes[scrapes.length - 1];
      if (!last || Date.now() - last.atMs >= intervalMs / 2) scrapes.push(await scrapeOnce(metricsUrl, timeoutMs));
      return scrapes;
    },
  };
}

/** Whether `base` exposes Prometheus metrics at /metrics (one quick probe before a run). */
export async function exposesMetrics(base: string, timeoutMs = 2000): Promise<boolean> {
  const s = await scrapeOnce(metricsUrlOf(base), timeoutMs);
  return s.expo !== null;
}

export function metricsUrlOf(base: string): string {
  return `${base.replace(/\/$/, '')}/metrics`;
}
