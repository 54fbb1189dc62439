// `stampede run` as a user runs it: a real process, real exit codes, files on disk.
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, scratchDir, scenarioSource, startServer, type TestServer, runCli } from '../testing/fixtures.ts';
import { runResultSchema } from '../result/schema.ts';

let server: TestServer;
const scratch = scratchDir('cli-run');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

const stampede = (args: string[], opts: { interruptAfterMs?: number } = {}) => runCli(args, opts);

const steady = (extra: object = {}) => ({
  scenarios: { steady: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '2s', preAllocatedVUs: 10, maxVUs: 50 } },
  ...extra,
});

describe('stampede run', () => {
  it('exit 0 when every threshold passes, with result.json valid against the schema', async () => {
    const file = scratch.write('pass.ts', scenarioSource(steady({ thresholds: { http_req_failed: ['rate<0.01'], http_req_latency: ['p(99)<5000'] } })));
    const out = path.join(scratch.dir, 'out-pass');
    const r = await stampede(['run', file, '--out', out, '--env', `BASE=${server.url}`]);
    expect(r.code).toBe(0);
    const result = runResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8')));
    expect(result.metrics.http_reqs?.values.count).toBe(200);
    expect(result.thresholds.every((t) => t.ok)).toBe(true);
    expect(r.stdout).toContain('✓ http_req_failed: rate<0.01');
    expect(r.stdout).toContain('from intended start');
  });

  it('exit 99 when a threshold fails; the verdict is in the result and the summary', async () => {
    const file = scratch.write('fail.ts', scenarioSource(steady({ thresholds: { 'http_req_duration{scenario:steady}': ['p(99)<0.001'] } })));
    const out = path.join(scratch.dir, 'out-fail');
    const r = await stampede(['run', file, '--out', out, '--env', `BASE=${server.url}`]);
    expect(r.code).toBe(99);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.thresholds[0]).toMatchObject({ key: 'http_req_duration{scenario:steady}', ok: false });
    expect(result.metrics['http_req_duration{scenario:steady}'].thresholds['p(99)<0.001'].ok).toBe(false);
    expect(r.stdout).toContain('✗ http_req_duration{scenario:steady}');
  });

  it('abortOnFail stops the run early (partial result, exit 99)', async () => {
    const opts = {
      scenarios: { steady: { executor: 'constant-arrival-rate', rate: 50, timeUnit: '1s', duration: '20s', preAllocatedVUs: 5, maxVUs: 20 } },
      thresholds: { http_reqs: [{ threshold: 'count<20', abortOnFail: true }] },
    };
    const file = scratch.write('abort.ts', scenarioSource(opts));
    const out = path.join(scratch.dir, 'out-abort');
    const started = Date.now();
    const r = await stampede(['run', file, '--out', out, '--env', `BASE=${server.url}`, '--quiet']);
    expect(r.code).toBe(99);
    expect(Date.now() - started).toBeLessThan(12_000);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.partial).toBe(true);
    expect(result.stopReason).toMatch(/abortOnFail/);
    expect(result.thresholds[0].aborted).toBe(true);
    expect(result.metrics.http_reqs.values.count).toBeLessThan(500);
  });

  it('Ctrl-C stops gracefully and still writes a partial result (exit 130)', async () => {
    const opts = { scenarios: { steady: { executor: 'constant-vus', vus: 2, duration: '30s' } } };
    const file = scratch.write('sigint.ts', scenarioSource(opts, `await vu.http.get(vu.env.BASE + '/'); await vu.sleep(0.05)`));
    const out = path.join(scratch.dir, 'out-sigint');
    const started = Date.now();
    const r = await stampede(['run', file, '--out', out, '--env', `BASE=${server.url}`, '--quiet'], { interruptAfterMs: 3000 });
    expect(r.code).toBe(130);
    // stopped at 3 s of a 30 s run: it ends promptly, not when the scenario's duration would have
    expect(Date.now() - started).toBeLessThan(12_000);
    const result = JSON.parse(readFileSync(path.join(out, 'result.json'), 'utf8'));
    expect(result.partial).toBe(true);
    expect(result.stopReason).toMatch(/Ctrl-C/);
    expect(result.metrics.iterations.values.count).toBeGreaterThan(10);
  });

  it('bad scenario files: exit 2 naming the file and the field, no stack trace, nothing written', async () => {
    const file = scratch.write(
      'bad-stage.ts',
      scenarioSource({ scenarios: { sale: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s', preAllocatedVUs: 1, maxVUs: 5, stages: [{ duration: '1s', target: 10 }, { duration: '1s', target: 'x' }] } } }),
    );
    const out = path.join(scratch.dir, 'out-bad');
    const r = await stampede(['run', file, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('bad-stage.ts');
    expect(r.stderr).toContain('scenarios.sale.stages[1].target');
    expect(r.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(existsSync(out)).toBe(false);

    const missing = await stampede(['run', path.join(scratch.dir, 'nope.ts')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.ts');

    const broken = scratch.write('broken.ts', 'export const options = {;\n');
    const b = await stampede(['run', broken]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('broken.ts');
    expect(b.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  it('CI outputs: --junit, --summary-md, and live Prometheus metrics on --metrics-port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const opts = { ...steady({ thresholds: { http_req_failed: ['rate<0.01'], 'http_req_duration': ['p(99)<0.001'] } }) };
    (opts.scenarios.steady as { duration: string }).duration = '4s';
    const file = scratch.write('ci.ts', scenarioSource(opts));
    const junit = path.join(scratch.dir, 'junit.xml');
    const md = path.join(scratch.dir, 'summary.md');
    const running = stampede(['run', file, '--quiet', '--out', path.join(scratch.dir, 'out-ci'), '--env', `BASE=${server.url}`, '--junit', junit, '--summary-md', md, '--metrics-port', String(port)]);
    let scraped = '';
    for (let i = 0; i < 40 && !scraped.includes('http_reqs'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      scraped = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
    }
    const r = await running;
    expect(r.code).toBe(99);
    expect(scraped).toMatch(/^# TYPE \S*http_reqs\S* counter$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('<testsuite');
    expect(xml).toContain('<failure');
    expect(xml).toContain('p(99)&lt;0.001');
    expect(readFileSync(md, 'utf8')).toMatch(/http\\?_req\\?_failed/);
  });

  it('bad flags: exit 2 naming the flag', async () => {
    const file = scratch.write('ok.ts', scenarioSource(steady()));
    const threads = await stampede(['run', file, '--threads', 'many']);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toContain('--threads');
    const env = await stampede(['run', file, '--env', 'NOEQUALS']);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('--env');
    const unknown = await stampede(['run', file, '--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--bogus');
  });
});
