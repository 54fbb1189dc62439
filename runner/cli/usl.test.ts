// The real CLI, spawned as a user runs it: node runner/cli/bin.js usl <file>.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../testing/fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'stampede-usl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const stampede = (...args: string[]) => runCli(args);

const usl = (n: number) => (100 * n) / (1 + 0.05 * (n - 1) + 0.001 * n * (n - 1));
const rows = [1, 2, 4, 8, 16, 32, 64].map((n) => `${n},${usl(n).toPrecision(12)}`);

describe('stampede usl', () => {
  it('--json prints exactly one JSON object with the fitted numbers', async () => {
    const file = write('points.csv', rows.join('\n') + '\n');
    const { code, stdout, stderr } = await stampede('usl', file, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    expect(doc.alpha).toBeCloseTo(0.05, 6);
    expect(doc.beta).toBeCloseTo(0.001, 8);
    expect(doc.gamma).toBeCloseTo(100, 4);
    expect(doc.peakConcurrency).toBeCloseTo(30.8221, 3);
    expect(doc.peakThroughput).toBeCloseTo(903.798, 2);
    expect(doc.r2).toBeGreaterThan(0.999999);
    expect(doc.peakUnbounded).toBe(false);
  });

  it('tolerates a header, blank lines, comments and CRLF; prints the human summary', async () => {
    const file = write('header.csv', ['# measured on the test box', 'n,throughput', '', ...rows.map((r) => `${r}  # ok`)].join('\r\n'));
    const { code, stdout } = await stampede('usl', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/α {2}contention +0\.05 /);
    expect(stdout).toMatch(/N\* peak concurrency +30\.82/);
    expect(stdout).toMatch(/X\(N\*\) peak throughput +903\.8/);
    expect(stdout).toMatch(/R² +1\.000000/);
    // residual table: one row per point, and the plot's legend
    expect(stdout.match(/^ +64 +782\.205 +782\.205 /m)).not.toBeNull();
    expect(stdout).toContain('● measured');
  });

  it('β = 0 data: peakConcurrency is null in JSON with peakUnbounded true', async () => {
    const amdahl = [1, 2, 4, 8, 16, 32, 64].map((n) => `${n},${((50 * n) / (1 + 0.1 * (n - 1))).toPrecision(12)}`);
    const { code, stdout } = await stampede('usl', write('amdahl.csv', amdahl.join('\n')), '--json');
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Record<string, unknown>;
    expect(doc.beta as number).toBeLessThan(1e-9);
    if (doc.beta === 0) {
      expect(doc.peakConcurrency).toBeNull();
      expect(doc.peakUnbounded).toBe(true);
      expect(doc.peakThroughput).toBeCloseTo(500, 3);
    }
  });

  it('a malformed row → exit 2 naming the file and line number, no stack trace', async () => {
    const file = write('bad.csv', [...rows.slice(0, 3), '8;568.99', ...rows.slice(4)].join('\n'));
    const { code, stdout, stderr } = await stampede('usl', file, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`${file}:4: expected a row "n,throughput"`);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('a header anywhere but first is a malformed row', async () => {
    const file = write('late-header.csv', [...rows.slice(0, 2), 'n,throughput', ...rows.slice(2)].join('\n'));
    const { code, stderr } = await stampede('usl', file);
    expect(code).toBe(2);
    expect(stderr).toContain(':3:');
  });

  it('fewer than 6 rows → exit 2 and a message that says 6', async () => {
    const { code, stderr } = await stampede('usl', write('four.csv', rows.slice(0, 4).join('\n')));
    expect(code).toBe(2);
    expect(stderr).toMatch(/four\.csv: the USL fit needs at least 6 points .* got 4/);
  });

  it('a missing file and a missing argument are usage errors (exit 2)', async () => {
    const missing = await stampede('usl', path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read points file .*nope\.csv: no such file/);
    const none = await stampede('usl');
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/expected one points file, got 0/);
  });
});
