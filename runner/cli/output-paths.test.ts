// Output paths are judged before any load: what is refused, with which words, and that the
// check itself creates nothing.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { checkOutputDir, checkOutputFile } from './output-paths.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-outpaths-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'a-file');
writeFileSync(file, 'keep me\n');

function refusal(fn: () => unknown): StampedeError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StampedeError) return e;
    throw e;
  }
  throw new Error('not refused');
}

describe('checkOutputDir', () => {
  it.each([
    ['/proc/stampede-x', 'under /proc'],
    ['/sys/x/y', 'under /sys'],
    ['/dev/stampede', 'under /dev'],
    ['', 'empty string'],
    [file, 'exists and is not a folder (EEXIST)'],
    [path.join(file, 'sub'), 'is a file, not a folder (ENOTDIR)'],
  ])('refuses %j: %s', (raw, why) => {
    const e = refusal(() => checkOutputDir('run', 'out', raw));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('stampede run: --out');
    expect(e.message).toContain(why);
    expect(e.message).not.toContain('\n');
  });

  it('accepts a new nested folder and creates nothing (the probe file is removed)', () => {
    const before = readdirSync(dir).sort();
    expect(checkOutputDir('run', 'out', path.join(dir, 'new', 'deeper'))).toBe(path.join(dir, 'new', 'deeper'));
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not write in (EACCES), as a non-root user', () => {
    const ro = path.join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o555);
    try {
      expect(refusal(() => checkOutputDir('run', 'out', path.join(ro, 'x'))).message).toContain('permission denied');
    } finally {
      chmodSync(ro, 0o755);
    }
  });
});

describe('checkOutputFile', () => {
  it.each([
    [dir, 'is a folder; expected a file name'],
    [path.join(dir, 'missing', 'f.xml'), 'does not exist'],
    [path.join(file, 'f.xml'), 'is a file, not a folder (ENOTDIR)'],
    ['/proc/self/status', 'under /proc'],
  ])('refuses %j: %s', (raw, why) => {
    const e = refusal(() => checkOutputFile('run', 'junit', raw));
    expect(e.message).toContain('--junit');
    expect(e.message).toContain(why);
  });

  it('an existing file is proved writable without being changed', () => {
    const mtime = statSync(file).mtimeMs;
    checkOutputFile('run', 'summary-md', file, { append: true });
    checkOutputFile('run', 'junit', file);
    expect(readFileSync(file, 'utf8')).toBe('keep me\n');
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('with createsFolder, a missing folder is fine when its nearest existing ancestor is writable', () => {
    expect(checkOutputFile('report', 'out', path.join(dir, 'x', 'y', 'r.html'), { createsFolder: true })).toBe(path.join(dir, 'x', 'y', 'r.html'));
    expect(refusal(() => checkOutputFile('report', 'out', path.join(file, 'y', 'r.html'), { createsFolder: true })).message).toContain('ENOTDIR');
  });
});
