// Orchestration and server metrics: series derived from scrapes (rates, resets, ratios, death),
// scraping a real target during a real run, a target that crashes mid-run (result still
// written, diedAt, errors by kind), readiness timeouts and bad --target-config (exit codes).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, scratchDir, scenarioSource, startServer, runCli } from '../testing/fixtures.ts';
import { runResultSchema } from '../result/schema.ts';
import { StampedeError } from '../errors.ts';
import { parsePrometheusText } from './prometheus.ts';
import { deriveServerSeries, type Scrape } from './server-series.ts';
import { runAgainstTarget } from './run-against.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { validateTargetConfig, parseConfigPairs } from './target-config.ts';
import { waitForReady } from './launch.ts';
import { startFakeShop } from './fake-shop-process.ts';
import { DEFAULT_STOP_GRACE_MS } from './command-target.ts';
import { procAvailable } from './proc-reader.ts';
import type { TargetResources } from '../result/schema.ts';

const scratch = scratchDir('orchestrate');
afterAll(() => scratch.remove());

const stampede = (args: string[]) => runCli(args);

const scrape = (atMs: number, text: string | null, error: string | null = null): Scrape => ({ atMs, expo: text === null ? null : parsePrometheusText(text), error });

describe('deriveServerSeries', () => {
  const t0 = 1_000_000;
  it('counter rates per second (with a reset), gauges scaled, ratios and means per interval', () => {
    const s = [
      scrape(t0 - 500, 'process_cpu_seconds_total 10\nprocess_resident_memory_bytes 50000000\ncache_requests_total{result="hit"} 0\ncache_requests_total{result="miss"} 0'),
      scrape(t0 + 500, 'process_cpu_seconds_total 10.5\nprocess_resident_memory_bytes 60000000\ncache_requests_total{result="hit"} 30\ncache_requests_total{result="miss"} 10\ndb_pool_wait_seconds_sum 0.2\ndb_pool_wait_seconds_count 10'),
      scrape(t0 + 1500, 'process_cpu_seconds_total 11.25\nprocess_resident_memory_bytes 61000000\ncache_requests_total{result="hit"} 30\ncache_requests_total{result="miss"} 10\ndb_pool_wait_seconds_sum 0.5\ndb_pool_wait_seconds_count 20'),
      // the process restarted: the counter starts again from 0.2
      scrape(t0 + 2500, 'process_cpu_seconds_total 0.2\nprocess_resident_memory_bytes 40000000\ncache_requests_total{result="hit"} 31\ncache_requests_total{result="miss"} 13'),
    ];
    const m = deriveServerSeries('http://x', s, t0);
    expect(m.series.cpu_percent).toEqual([
      [0, 50],
      [1, 75],
      [2, 20],
    ]);
    // the scrape before t = 0 is used as the base of the first rate but not shown
    expect(m.series.memory_rss_mb).toEqual([
      [0, 60],
      [1, 61],
      [2, 40],
    ]);
    // 30 hits / 40 lookups in the first interval, none in the second (no point), 1 / 4 in the third
    expect(m.series.cache_hit_ratio).toEqual([
      [0, 0.75],
      [2, 0.25],
    ]);
    // (0.5 − 0.2) s over 10 waits = 30 ms
    expect(m.series.pool_wait_ms_mean).toEqual([[1, 30]]);
    expect(m.series.scrape_ok).toEqual([
      [0, 1],
      [1, 1],
      [2, 1],
    ]);
    expect(m.diedAt).toBeNull();
    expect(m.series.queue_waiting).toBeUndefined();
  });

  it('died: refused at the end; not died: one slow scrape, or a failure followed by an answer', () => {
    const ok = 'process_cpu_seconds_total 1';
    const died = deriveServerSeries('u', [scrape(t0, ok), scrape(t0 + 1000, ok), scrape(t0 + 2000, null, 'timeout'), scrape(t0 + 3000, null, 'refused')], t0);
    expect(died.diedAt).toBe(2);
    const slow = deriveServerSeries('u', [scrape(t0, ok), scrape(t0 + 1000, null, 'timeout')], t0);
    expect(slow.diedAt).toBeNull();
    const back = deriveServerSeries('u', [scrape(t0, ok), scrape(t0 + 1000, null, 'refused'), scrape(t0 + 2000, ok)], t0);
    expect(back.diedAt).toBeNull();
    const hung = deriveServerSeries('u', [scrape(t0, ok), ...[1, 2, 3, 4, 5].map((i) => scrape(t0 + i * 1000, null, 'timeout'))], t0);
    expect(hung.diedAt).toBe(1);
  });
});

describe('runs against a target with /metrics', () => {
  it('scrapes every second into result.server; the server counted what the load sent', async () => {
    const shop = await startFakeShop();
    try {
      const file = scratch.write(
        'scraped.ts',
        scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '4s', preAllocatedVUs: 10, maxVUs: 20 } } }, "await vu.http.get(vu.env.BASE + '/products/' + (1 + (vu.iteration % 50)))"),
      );
      const out = await runAgainstTarget({ plan: await loadPlan(file, { env: { BASE: shop.url }, threads: 1, target: shop.url }), targetConfig: null, readyTimeoutMs: 5000, log: () => undefined });
      const server = out.result.server;
      expect(server).not.toBeNull();
      expect(server?.url).toBe(shop.url);
      expect(server?.diedAt).toBeNull();
      // one scrape a second over a ~4 s run: 4–6 points
      const ok = server?.series.scrape_ok ?? [];
      expect(ok.length).toBeGreaterThanOrEqual(4);
      expect(ok.length).toBeLessThanOrEqual(6);
      expect(ok.every(([, v]) => v === 1)).toBe(true);
      expect(server?.series.cpu_percent?.length).toBeGreaterThanOrEqual(3);
      expect(server?.series.memory_rss_mb?.[0]?.[1]).toBeGreaterThan(10);
      // 50 requests/s sent; the server's own counter, as a rate, says about the same in full seconds
      const rates = (server?.series.server_requests_per_s ?? []).map(([, v]) => v);
      const mid = rates.slice(1, -1);
      expect(mid.length).toBeGreaterThanOrEqual(1);
      for (const r of mid) expect(r).toBeGreaterThan(35), expect(r).toBeLessThan(65);
      // the fake shop's cache hits 75 % of lookups (random): the derived ratio is near it
      const ratios = (server?.series.cache_hit_ratio ?? []).map(([, v]) => v);
      const meanRatio = ratios.reduce((a, b) => a + b, 0) / ratios.length;
      expect(meanRatio).toBeGreaterThan(0.6);
      expect(meanRatio).toBeLessThan(0.9);
      expect(runResultSchema.safeParse(out.result).success).toBe(true);
    } finally {
      await shop.stop();
    }
  }, 30_000);

  it('a target that crashes mid-run: `stampede run` still writes result.json with server.diedAt and the errors by kind', async () => {
    const shop = await startFakeShop({ STAMPEDE_FAKE_DIE_AFTER_MS: '2500' });
    try {
      const file = scratch.write(
        'crash.ts',
        scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '5s', preAllocatedVUs: 10, maxVUs: 20 } } }, "await vu.http.get(vu.env.BASE + '/products/1', { timeout: '1s' })"),
      );
      const outDir = path.join(scratch.dir, 'out-crash');
      const r = await stampede(['run', file, '--target', shop.url, '--out', outDir, '--quiet']);
      expect(r.code).toBe(0);
      expect(await shop.exited).toBe(70);
      const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(outDir, 'result.json'), 'utf8')));
      // died 2.5 s after the load's first request: t = 2 (± 1 for scrape timing)
      expect(result.server?.diedAt).toBeGreaterThanOrEqual(1);
      expect(result.server?.diedAt).toBeLessThanOrEqual(3);
      const refused = result.timeline.reduce((n, p) => n + (p.errorsByKind.connect_refused ?? 0), 0);
      const failed = result.timeline.reduce((n, p) => n + p.failed, 0);
      // ~2.5 s of 5 s at 40/s failed: about 100 requests, all refused (or reset at the moment of death)
      expect(refused).toBeGreaterThan(60);
      expect(failed).toBeGreaterThanOrEqual(refused);
      const firstRefused = result.timeline.find((p) => (p.errorsByKind.connect_refused ?? 0) > 0)?.t;
      expect(Math.abs((firstRefused ?? -99) - (result.server?.diedAt ?? 0))).toBeLessThanOrEqual(1);
      expect(result.warnings.some((w) => w.includes('stopped answering'))).toBe(true);
      expect(existsSync(path.join(outDir, 'report.html'))).toBe(true);
    } finally {
      await shop.stop();
    }
  }, 40_000);
});

describe('target configuration and readiness', () => {
  it('validates knobs with the target app schema; errors name the key as written', () => {
    expect(validateTargetConfig(parseConfigPairs('variant=sync,payment-latency-ms=20,pgbouncer', 'x'), 'x').config).toMatchObject({ variant: 'sync', paymentLatencyMs: 20, pgbouncer: true, cache: 'none' });
    const bad = (raw: string) => {
      try {
        validateTargetConfig(parseConfigPairs(raw, '--target-config'), '--target-config');
      } catch (e) {
        return e as StampedeError;
      }
      throw new Error('accepted');
    };
    expect(bad('variant=warp').message).toMatch(/^--target-config: variant: .*sync.*async.*got "warp"/);
    expect(bad('variant=warp').exitCode).toBe(2);
    expect(bad('colour=blue').message).toMatch(/^--target-config: colour: unknown target setting/);
    expect(bad('workers=0').message).toMatch(/^--target-config: workers: /);
    expect(bad('pool=ten').message).toMatch(/^--target-config: pool: /);
    expect(bad('variant=sync,variant=async').message).toMatch(/variant given twice/);
  });

  it('readiness: /readyz answering 503 → STAMPEDE_E_TARGET_UNAVAILABLE (exit 3) naming the last answer; the target is stopped', async () => {
    const server = await startServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? 503 : 200;
      res.end(req.url === '/readyz' ? '{"ok":false,"checks":{"database":"connection refused"}}' : 'ok');
    });
    let stopped = false;
    const file = scratch.write('never.ts', scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1 } } }));
    const t = Date.now();
    const err = await runAgainstTarget({
      plan: await loadPlan(file, { env: {}, threads: 1 }),
      targetConfig: validateTargetConfig({}, 'x').config,
      readyTimeoutMs: 1500,
      log: () => undefined,
      starter: async () => ({ url: server.url, adminToken: 'x'.repeat(10), stop: async () => void (stopped = true) }),
    }).catch((e: unknown) => e);
    await server.close();
    expect(err).toBeInstanceOf(StampedeError);
    expect((err as StampedeError).exitCode).toBe(3);
    expect((err as StampedeError).message).toMatch(/readyz did not answer 200 within 1\.5 s \(last: HTTP 503 .*connection refused/);
    expect(Date.now() - t).toBeGreaterThanOrEqual(1400);
    expect(stopped).toBe(true);
    // nothing ran: the fake target saw only readiness probes
    expect(server.hits).toBeGreaterThanOrEqual(3);
  });

  it('waitForReady: a port where nothing listens times out with the connection error', async () => {
    const closed = await startServer();
    await closed.close();
    await expect(waitForReady(closed.url, 600)).rejects.toThrow(/within 0\.6 s \(last: ECONNREFUSED\)/);
  });

  it('stampede run --target-config: bad key/value → exit 2 naming it; a configuration that cannot start → exit 3', async () => {
    const file = scratch.write('cfg.ts', scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1 } } }));
    const warp = await stampede(['run', file, '--target-config', 'variant=warp']);
    expect(warp.code).toBe(2);
    expect(warp.stderr).toMatch(/--target-config: variant: .*got "warp"/);
    const unknown = await stampede(['run', file, '--target-config', 'variant=async,flavour=mint']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/flavour: unknown target setting/);
    // Redis that is not there: the shop refuses at start, naming it (nothing is migrated first)
    const noRedis = await stampede(['run', file, '--target-config', 'cache=redis,redis-url=redis://127.0.0.1:1,database-url=postgres://postgres@127.0.0.1:5432/test', '--out', path.join(scratch.dir, 'no-redis')]);
    expect(noRedis.code).toBe(3);
    expect(noRedis.stderr).toMatch(/STAMPEDE_E_TARGET_UNAVAILABLE.*--cache redis needs Redis/);
    expect(existsSync(path.join(scratch.dir, 'no-redis', 'result.json'))).toBe(false);
  }, 60_000);
});

describe.skipIf(!procAvailable())('a started command target, while the run goes', () => {
  it('every second the live state (what the dashboard is sent) has the target’s resources so far, growing', async () => {
    const file = scratch.write('live-res.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '4s', preAllocatedVUs: 10, maxVUs: 20 } } }, "await vu.http.get(vu.env.BASE + '/work')"));
    const fixture = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http-fixture.mjs');
    const seen: Array<{ resources: TargetResources | undefined; cpuPoints: number }> = [];
    const out = await runAgainstTarget({
      plan: await loadPlan(file, { env: {}, threads: 1 }),
      targetConfig: null,
      command: { spec: { cmd: `${process.execPath} ${fixture} --port {port} --work {work}`, env: {}, ready: '/healthz', readyTimeoutMs: 15_000, cwd: null, stopGraceMs: DEFAULT_STOP_GRACE_MS, reset: null, invariants: null }, knobs: { work: '3000' }, logFile: path.join(scratch.dir, 'live-res', 'target.log') },
      readyTimeoutMs: 15_000,
      log: () => undefined,
      onSecond: (st) => {
        const r = st.resultSoFar();
        seen.push({ resources: r.server?.resources, cpuPoints: r.server?.series.target_cpu_percent?.length ?? 0 });
      },
    });
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((x) => x.resources?.source === 'proc')).toBe(true);
    const cpu = seen.map((x) => x.resources?.cpuSeconds ?? 0);
    for (let i = 1; i < cpu.length; i++) expect(cpu[i]!).toBeGreaterThanOrEqual(cpu[i - 1]!);
    expect(seen.at(-1)!.cpuPoints).toBeGreaterThan(seen[0]!.cpuPoints);
    // the last snapshot is the final result's figure or less (the stop adds the last sample)
    const final = out.result.server?.resources?.cpuSeconds ?? 0;
    expect(cpu.at(-1)!).toBeGreaterThan(0);
    expect(cpu.at(-1)!).toBeLessThanOrEqual(final);
  }, 60_000);
});

