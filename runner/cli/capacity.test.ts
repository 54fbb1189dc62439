// `stampede capacity` flag validation: every bad flag exits 2 with a message naming it, before
// anything runs. One case spawns the real CLI (exit code as a user sees it); the rest call the
// command in-process, which throws the StampedeError the CLI turns into that exit code.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePeak, run } from './capacity.ts';
import { StampedeError } from '../errors.ts';
import { PROJECT_ROOT, scratchDir, scenarioSource } from '../testing/fixtures.ts';

const scratch = scratchDir('capacity-cli');
const file = scratch.write('s.ts', scenarioSource({ vus: 1, iterations: 1 }));
afterAll(() => scratch.remove());

async function refusal(...argv: string[]): Promise<StampedeError> {
  try {
    await run(argv);
  } catch (e) {
    if (e instanceof StampedeError) return e;
    throw e;
  }
  throw new Error(`expected stampede capacity ${argv.join(' ')} to be refused`);
}

describe('--peak and its unit', () => {
  it('is iterations/s by default (the MST\'s unit), requests/s with rps or req/s', () => {
    expect(parsePeak('3000')).toEqual({ value: 3000, unit: 'iterations/s' });
    expect(parsePeak('3000it/s')).toEqual({ value: 3000, unit: 'iterations/s' });
    expect(parsePeak('2.5 iterations/s')).toEqual({ value: 2.5, unit: 'iterations/s' });
    expect(parsePeak('18000rps')).toEqual({ value: 18_000, unit: 'requests/s' });
    expect(parsePeak('18000 req/s')).toEqual({ value: 18_000, unit: 'requests/s' });
    expect(parsePeak(undefined)).toBeUndefined();
  });
});

describe('stampede capacity flags', () => {
  it('the real CLI exits 2 on a bad --slo and names the flag', async () => {
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'capacity', file, '--slo', 'p(99)<<200'], { cwd: PROJECT_ROOT, timeout: 30_000 }, (err, _out, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr }),
      );
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/--slo/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  const cases: [string[], RegExp][] = [
    [[file], /--slo is required/],
    [[file, '--slo', 'rate<0.01'], /--slo: http_req_latency is a trend/],
    [[file, '--slo', 'p(99)<200', '--errors', 'p(99)<1'], /--errors: http_req_failed is a rate/],
    [[file, '--slo', 'p(99)<200', '--errors', 'rate<'], /--errors: expected a number/],
    [[file, '--slo', 'p(99)<200', '--warmup', '1.5s'], /--warmup: expected a whole number of seconds/],
    [[file, '--slo', 'p(99)<200', '--window', '0s'], /--window: expected a whole number of seconds ≥ 1s/],
    [[file, '--slo', 'p(99)<200', '--precision', '0'], /--precision: expected a number ≥ 0.001/],
    [[file, '--slo', 'p(99)<200', '--max-probes', '2.5'], /--max-probes: expected an integer/],
    [[file, '--slo', 'p(99)<200', '--peak', '0'], /--peak: expected a rate > 0 in iterations\/s such as 3000, or in requests\/s such as 3000rps, got "0"/],
    [[file, '--slo', 'p(99)<200', '--peak', '3000qps'], /--peak: expected a rate > 0 in iterations\/s/],
    [[file, '--slo', 'p(99)<200', '--target-config', 'variant=async', '--target', 'http://127.0.0.1:9'], /--target-config starts the target itself; --target cannot be used with it/],
    [[file, '--slo', 'p(99)<200', '--target-config', 'variant=fast'], /--target-config: variant/],
    [[file, '--slo', 'p(99)<200', '--ready-timeout', '30s'], /--ready-timeout is for a target this command starts/],
    [[file, '--slo', 'p(99)<200', '--peak', '100', '--headroom', '1.5'], /--headroom: expected a number ≥ 0.01 ≤ 1/],
    [[file, '--slo', 'p(99)<200', '--pod-startup', '30s'], /HPA flags .* need --peak/],
    [[file, '--slo', 'p(99)<200', '--peak', '100', '--min-replicas', '5', '--max-replicas', '2'], /--min-replicas \(5\) is above --max-replicas \(2\)/],
    [[file, '--slo', 'p(99)<200', '--target', 'not a url'], /--target: expected an http\(s\) URL/],
    [[file, '--slo', 'p(99)<200', '--sweep', 'vus=1,two'], /--sweep: expected whole numbers of VUs/],
    [[file, '--sweep', 'workers=1,2,3,4', '--slo', 'p(99)<200'], /--sweep workers=… cannot run with --slo/],
    [[file, '--sweep', 'workers=1,2', '--target', 'http://127.0.0.1:9'], /--target cannot be used with it/],
    [[file, '--sweep', 'workers=1,2', '--target-config', 'variant=async,workers=2'], /--target-config: workers is what --sweep workers=… varies/],
    [[file, '--sweep', 'workers=1,2', '--target-config', 'variant=fast'], /--target-config: variant/],
    [[file, '--sweep', 'workers=0,1'], /--sweep: expected whole numbers of worker processes from 1 to 64/],
    [[file, '--sweep', 'workers=1,2', '--sweep-repeat', '0'], /--sweep-repeat: expected an integer ≥ 1/],
    [[file, '--sweep', 'workers=1,2', '--settle-max', 'soon'], /--settle-max: expected a duration/],
    [[file, '--sweep', 'vus=1,2', '--settle-max', '30s'], /--settle-max is for --sweep workers=…/],
    [[file, '--sweep', 'threads=1,2'], /--sweep: expected vus=… or workers=…/],
    [[file, '--sweep', 'vus=1,2,4,8,16,32', '--peak', '100'], /--peak needs an MST, so it needs --slo/],
    [[file, '--slo', 'p(99)<200', '--bogus'], /Unknown option '--bogus'/],
    [[path.join(scratch.dir, 'missing.ts'), '--slo', 'p(99)<200'], /no such scenario file/],
    [[], /a scenario file is required/],
  ];
  for (const [argv, message] of cases) {
    it(`refuses ${argv.map((a) => path.basename(a)).join(' ') || '(no arguments)'}`, async () => {
      const e = await refusal(...argv);
      expect(e.exitCode).toBe(2);
      expect(e.message).toMatch(message);
    });
  }

  it('--help prints the usage and exits 0', async () => {
    const write = process.stdout.write;
    let text = '';
    process.stdout.write = ((s: string) => ((text += s), true)) as typeof process.stdout.write;
    try {
      expect(await run(['--help'])).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    expect(text).toMatch(/usage: stampede capacity/);
    expect(text).toMatch(/--sweep vus=/);
  });
});
