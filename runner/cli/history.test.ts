// The run history as a user drives it: real `stampede run`s against a local server whose delay
// is a knob, recorded in a SQLite file of the test's own; diff, baseline, the --fail-on gate
// (exit 99, JUnit, Markdown), import, export and change points through the CLI.
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, scenarioSource, scratchDir, startServer, type TestServer } from '../testing/fixtures.ts';
import { readRunResult } from '../result/io.ts';
import { diffSeconds } from '../history/diff.ts';
import { historyLocation, openHistory } from '../history/open.ts';
import { historyPage } from '../history/history-page.ts';

const scratch = scratchDir('cli-history');
const historyFile = path.join(scratch.dir, 'history.sqlite');
const env = { ...process.env, STAMPEDE_HISTORY_URL: historyFile };
let server: TestServer;
/** the knob: milliseconds added to every response */
let extraMs = 0;

beforeAll(async () => {
  server = await startServer((_req, res) => {
    if (extraMs > 0) setTimeout(() => res.end('ok'), extraMs);
    else res.end('ok');
  });
});
afterAll(async () => {
  await server.close();
  if (!process.env.KEEP_SCRATCH) scratch.remove();
});

const options = { scenarios: { steady: { executor: 'constant-arrival-rate', rate: 40, timeUnit: '1s', duration: '8s', preAllocatedVUs: 5, maxVUs: 40 } } };
const runs: { fast: string[]; slow: string[] } = { fast: [], slow: [] };

async function stampedeRun(name: string, extra: string[] = []) {
  const file = path.join(scratch.dir, 'steady.ts');
  const out = path.join(scratch.dir, 'out', name);
  const r = await runCli(['run', file, '--out', out, '--env', `BASE=${server.url}`, '--quiet', ...extra], { env });
  return { ...r, out, result: path.join(out, 'result.json') };
}

describe('stampede history, diff, baseline, --fail-on', () => {
  it('records every run; diff finds +20 ms "slower" in every fast/slow pair', async () => {
    scratch.write('steady.ts', scenarioSource(options));
    for (const [kind, ms, n] of [['fast', 0, 3], ['slow', 20, 3]] as const) {
      extraMs = ms;
      for (let i = 0; i < n; i++) {
        const r = await stampedeRun(`${kind}-${i}`);
        expect(r.code, r.stderr).toBe(0);
        runs[kind].push(r.result);
      }
    }
    extraMs = 0;
    const list = await runCli(['history', 'steady', '--json'], { env });
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as Array<{ resultPath: string; verdict: string; identity: { gitCommit: string | null; target: string }; headline: { p50: number } }>;
    expect(listed.map((r) => r.resultPath)).toEqual([...runs.slow].reverse().concat([...runs.fast].reverse()));
    expect(listed.every((r) => r.verdict === 'passed' && r.identity.target === server.url)).toBe(true);
    expect(listed[0]?.headline.p50).toBeGreaterThan(20);

    let slower = 0;
    let pairs = 0;
    for (const a of runs.fast) {
      for (const b of runs.slow) {
        const d = diffSeconds((await readRunResult(a)).seconds ?? [], (await readRunResult(b)).seconds ?? []);
        pairs++;
        // the medians: on a machine shared with other work the tails of a hello-world server are
        // noise of that work (tens of ms), the median is the server's
        const rows = d.rows.filter((r) => r.name === '(all requests)' && (r.metric === 'http_req_latency' || r.metric === 'http_req_duration') && r.stat === 'p(50)');
        expect(rows).toHaveLength(2);
        if (rows.every((r) => r.verdict === 'slower')) slower++;
      }
    }
    expect(pairs).toBe(9);
    expect(slower).toBe(9);
  }, 240_000);

  it('stampede diff by id, path and last; baseline set; diff baseline last', async () => {
    const d = await runCli(['diff', runs.fast[0] as string, 'last', '--json'], { env });
    expect(d.code, d.stderr).toBe(0);
    const report = JSON.parse(d.stdout) as { b: { file: string }; rows: Array<{ metric: string; stat: string; verdict: string; name: string }> };
    expect(report.b.file).toBe(runs.slow[2]);
    expect(report.rows.find((r) => r.name === '(all requests)' && r.metric === 'http_req_latency' && r.stat === 'p(50)')?.verdict).toBe('slower');
    const text = await runCli(['diff', runs.fast[0] as string, runs.slow[0] as string], { env });
    expect(text.stdout).toMatch(/\(all requests\)\s+http_req_latency p\(50\).*slower/);

    const store = await openHistory(historyLocation(historyFile, PROJECT_ROOT));
    const first = await store.byPath(runs.fast[0] as string);
    await store.close();
    const set = await runCli(['baseline', 'set', first?.id as string], { env });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`baseline of steady against ${server.url}: ${first?.id}`);
    const vs = await runCli(['diff', 'baseline', 'last', '--json'], { env });
    expect(vs.code, vs.stderr).toBe(0);
    expect((JSON.parse(vs.stdout) as { a: { id: string } }).a.id).toBe(first?.id);
    // a result without per-second histograms (an older Stampede, a k6 import) is listed, not diffed
    const old = JSON.parse(readFileSync(runs.fast[1] as string, 'utf8')) as Record<string, unknown>;
    delete old.seconds;
    mkdirSync(path.join(scratch.dir, 'old'), { recursive: true });
    const oldFile = scratch.write('old/result.json', JSON.stringify(old));
    const noSeconds = await runCli(['diff', oldFile, 'last'], { env });
    expect(noSeconds.code).toBe(2);
    expect(noSeconds.stderr).toContain('no per-second histograms (written by an older Stampede, or imported)');
    const missing = await runCli(['diff', 'no-such-run', 'last'], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('"no-such-run": no such run id in the history');
  }, 60_000);

  it('--baseline --fail-on: exit 99 on a significant regression, with the table in the summary, JUnit and Markdown; exit 0 without one', async () => {
    const junit = path.join(scratch.dir, 'gate.xml');
    const md = path.join(scratch.dir, 'gate.md');
    extraMs = 20;
    const bad = await runCli(['run', path.join(scratch.dir, 'steady.ts'), '--out', path.join(scratch.dir, 'out', 'gate-slow'), '--env', `BASE=${server.url}`, '--baseline', 'baseline', '--fail-on', 'p(50)+50%,rate-10%', '--junit', junit, '--summary-md', md], { env });
    extraMs = 0;
    expect(bad.code, bad.stderr).toBe(99);
    expect(bad.stdout).toContain('AGAINST BASELINE');
    expect(bad.stdout).toMatch(/✗ p\(50\)\+50%\s+regression: change at least \+\d/);
    expect(bad.stdout).toMatch(/✓ rate-10%\s+ok/);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuite name="regression" tests="2" failures="1"/);
    expect(xml).toContain('<testcase classname="regression" name="p(50)+50%" time="0">');
    const mdText = readFileSync(md, 'utf8');
    expect(mdText).toContain('### Regression gate against');
    expect(mdText).toContain('❌ regression');

    const good = await runCli(['run', path.join(scratch.dir, 'steady.ts'), '--out', path.join(scratch.dir, 'out', 'gate-fast'), '--env', `BASE=${server.url}`, '--quiet', '--baseline', 'baseline', '--fail-on', 'p(50)+500%'], { env });
    expect(good.code, good.stdout + good.stderr).toBe(0);

    const usage = await runCli(['run', path.join(scratch.dir, 'steady.ts'), '--fail-on', 'p(99)+10%'], { env });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--fail-on needs --baseline');
    const rule = await runCli(['run', path.join(scratch.dir, 'steady.ts'), '--baseline', 'last', '--fail-on', 'p99>10'], { env });
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain('stampede run: --fail-on: "p99>10"');
  }, 120_000);

  it('import, export --csv, and --changes', async () => {
    // a fresh history from the result files on disk
    const fresh = path.join(scratch.dir, 'imported.sqlite');
    const imp = await runCli(['history', 'import', path.join(scratch.dir, 'out')], { env: { ...process.env, STAMPEDE_HISTORY_URL: fresh } });
    expect(imp.code, imp.stderr).toBe(0);
    expect(imp.stdout).toMatch(/^8 document\(s\) found, 8 recorded, 0 already/);
    const again = await runCli(['history', 'import', path.join(scratch.dir, 'out')], { env: { ...process.env, STAMPEDE_HISTORY_URL: fresh } });
    expect(again.stdout).toMatch(/8 recorded|0 recorded, 8 already/);
    expect(again.stdout).toContain('0 recorded, 8 already');
    // an invalid document: nothing recorded, exit 2
    const badDir = path.join(scratch.dir, 'bad');
    mkdirSync(path.join(badDir, 'x'), { recursive: true });
    copyFileSync(runs.fast[0] as string, path.join(badDir, 'result.json'));
    scratch.write('bad/x/result.json', '{"schemaVersion": 1, "kind": "run"}');
    const other = path.join(scratch.dir, 'other.sqlite');
    const rejected = await runCli(['history', 'import', badDir], { env: { ...process.env, STAMPEDE_HISTORY_URL: other } });
    expect(rejected.code).toBe(2);
    expect(rejected.stderr).toContain('1 invalid document(s), nothing recorded');
    expect((await runCli(['history'], { env: { ...process.env, STAMPEDE_HISTORY_URL: other } })).stdout).toContain('no runs recorded');

    const csv = await runCli(['history', 'export', '--csv'], { env });
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('time,id,kind,scenario,target,git_commit,git_branch,machine,verdict,p50_ms,p99_ms,rate_per_s,error_rate,result');
    expect(lines).toHaveLength(1 + 8);

    // change points: 30 recorded runs whose p99 steps from ~10 to ~16 ms (3 noise SDs) at run 15
    const cp = path.join(scratch.dir, 'changes.sqlite');
    const store = await openHistory(historyLocation(cp, PROJECT_ROOT));
    const noise = [0.3, -1.1, 0.8, 1.6, -0.4, -1.9, 0.2, 1.0, -0.7, 0.5, -1.4, 1.2, 0.1, -0.2, 0.9, -0.6, 1.3, -1.5, 0.4, 0.0, -0.9, 1.8, -0.3, 0.6, -1.2, 0.7, -0.1, 1.1, -0.8, 0.2];
    for (let i = 0; i < 30; i++) {
      await store.record({
        kind: 'run',
        startedAt: new Date(Date.UTC(2026, 10, 1 + i)).toISOString(),
        resultPath: `/nightly/${i}/result.json`,
        verdict: 'passed',
        durationMs: 60_000,
        identity: { scenarioName: 'nightly', scenarioFile: 'nightly.ts', scenarioHash: null, target: 'http://staging', targetConfig: null, command: null, gitCommit: `c${i}`, gitBranch: 'main', machine: 'ci' },
        figures: [
          { metric: 'http_req_latency', tags: '', stat: 'p(99)', value: 10 + (i >= 15 ? 6 : 0) + 2 * (noise[i] as number) },
          { metric: 'http_req_latency', tags: '', stat: 'p(50)', value: 2 },
          { metric: 'http_reqs', tags: '', stat: 'rate', value: 100 },
        ],
      });
    }
    await store.close();
    const ch = await runCli(['history', '--changes', 'nightly', '--json'], { env: { ...process.env, STAMPEDE_HISTORY_URL: cp } });
    expect(ch.code, ch.stderr).toBe(0);
    const series = JSON.parse(ch.stdout) as Array<{ runs: number; changes: Array<{ index: number; commit: string; pValue: number }> }>;
    expect(series).toHaveLength(1);
    expect(series[0]?.runs).toBe(30);
    expect(series[0]?.changes.map((c) => [c.index, c.commit])).toEqual([[15, 'c15']]);
    const txt = await runCli(['history', '--changes', 'nightly'], { env: { ...process.env, STAMPEDE_HISTORY_URL: cp } });
    expect(txt.stdout).toContain('nightly against http://staging: 30 run(s), http_req_latency p(99): 1 change point(s)');

    // the history page: three charts of 30 linked points, the change point marked in each
    const page = path.join(scratch.dir, 'nightly.html');
    const html = await runCli(['history', 'nightly', '--html', page], { env: { ...process.env, STAMPEDE_HISTORY_URL: cp } });
    expect(html.code, html.stderr).toBe(0);
    const text = readFileSync(page, 'utf8');
    expect(text.match(/<circle /g)).toHaveLength(90);
    expect(text.match(/<a href="file:\/\/\/nightly\/\d+\/report\.html"><circle/g)).toHaveLength(90);
    expect(text.match(/class="change"/g)).toHaveLength(3);
    expect(text).toContain('nightly — 30 run(s), 1 change point(s) in p99');
    expect(text).not.toMatch(/<script/i);
    const hostile = historyPage('<img src=x onerror=alert(1)>', []);
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('&lt;img src=x onerror=alert(1)&gt;');
  }, 120_000);
});
