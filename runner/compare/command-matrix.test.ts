// --matrix for command targets: inline axes over the command's knobs, and matrix files whose
// entries name their own programs; every mismatch is exit 2 naming the file, the entry and both
// sides (knob / placeholder).
import { afterAll, describe, expect, it } from 'vitest';
import { StampedeError } from '../errors.ts';
import { scratchDir } from '../testing/fixtures.ts';
import type { CommandTargetSpec } from '../orchestrate/command-target.ts';
import { commandMatrix, isCommandMatrixFile } from './command-matrix.ts';

const scratch = scratchDir('command-matrix');
afterAll(() => scratch.remove());
const base: CommandTargetSpec = { cmd: 'sh srv --port {port} -w {workers} --pool {pool}', env: {}, ready: '/', readyTimeoutMs: 1000, cwd: null, stopGraceMs: 1000, reset: null, invariants: null };

function exit2(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof StampedeError && e.exitCode === 2) return e.message;
    throw e;
  }
  throw new Error('expected exit 2');
}

describe('commandMatrix', () => {
  it('inline axes: the cartesian product of knob values, labels and folder ids from them', () => {
    const e = commandMatrix('workers=1,2;pool=10,50', base, 1000);
    expect(e.map((x) => x.label)).toEqual(['workers=1,pool=10', 'workers=1,pool=50', 'workers=2,pool=10', 'workers=2,pool=50']);
    expect(e[3]?.id).toBe('workers-2_pool-50');
    expect(e[3]?.command.knobs).toEqual({ workers: '2', pool: '50' });
  });

  it('a file of entries, each with its own program, env and ready path; knobs given as numbers', () => {
    const file = scratch.write('m.json', JSON.stringify([
      { name: 'node', cmd: 'sh app.js --port {port}', env: { MODE: 'x{n}' }, knobs: { n: 3 }, ready: '/healthz' },
      { name: 'theirs', knobs: { workers: 2, pool: 5 } },
    ]));
    expect(isCommandMatrixFile(file)).toBe(true);
    const e = commandMatrix(file, base, 1000);
    expect(e.map((x) => [x.label, x.command.spec.cmd, x.command.spec.ready])).toEqual([
      ['node', 'sh app.js --port {port}', '/healthz'],
      ['theirs', base.cmd, '/'],
    ]);
    expect(e[0]?.command.knobs).toEqual({ n: '3' });
  });

  it('bad input names the entry and both sides', () => {
    expect(exit2(() => commandMatrix('workers=1', base, 1000))).toBe('--matrix: placeholder {pool} of --target-cmd has no value (knobs given: workers; e.g. --matrix \'pool=1,2\')');
    const file = scratch.write('bad.json', JSON.stringify([{ name: 'a', cmd: 'sh x --port {port}', knobs: { workers: 1 } }]));
    expect(exit2(() => commandMatrix(file, null, 1000))).toBe(`${file}: [0] (a): knob "workers" is not used by the command (its "cmd"; its placeholders: none besides {port})`);
    const nocmd = scratch.write('nocmd.json', JSON.stringify([{ name: 'b', cmd: 'sh' }, { name: 'c' }]));
    expect(exit2(() => commandMatrix(nocmd, null, 1000))).toBe(`${nocmd}: [1] (c): no "cmd" here and no --target-cmd given`);
    const typo = scratch.write('typo.json', JSON.stringify([{ name: 'd', cmd: 'sh', knob: {} }]));
    expect(exit2(() => commandMatrix(typo, null, 1000))).toMatch(new RegExp(`^${typo.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: \\[0\\]: Unrecognized key.*knob`));
    const missing = scratch.write('missing.json', JSON.stringify([{ name: 'ok', cmd: 'sh' }, { name: 'typo', cmd: 'gunicron -b 127.0.0.1:{port} app:app' }]));
    expect(exit2(() => commandMatrix(missing, null, 1000))).toBe(`${missing}: [1] (typo): cmd: command not found: gunicron (not an executable on PATH)`);
    expect(exit2(() => commandMatrix('port=1,2', { ...base, cmd: 'sh srv --port {port}' }, 1000))).toMatch(/knob "port" is Stampede's own placeholder/);
  });
});
