// `stampede run <k6 script>` as a user runs it (the CLI process, from its bundle): threads,
// --summary-export in k6's shape (read back by `stampede import k6`), handleSummary's outputs,
// exit codes, and bad input refused before any request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli, scratchDir } from '../../testing/fixtures.ts';
import { importSummary } from '../import-summary.ts';
import { startCorpusServer } from './test-server.ts';

const scratch = scratchDir('k6-cli');
let server: Awaited<ReturnType<typeof startCorpusServer>>;
beforeAll(async () => {
  server = await startCorpusServer();
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

/** The first number of k6.ts randomSeed's generator (mulberry32) for a 32-bit state. */
function mulberry32(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const script = path.join(import.meta.dirname, 'corpus', '45-handle-summary.js');

describe('stampede run <k6 script>', () => {
  it('exec.test.abort(): the result is written, marked with the reason, and the run exits 108 (k6 ScriptAborted)', async () => {
    const out = path.join(scratch.dir, 'aborted');
    const r = await runCli(['run', path.join(import.meta.dirname, 'corpus', '53-test-abort.js'), '--env', `BASE=${server.url}`, '--threads', '2', '--out', out, '--no-dashboard', '--no-history']);
    expect(r.code).toBe(108);
    expect(r.stderr).not.toMatch(/journey error|    at /);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.partial).toBe(true);
    expect(result.stopReason).toMatch(/^test aborted by the script: exec\.test\.abort\("enough crocodiles"\)/);
  });

  it('two threads, --summary-export and handleSummary; a failed threshold exits 99', async () => {
    const exportFile = path.join(scratch.dir, 'export.json');
    const r = await runCli(['run', script, '--env', `BASE=${server.url}`, '--env', `OUT=${scratch.dir}`, '--threads', '2', '--summary-export', exportFile, '--out', path.join(scratch.dir, 'run'), '--no-dashboard']);
    expect(r.stderr).not.toMatch(/journey error|    at /);
    expect(r.code).toBe(99);
    // handleSummary's stdout replaces the default summary (as k6)
    expect(r.stdout).toContain('custom summary: 8 requests');
    expect(r.stdout).not.toContain('METRICS');
    // jslib textSummary (vendored): checks by group, metrics with their threshold marks
    expect(r.stdout).toMatch(/█ catalogue\n\s+✓ listed\n\s+✗ four crocs\n\s+↳  0% — ✓ 0 \/ ✗ 8/);
    expect(r.stdout).toMatch(/✗ checks\{kind:strict\}\.+: 0\.00% ✓ 0 ✗ 8/);
    expect(r.stdout).toMatch(/✓ http_req_duration\.+: avg=/);
    expect(r.stdout).toMatch(/  http_reqs\.+: 8 /);

    const data = JSON.parse(readFileSync(path.join(scratch.dir, 'summary.json'), 'utf8'));
    expect(data.metrics.http_reqs).toMatchObject({ type: 'counter', contains: 'default', values: { count: 8 } });
    expect(data.metrics.iterations.values.count).toBe(8);
    expect(data.metrics['checks{kind:strict}'].thresholds['rate>0.99']).toEqual({ ok: false });
    expect(data.metrics.http_req_latency.type).toBe('trend');
    expect(data.root_group.groups[0]).toMatchObject({ name: 'catalogue', path: '::catalogue' });
    expect(data.root_group.groups[0].checks.map((c: { name: string; passes: number; fails: number }) => [c.name, c.passes, c.fails])).toEqual([
      ['listed', 8, 0],
      ['four crocs', 0, 8],
    ]);

    const exported = JSON.parse(readFileSync(exportFile, 'utf8'));
    expect(exported.metrics.http_reqs.count).toBe(8);
    expect(exported.metrics.checks).toMatchObject({ passes: 8, fails: 8, value: 0.5 });
    // --summary-export: true when the threshold FAILED
    expect(exported.metrics['checks{kind:strict}'].thresholds).toEqual({ 'rate>0.99': true });
    expect(exported.metrics.http_req_duration.thresholds).toEqual({ 'p(95)<60000': false });
    expect(exported.root_group.groups.catalogue.checks['four crocs']).toMatchObject({ passes: 0, fails: 8 });

    // and what Stampede's importer reads back is the same run
    const back = await importSummary(exportFile, exported);
    expect(back.metrics.http_reqs?.values.count).toBe(8);
    expect(back.checks.map((c) => [c.path, c.passes, c.fails]).sort()).toEqual([
      ['::catalogue::four crocs', 0, 8],
      ['::catalogue::listed', 8, 0],
    ]);
    expect(back.thresholds.filter((t) => !t.ok).map((t) => `${t.key}: ${t.source}`)).toEqual(['checks{kind:strict}: rate>0.99']);
  });

  it('--env reaches __ENV at init (options) and in VU code, in every thread', async () => {
    const before = server.seen.length;
    const r = await runCli(['run', path.join(import.meta.dirname, 'corpus', '46-env-options.js'), '--env', `BASE=${server.url}`, '--env', 'ITERS=5', '--env', 'VUS=2', '--env', 'FROM=cli', '--threads', '2', '--quiet', '--no-dashboard', '--out', path.join(scratch.dir, 'env')]);
    expect(r.code, r.stderr).toBe(0);
    const seen = server.seen.slice(before);
    expect(seen.map((s) => s.query.from)).toEqual(Array(5).fill('cli'));
  });

  it('--threads 2: exec.scenario.iterationInTest is one sequence over both threads; randomSeed gives each thread its own reproducible sequence', async () => {
    const file = path.join(import.meta.dirname, 'corpus', '56-iteration-in-test.js');
    const firstNumbers: number[][] = [];
    for (const run of ['a', 'b']) {
      const before = server.seen.length;
      const r = await runCli(['run', file, '--env', `BASE=${server.url}`, '--threads', '2', '--quiet', '--no-dashboard', '--no-history', '--out', path.join(scratch.dir, `numbered-${run}`)]);
      expect(r.code, r.stderr).toBe(0);
      const seen = server.seen.slice(before);
      const n = (scenario: string) => seen.filter((s) => s.query.scenario === scenario).map((s) => Number(s.query.n)).sort((a, b) => a - b);
      // every number 0..N-1 exactly once, though each thread ran its own share of the iterations
      expect(n('shared')).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(n('seeded')).toEqual([0, 1]);
      firstNumbers.push(seen.filter((s) => s.query.scenario === 'seeded').map((s) => Number(s.query.r)).sort());
    }
    // one seeded VU per thread: thread 0 draws the sequence of the seed, thread 1 that of the seed
    // mixed with its index — two different numbers, the same two in both runs
    expect(firstNumbers[0]).toEqual([mulberry32(7), mulberry32((7 + 0x9e3779b9) >>> 0)].sort());
    expect(firstNumbers[1]).toEqual(firstNumbers[0]);
  });

  it('bad input exits 2 with one line and sends nothing', async () => {
    const before = server.seen.length;
    const missingDir = await runCli(['run', script, '--env', `BASE=${server.url}`, '--summary-export', path.join(scratch.dir, 'nope', 'x.json'), '--no-dashboard']);
    expect(missingDir.code).toBe(2);
    expect(missingDir.stderr).toMatch(/--summary-export.*its folder .*nope does not exist/);
    const refused = scratch.write('ws.js', `import http from 'k6/http';\nimport ws from 'k6/ws';\nexport default function () { http.get('${server.url}/ok'); }\n`);
    const r = await runCli(['run', refused, '--no-dashboard']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ws\.js:2: import k6\/ws: WebSocket tests are not supported by Stampede; run this script with k6/);
    expect(r.stderr).not.toMatch(/    at /);
    expect(server.seen.length).toBe(before);
  });
});
