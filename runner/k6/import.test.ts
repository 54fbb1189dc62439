// Import of k6 output files written in k6's documented formats (fixtures/make-fixtures.ts):
// two k6-operator runners' --out json files (one gzipped) and both summary shapes. The expected
// numbers are computed here from the raw samples, independently of the importer.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHistogram } from '../recorder/histogram.ts';
import { runResultSchema, type RunResult } from '../result/schema.ts';
import { importK6 } from './import.ts';
import { runCli } from '../testing/fixtures.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIX = path.join(import.meta.dirname, 'fixtures');
const R1 = path.join(FIX, 'k6-out-runner-1.json');
const R2 = path.join(FIX, 'k6-out-runner-2.json.gz');
const dir = mkdtempSync(path.join(tmpdir(), 'stampede-k6-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface RawPoint {
  metric: string;
  time: string;
  value: number;
  tags: Record<string, string> | null;
}

function rawPoints(file: string): RawPoint[] {
  const bytes = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as { type: string; metric: string; data: { time: string; value: number; tags: Record<string, string> | null } })
    .filter((e) => e.type === 'Point')
    .map((e) => ({ metric: e.metric, time: e.data.time, value: e.data.value, tags: e.data.tags }));
}

/** Nearest-rank percentile (HdrHistogram's definition), on exact ms values. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.max(0, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[i] ?? NaN;
}

const durations = (pts: RawPoint[]) => pts.filter((p) => p.metric === 'http_req_duration').map((p) => p.value);

const stampede = (...args: string[]) => runCli(args);

describe('import k6 --out json (two runners)', () => {
  const p1 = rawPoints(R1);
  const p2 = rawPoints(R2);
  const all = [...p1, ...p2];
  let result: RunResult;

  it('produces a schema-valid result marked as imported with histograms', async () => {
    result = await importK6([R1, R2]);
    expect(() => runResultSchema.parse(result)).not.toThrow();
    expect(result.meta.imported).toMatchObject({ from: 'k6-json', histograms: true });
    expect(result.meta.imported?.files).toHaveLength(2);
    expect(result.meta.scenarioName).toBe('flash-sale');
    expect(result.metrics.http_req_latency).toBeUndefined();
    expect(result.warnings.some((w) => w.includes('http_req_latency is absent'))).toBe(true);
    expect(result.generator.threads).toBe(2);
  });

  it('merged percentiles are those of all samples of both runners (not an average of runners)', () => {
    const d = durations(all);
    expect(d.length).toBe(100);
    const v = result.metrics.http_req_duration?.values ?? {};
    expect(v.count).toBe(100);
    for (const p of [50, 90, 95, 99]) {
      const want = nearestRank(d, p);
      // HdrHistogram with 3 significant digits: within 0.1 % (+ 1 µs of rounding)
      expect(Math.abs((v[`p(${p})`] ?? NaN) - want)).toBeLessThanOrEqual(want * 0.001 + 0.002);
    }
    expect(v.min).toBeCloseTo(Math.min(...d), 1);
    expect(Math.abs((v.max ?? 0) - Math.max(...d))).toBeLessThanOrEqual(Math.max(...d) * 0.001);
    // what an operator dashboard averaging per-runner p95 would say is far from the truth here
    const avgOfRunners = (nearestRank(durations(p1), 95) + nearestRank(durations(p2), 95)) / 2;
    expect(Math.abs(avgOfRunners - nearestRank(d, 95)) / nearestRank(d, 95)).toBeGreaterThan(0.05);
    // the stored histogram decodes to the same 100 samples
    const h = decodeHistogram(result.metrics.http_req_duration?.histogram ?? '');
    expect(h.totalCount).toBe(100);
  });

  it('counters, rates, checks and thresholds match the raw samples', () => {
    const failed = all.filter((p) => p.metric === 'http_req_failed' && p.value !== 0).length;
    expect(result.metrics.http_req_failed?.values).toMatchObject({ passes: failed, fails: 100 - failed, rate: failed / 100 });
    const bytes = all.filter((p) => p.metric === 'data_received').reduce((a, p) => a + p.value, 0);
    expect(result.metrics.data_received?.values.count).toBe(bytes);
    expect(result.metrics.data_received?.contains).toBe('data');
    const checksOk = all.filter((p) => p.metric === 'checks' && p.value === 1).length;
    const checkout = all.filter((p) => p.metric === 'checks' && p.tags?.group === '::checkout');
    const byPath = Object.fromEntries(result.checks.map((c) => [c.path, c]));
    expect(byPath['::checkout::status is 200']).toMatchObject({ passes: checkout.filter((p) => p.value === 1).length, fails: checkout.filter((p) => p.value === 0).length });
    expect(result.checks.reduce((a, c) => a + c.passes, 0)).toBe(checksOk);

    const t = Object.fromEntries(result.thresholds.map((x) => [`${x.key} ${x.source}`, x]));
    expect(t['http_req_failed rate<0.01']).toMatchObject({ ok: failed / 100 < 0.01, observed: failed / 100 });
    expect(failed).toBeGreaterThan(1); // the fixture has failures: the threshold really fails
    expect(t['http_req_duration p(99)<800']?.abortOnFail).toBe(true);
    expect(t['checks rate>0.9']?.ok).toBe(checksOk / 100 > 0.9);
    expect(result.metrics.http_req_failed?.thresholds?.['rate<0.01']?.ok).toBe(false);
  });

  it('builds tagged series by (scenario, group, name, method, status) and a per-second timeline', () => {
    const post200 = result.tagged.find((x) => x.metric === 'http_reqs' && x.tags.name === 'POST /checkout' && x.tags.status === '200' && x.tags.expected_response === 'true');
    const rawPost200 = all.filter((p) => p.metric === 'http_reqs' && p.tags?.name === 'POST /checkout' && p.tags.status === '200').length;
    expect(post200?.values.count).toBe(rawPost200);
    expect(post200?.tags).toMatchObject({ scenario: 'shoppers', group: '::checkout', method: 'POST' });
    expect(post200?.tags.url).toBeUndefined();

    expect(result.timeline).toHaveLength(10);
    expect(result.timeline.reduce((a, p) => a + p.requests, 0)).toBe(100);
    // vus: the sum of both runners' gauges in that second (runner 2's times are at +01:00)
    const vusAt = (pts: RawPoint[], s: number) => pts.filter((p) => p.metric === 'vus')[s]?.value ?? NaN;
    for (const s of [0, 4, 9]) expect(result.timeline[s]?.vus).toBe(vusAt(p1, s) + vusAt(p2, s));
    expect(result.timeline.every((p) => p.latency === null)).toBe(true);
    expect(result.timeline.some((p) => p.duration !== null)).toBe(true);
  });
});

describe('import k6 summaries', () => {
  it('--summary-export and handleSummary data give the same result; failed thresholds keep their sense', async () => {
    const a = await importK6([path.join(FIX, 'k6-summary-export.json')]);
    const b = await importK6([path.join(FIX, 'k6-handle-summary.json')]);
    expect(() => runResultSchema.parse(a)).not.toThrow();
    expect(a.metrics).toEqual(b.metrics);
    expect(a.thresholds).toEqual(b.thresholds);
    expect(a.checks).toEqual(b.checks);
    expect(a.meta.imported).toMatchObject({ from: 'k6-summary', histograms: false });
    expect(a.metrics.http_req_duration?.histogram).toBeUndefined();
    expect(a.metrics.http_req_duration?.values['p(95)']).toBe(198.7);
    expect(a.metrics.http_req_failed?.values).toEqual({ passes: 5, fails: 95, rate: 0.05 });
    // --summary-export writes `true` for a FAILED threshold
    const failed = a.thresholds.filter((t) => !t.ok).map((t) => `${t.key} ${t.source}`);
    expect(failed).toEqual(['http_req_failed rate<0.01']);
    expect(a.checks.map((c) => c.path).sort()).toEqual(['::checkout::status is 200', '::status is 200']);
    expect(a.tagged.find((t) => t.tags.expected_response === 'true')?.metric).toBe('http_req_duration');
    expect(b.meta.durationMs).toBe(10013);
    expect(a.timeline).toEqual([]);
  });
});

describe('stampede import k6 (CLI)', () => {
  it('writes result.json and report.html; exits 99 because a threshold failed', async () => {
    const out = path.join(dir, 'out');
    const junit = path.join(dir, 'junit.xml');
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const r = await stampede('import', 'k6', R1, R2, '--out', out, '--junit', junit, '--summary-md', summary);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(99);
    expect(r.stdout).toContain('thresholds: 3 passed, 1 failed');
    const doc = runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
    expect(doc.metrics.http_reqs?.values.count).toBe(100);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    expect(readFileSync(junit, 'utf8')).toContain('<testcase classname="thresholds.http_req_failed" name="http_req_failed: rate&lt;0.01" time="0">');
    const md = readFileSync(summary, 'utf8');
    expect(md.startsWith('# earlier step\n## Stampede: flash\\-sale — ❌ 1 of 4 thresholds failed')).toBe(true);
  });

  it('names the file and the line of a bad line, also inside a gzipped file', async () => {
    const lines = gunzipSync(readFileSync(R2)).toString('utf8').split('\n');
    lines[41] = '{"type":"Point","data":{"time":"2026-11-25T10:00:00Z","value":"fast"},"metric":"http_req_duration"}';
    const bad = path.join(dir, 'bad.json.gz');
    writeFileSync(bad, gzipSync(lines.join('\n')));
    const r = await stampede('import', 'k6', R1, bad, '--out', path.join(dir, 'nope'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:42: data.value`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });

  it('refuses garbage, a Point of an unknown metric before its Metric line, and mixing a summary with runners', async () => {
    const garbage = path.join(dir, 'garbage.json');
    writeFileSync(garbage, 'hello\n');
    let r = await stampede('import', 'k6', garbage);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${garbage}:1:`);

    const orphan = path.join(dir, 'orphan.json');
    writeFileSync(orphan, '{"type":"Point","data":{"time":"2026-11-25T10:00:00Z","value":1,"tags":null},"metric":"my_trend"}\n');
    r = await stampede('import', 'k6', orphan);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${orphan}:1: metric: a Point of "my_trend" before its Metric line`);

    r = await stampede('import', 'k6', R1, path.join(FIX, 'k6-handle-summary.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('percentiles cannot be merged from summaries');

    r = await stampede('import', 'wrk', R1);
    expect(r.code).toBe(2);
  });
});
