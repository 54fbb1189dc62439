// stampede compare: matrices (inline and files, good and bad: exit 2 naming the field), the
// statistics and "real difference" verdicts, comparison.json round-tripping through its schema,
// and the run loop end to end on real processes (fake shops as targets, one that cannot start).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, scratchDir, scenarioSource, runCli } from '../testing/fixtures.ts';
import { StampedeError } from '../errors.ts';
import { comparisonSchema, type Comparison, type ComparisonConfiguration, type RunSummary } from '../result/comparison-schema.ts';
import { readDocument } from '../result/io.ts';
import { runResultSchema } from '../result/schema.ts';
import { matrixFromFile, matrixFromInline, parseMatrix } from './matrix.ts';
import { columnStats, columnWinners, median, METHOD } from './rank.ts';
import { finishComparison, runComparison } from './run-matrix.ts';
import { writeRunReport } from '../cli/sinks.ts';
import { loadPlan } from '../plan/load-plan.ts';
import { formatComparisonTable } from './table.ts';
import { startFakeShop, type FakeShop } from '../orchestrate/fake-shop-process.ts';
import type { TargetStarter } from '../orchestrate/launch.ts';
import { StampedeError as SE } from '../errors.ts';

const scratch = scratchDir('compare');
afterAll(() => scratch.remove());

const stampede = (args: string[]) => runCli(args);

function refusal(fn: () => unknown): StampedeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StampedeError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('matrix', () => {
  it('inline axes: the cartesian product, first axis slowest, labels and folder ids', () => {
    const m = matrixFromInline('variant=sync,async;cache=none,redis');
    expect(m.map((e) => e.label)).toEqual(['variant=sync,cache=none', 'variant=sync,cache=redis', 'variant=async,cache=none', 'variant=async,cache=redis']);
    expect(m.map((e) => e.id)).toEqual(['variant-sync_cache-none', 'variant-sync_cache-redis', 'variant-async_cache-none', 'variant-async_cache-redis']);
    expect(m[3]?.config).toMatchObject({ variant: 'async', cache: 'redis', queue: 'inline', pool: 10 });
    // flag-style keys and numbers
    const n = matrixFromInline('payment-latency-ms=20,200; workers=1,2');
    expect(n).toHaveLength(4);
    expect(n[1]?.config).toMatchObject({ paymentLatencyMs: 20, workers: 2 });
  });

  it('bad inline matrices: exit 2 naming the key', () => {
    const warp = refusal(() => matrixFromInline('variant=warp'));
    expect(warp.exitCode).toBe(2);
    expect(warp.message).toMatch(/^--matrix: variant: .*"sync"\|"async".*got "warp"/);
    expect(refusal(() => matrixFromInline('variant=sync,async;cache=none,memcached')).message).toMatch(/^--matrix: cache: .*got "memcached"/);
    expect(refusal(() => matrixFromInline('flavour=mint')).message).toMatch(/^--matrix: flavour: unknown target setting/);
    expect(refusal(() => matrixFromInline('workers=1,,2')).message).toMatch(/workers: empty value/);
    expect(refusal(() => matrixFromInline('variant=sync;variant=async')).message).toMatch(/variant: axis given twice/);
    expect(refusal(() => matrixFromInline('variant')).exitCode).toBe(2);
    expect(refusal(() => matrixFromInline('pool=0')).message).toMatch(/^--matrix: pool: /);
  });

  it('files: a list, axes × base, axes + configurations', () => {
    const list = scratch.write('list.json', JSON.stringify([{ variant: 'sync' }, { variant: 'async', cache: 'memory', workers: 2 }]));
    expect(matrixFromFile(list).map((e) => e.label)).toEqual(['variant=sync', 'variant=async,cache=memory,workers=2']);
    const axes = scratch.write('axes.json', JSON.stringify({ axes: { variant: ['sync', 'async'], pool: [5, 20] }, base: { stock: 200 } }));
    const a = matrixFromFile(axes);
    expect(a.map((e) => e.label)).toEqual(['stock=200,variant=sync,pool=5', 'stock=200,variant=sync,pool=20', 'stock=200,variant=async,pool=5', 'stock=200,variant=async,pool=20']);
    expect(a[0]?.config.stock).toBe(200);
    const both = scratch.write('both.json', JSON.stringify({ axes: { variant: ['sync'] }, configurations: [{ variant: 'async', queue: 'bullmq' }] }));
    expect(parseMatrix(both).map((e) => e.label)).toEqual(['variant=sync', 'variant=async,queue=bullmq']);
    // the same configuration twice gets distinct folders
    const dup = scratch.write('dup.json', JSON.stringify([{ variant: 'sync' }, { variant: 'sync' }]));
    expect(matrixFromFile(dup).map((e) => e.id)).toEqual(['variant-sync', 'variant-sync-2']);
  });

  it('bad files: exit 2 naming the file and the field', () => {
    const f = (name: string, body: unknown) => scratch.write(name, typeof body === 'string' ? body : JSON.stringify(body));
    const e1 = refusal(() => matrixFromFile(f('b1.json', [{ variant: 'sync' }, { variant: 'async', cache: 'memcached' }])));
    expect(e1.exitCode).toBe(2);
    expect(e1.message).toMatch(/b1\.json: \[1\]: cache: .*got "memcached"/);
    const e2 = refusal(() => matrixFromFile(f('b2.json', { axes: { variant: ['sync', 'warp'] } })));
    expect(e2.message).toMatch(/b2\.json: axes\.variant\[1\]: .*got "warp"/);
    const e3 = refusal(() => matrixFromFile(f('b3.json', { axes: { variant: 'sync' } })));
    expect(e3.message).toMatch(/b3\.json: axes\.variant: .*array/i);
    const e4 = refusal(() => matrixFromFile(f('b4.json', { axis: { variant: ['sync'] } })));
    expect(e4.message).toMatch(/b4\.json: .*axis/);
    const e5 = refusal(() => matrixFromFile(f('b5.json', '{"axes": ')));
    expect(e5.message).toMatch(/b5\.json: not valid JSON/);
    const e6 = refusal(() => matrixFromFile(f('b6.json', [])));
    expect(e6.message).toMatch(/b6\.json: .*at least one configuration/);
    const e7 = refusal(() => matrixFromFile(f('b7.json', [{ variant: ['sync'] }])));
    expect(e7.message).toMatch(/b7\.json: \[0\]\.variant: /);
    const e8 = refusal(() => matrixFromFile(f('b8.json', { axes: { variant: ['sync'] }, base: { cache: 'disk' } })));
    expect(e8.message).toMatch(/b8\.json: base: cache: .*got "disk"/);
    expect(refusal(() => parseMatrix('nope.json')).message).toMatch(/--matrix: nope\.json: no such file/);
  });

  it('the CLI: a bad matrix → exit 2 naming the field before anything starts; --help → 0', async () => {
    const file = scratch.write('s.ts', scenarioSource({ scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 1 } } }));
    const bad = await stampede(['compare', file, '--matrix', 'variant=warp', '--out', path.join(scratch.dir, 'never')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/STAMPEDE_E_CONFIG_INVALID: --matrix: variant: .*got "warp"/);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    const help = await stampede(['compare', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--matrix/);
    const missing = await stampede(['compare', file]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--matrix is required/);
    const repeat = await stampede(['compare', file, '--matrix', 'variant=sync', '--repeat', '0']);
    expect(repeat.code).toBe(2);
    expect(repeat.stderr).toMatch(/--repeat/);
  }, 60_000);
});

const summary = (over: Partial<RunSummary>): RunSummary => ({
  requestsPerSecond: 100,
  iterationsPerSecond: 20,
  achievedRatio: 1,
  droppedIterations: 0,
  latencyP50: 10,
  latencyP99: 100,
  durationP50: 9,
  durationP99: 90,
  errorRate: 0,
  sold: 100,
  oversold: 0,
  acceptedButMissing: 0,
  drained: true,
  checksPassed: 100,
  checksFailed: 0,
  invariantChecksOk: true,
  thresholdsPassed: 3,
  thresholdsFailed: 0,
  diedAt: null,
  partial: false,
  ...over,
});

function configuration(id: string, runs: RunSummary[]): ComparisonConfiguration {
  return {
    id,
    label: id,
    given: { variant: id },
    config: { variant: id },
    status: 'ran',
    skipReason: null,
    runs: runs.map((s, i) => ({ repeat: i + 1, status: 'ok', exitCode: 0, resultFile: `${id}/run-${i + 1}/result.json`, reportFile: null, error: null, summary: s })),
    stats: null,
    rank: null,
  };
}

function comparisonOf(configs: ComparisonConfiguration[], repeat: number): Comparison {
  return finishComparison({
    schemaVersion: 1,
    kind: 'comparison',
    meta: { tool: { name: 'stampede', version: '0.1.0' }, node: 'v20', cpus: 2, cpuModel: 'x', scenarioFile: 'f.ts', scenarioName: 'f', matrix: 'variant=a,b', repeat, cooldownMs: 0, env: {}, startTime: 't', endTime: 't', partial: false },
    configurations: configs,
    winners: [],
    ranking: [],
    method: METHOD,
  });
}

describe('statistics, winners, ranking', () => {
  it('median and ranges; a win is real only when the ranges do not overlap', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    const s = columnStats([summary({ latencyP99: 120 }), summary({ latencyP99: 80 }), summary({ latencyP99: 100, sold: null })]);
    expect(s.latencyP99).toEqual({ median: 100, min: 80, max: 120, n: 3 });
    expect(s.sold).toEqual({ median: 100, min: 100, max: 100, n: 2 });

    // fast: p99 40–60; slow: p99 100–140 → real. rps 100–110 vs 95–105 → overlap, not real.
    const fast = configuration('fast', [summary({ latencyP99: 40, requestsPerSecond: 100 }), summary({ latencyP99: 60, requestsPerSecond: 110 }), summary({ latencyP99: 50, requestsPerSecond: 105 })]);
    const slow = configuration('slow', [summary({ latencyP99: 100, requestsPerSecond: 95 }), summary({ latencyP99: 140, requestsPerSecond: 105 }), summary({ latencyP99: 120, requestsPerSecond: 100 })]);
    const c = comparisonOf([slow, fast], 3);
    const w = (col: string) => c.winners.find((x) => x.column === col);
    expect(w('latencyP99')).toEqual({ column: 'latencyP99', id: 'fast', real: true });
    expect(w('requestsPerSecond')).toEqual({ column: 'requestsPerSecond', id: 'fast', real: false });
    // oversold 0 everywhere: a tie, no winner
    expect(w('oversold')).toEqual({ column: 'oversold', id: null, real: null });
    expect(c.ranking).toEqual(['fast', 'slow']);
    expect(c.configurations.find((x) => x.id === 'fast')?.rank).toBe(1);

    const table = formatComparisonTable(c);
    expect(table).toMatch(/1\s+fast\s+105\.0 \(100\.0–110\.0\)~\s+10 ms\s+50 ms \(40 ms–60 ms\)\*/);
    expect(table).toMatch(/2\s+slow/);
    expect(table).toMatch(/ranges do not overlap|does not overlap/);
  });

  it('single runs: winners shown but untested; broken invariants rank last however fast', () => {
    const quick = configuration('quick-but-lossy', [summary({ latencyP99: 5, invariantChecksOk: false, acceptedButMissing: 3 })]);
    const safe = configuration('safe', [summary({ latencyP99: 300 })]);
    const c = comparisonOf([quick, safe], 1);
    expect(c.winners.find((x) => x.column === 'latencyP99')).toEqual({ column: 'latencyP99', id: 'quick-but-lossy', real: null });
    expect(c.ranking).toEqual(['safe', 'quick-but-lossy']);
    const table = formatComparisonTable(c);
    expect(table).toMatch(/quick-but-lossy.*5\.0 ms\?.*BROKEN ×1/);
  });

  it('comparison.json round-trips through its schema (and a broken one is refused naming the field)', async () => {
    const c = comparisonOf([configuration('a', [summary({}), summary({ latencyP99: 90 })]), { ...configuration('b', []), status: 'skipped', skipReason: '--cache redis needs Redis' }], 2);
    const file = path.join(scratch.dir, 'rt', 'comparison.json');
    const { writeJsonAtomic } = await import('../result/io.ts');
    await writeJsonAtomic(file, c);
    const back = await readDocument(file, comparisonSchema);
    expect(back).toEqual(c);
    expect(back.configurations[1]?.stats).toBeNull();
    const broken = JSON.parse(readFileSync(file, 'utf8')) as { configurations: Array<{ runs: Array<{ summary: { latencyP99: unknown } }> }> };
    const run0 = broken.configurations[0]?.runs[0];
    if (run0) run0.summary.latencyP99 = 'fast';
    await (await import('node:fs/promises')).writeFile(file, JSON.stringify(broken));
    await expect(readDocument(file, comparisonSchema)).rejects.toThrow(/configurations\[0\]\.runs\[0\]\.summary\.latencyP99/);
  });
});

describe('the comparison loop (real processes)', () => {
  it('runs each configuration, skips one that cannot start with its reason, writes every result and comparison.json', async () => {
    const file = scratch.write(
      'loop.ts',
      scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5, maxVUs: 10 } } }, "await vu.http.get(vu.env.BASE + '/products/1')"),
    );
    const shops: FakeShop[] = [];
    // a real process per configuration; "cache=redis" stands for one this machine cannot run
    const starter: TargetStarter = async (config) => {
      if (config.cache === 'redis') throw new SE('STAMPEDE_E_TARGET_UNAVAILABLE', '--cache redis needs Redis: set REDIS_URL');
      const shop = await startFakeShop();
      shops.push(shop);
      return { url: shop.url, adminToken: 'fake-token', stop: () => shop.stop() };
    };
    const outDir = path.join(scratch.dir, 'loop-out');
    const lines: string[] = [];
    const { comparison, file: cfile, interrupted } = await runComparison({
      plan: await loadPlan(file, { env: {}, threads: 1 }),
      matrixSource: 'variant=sync,async;cache=none,redis',
      entries: matrixFromInline('variant=sync,async;cache=none,redis'),
      repeat: 2,
      cooldownMs: 200,
      outDir,
      readyTimeoutMs: 10_000,
      stopRequested: new Promise(() => undefined),
      log: (l) => lines.push(l),
      starter,
      writeReport: writeRunReport,
    });
    expect(interrupted).toBe(false);
    expect(shops).toHaveLength(4); // 2 configurations × 2 repeats really started
    expect(shops.every((s) => s.child.exitCode !== null || s.child.signalCode !== null)).toBe(true);
    const back = await readDocument(cfile, comparisonSchema);
    expect(back.configurations.map((c) => [c.label, c.status, c.runs.length])).toEqual([
      ['variant=sync,cache=none', 'ran', 2],
      ['variant=sync,cache=redis', 'skipped', 0],
      ['variant=async,cache=none', 'ran', 2],
      ['variant=async,cache=redis', 'skipped', 0],
    ]);
    expect(back.configurations[1]?.skipReason).toMatch(/--cache redis needs Redis/);
    expect(lines.some((l) => l.includes('skipped'))).toBe(true);
    for (const cfg of back.configurations.filter((c) => c.status === 'ran')) {
      for (const r of cfg.runs) {
        expect(r.status).toBe('ok');
        const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(outDir, r.resultFile ?? ''), 'utf8')));
        // 20/s for 2 s, every request answered
        expect(result.metrics.http_reqs?.values.count).toBe(40);
        expect(r.summary?.requestsPerSecond).toBeGreaterThan(15);
        expect(r.summary?.errorRate).toBe(0);
        expect(result.server?.series.scrape_ok?.length).toBeGreaterThanOrEqual(2);
        expect(result.meta.targetConfig?.variant).toBe(cfg.given.variant);
      }
      expect(cfg.stats?.requestsPerSecond?.n).toBe(2);
    }
    expect(back.ranking).toHaveLength(2);
    expect(formatComparisonTable(back)).toMatch(/variant=sync,cache=redis\s+— skipped: --cache redis needs Redis/);
    expect(comparison.meta.repeat).toBe(2);
  }, 90_000);

  it('Ctrl-C: the current run finishes (partial), the rest are reported as not run, comparison.json is partial', async () => {
    const file = scratch.write(
      'interrupt.ts',
      scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '6s', preAllocatedVUs: 5, maxVUs: 10 } } }, "await vu.http.get(vu.env.BASE + '/products/1')"),
    );
    const shops: FakeShop[] = [];
    const starter: TargetStarter = async () => {
      const shop = await startFakeShop();
      shops.push(shop);
      return { url: shop.url, adminToken: 'fake-token', stop: () => shop.stop() };
    };
    let stop!: (r: string) => void;
    const stopRequested = new Promise<string>((r) => (stop = r));
    const started = Date.now();
    const { comparison, interrupted } = await runComparison({
      plan: await loadPlan(file, { env: {}, threads: 1 }),
      matrixSource: 'variant=sync,async',
      entries: matrixFromInline('variant=sync,async'),
      repeat: 1,
      cooldownMs: 0,
      outDir: path.join(scratch.dir, 'interrupt-out'),
      readyTimeoutMs: 10_000,
      stopRequested,
      log: () => undefined,
      onRunStart: () => void setTimeout(() => stop('interrupted (Ctrl-C)'), 2500),
      starter,
      writeReport: writeRunReport,
    });
    expect(interrupted).toBe(true);
    expect(Date.now() - started).toBeLessThan(6000 + 5000);
    expect(shops).toHaveLength(1);
    expect(comparison.meta.partial).toBe(true);
    const [first, second] = comparison.configurations;
    expect(first?.runs[0]?.summary?.partial).toBe(true);
    expect(second).toMatchObject({ status: 'skipped', skipReason: 'not run: interrupted (Ctrl-C)' });
  }, 60_000);
});
