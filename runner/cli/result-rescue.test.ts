// A result whose folder went away during the run is saved elsewhere, and the message says where.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRunFixture } from '../../dashboard/testing/fixture.ts';
import { writeResultOrRescue, writeSideOutput } from './result-rescue.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-rescue-'));
const rescued: string[] = [];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const f of rescued) rmSync(path.dirname(f), { recursive: true, force: true });
});

describe('writeResultOrRescue', () => {
  it('writes where asked when it can', async () => {
    const warnings: string[] = [];
    const file = path.join(dir, 'ok', 'result.json');
    expect(await writeResultOrRescue(file, buildRunFixture(), (m) => warnings.push(m))).toBe(file);
    expect(warnings).toEqual([]);
  });

  it('a folder that became a file: the result lands in the temporary folder, complete, and the warning names both paths', async () => {
    const blocked = path.join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the output folder was\n');
    const warnings: string[] = [];
    const result = buildRunFixture();
    const where = await writeResultOrRescue(path.join(blocked, 'result.json'), result, (m) => warnings.push(m));
    rescued.push(where);
    expect(where.startsWith(tmpdir())).toBe(true);
    expect(JSON.parse(readFileSync(where, 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(path.join(blocked, 'result.json'));
    expect(warnings[0]).toMatch(/EEXIST|ENOTDIR/); // mkdir -p reports EEXIST for a file in the way
    expect(warnings[0]).toContain(where);
  });

  it('a side output that fails is a warning naming the flag', async () => {
    const warnings: string[] = [];
    await writeSideOutput('junit', async () => writeFileSync(path.join(dir, 'nope', 'deeper', 'j.xml'), 'x'), (m) => warnings.push(m));
    expect(warnings).toEqual(['stampede: --junit not written: ENOENT']);
    expect(existsSync(path.join(dir, 'nope'))).toBe(false);
  });
});
