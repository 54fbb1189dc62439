// Command targets, lifecycle, with real processes: the fixture servers (Node and Python's
// standard library) started from a command line with placeholders, ready, stopped with their
// whole process group; and the ways it goes wrong (exit 2 before anything starts, exit 3 with
// the log's last lines).
import net from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isStampedeError } from '../errors.ts';
import { scratchDir, PROJECT_ROOT } from '../testing/fixtures.ts';
import { DEFAULT_STOP_GRACE_MS, groupAlive, startCommandTarget, type CommandTargetSpec } from './command-target.ts';
import { checkKnobsAgainstPlaceholders, expandPlaceholders } from './placeholders.ts';
import { splitCommandLine } from './command-line.ts';
import { existsSync } from 'node:fs';
import { needs } from '../testing/requirements.ts';

const noPython = await needs({ name: '/usr/bin/python3', missing: async () => (existsSync('/usr/bin/python3') ? null : '/usr/bin/python3 not found (apt-get install python3)') });

const scratch = scratchDir('command-target');
afterAll(() => scratch.remove());
const NODE_FIXTURE = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http-fixture.mjs');
const PY_FIXTURE = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http_fixture.py');

const spec = (cmd: string, over: Partial<CommandTargetSpec> = {}): CommandTargetSpec => ({ cmd, env: {}, ready: '/healthz', readyTimeoutMs: 15_000, cwd: null, stopGraceMs: DEFAULT_STOP_GRACE_MS, reset: null, invariants: null, ...over });
const quiet = () => undefined;
let n = 0;
const logFile = () => path.join(scratch.dir, `t${++n}`, 'target.log');

async function failure(p: Promise<unknown>): Promise<{ exitCode: number; message: string; details: readonly string[] }> {
  try {
    await p;
  } catch (e) {
    if (isStampedeError(e)) return { exitCode: e.exitCode, message: e.message, details: e.details };
    throw e;
  }
  throw new Error('expected a failure');
}

describe('placeholders and the command line', () => {
  it('splits like sh, fills values word by word, refuses shell syntax', () => {
    expect(splitCommandLine(`a -b '{x} y' "z $HOME"`, { HOME: '/h' }, 'w')).toEqual(['a', '-b', '{x} y', 'z /h']);
    expect(expandPlaceholders('-w {workers} {{literal}}', { workers: '2' }, 'w')).toBe('-w 2 {literal}');
    expect(() => splitCommandLine('a | b', {}, '--target-cmd')).toThrow(/operator \| .*sh -c/);
    expect(() => expandPlaceholders('{nope}', { port: '1' }, '--target-cmd')).toThrow(/placeholder \{nope\} has no value/);
  });

  it('a knob the command never uses, or a placeholder without a value, names both', () => {
    expect(() => checkKnobsAgainstPlaceholders(['port', 'workers'], ['workers', 'pool'], '--matrix')).toThrow('--matrix: knob "pool" is not used by the command (--target-cmd; its placeholders: {workers})');
    expect(() => checkKnobsAgainstPlaceholders(['port', 'workers', 'delay'], ['workers'], '--matrix')).toThrow('--matrix: placeholder {delay} of --target-cmd has no value (knobs given: workers');
    expect(() => checkKnobsAgainstPlaceholders(['port', 'workers'], ['workers'], '--matrix')).not.toThrow();
  });
});

describe('a command target', () => {
  it.each([
    ['node', `${process.execPath} ${NODE_FIXTURE} --port {port} --workers {workers}`],
    ...(noPython ? [] : [['python', `/usr/bin/python3 ${PY_FIXTURE} --port {port} --workers {workers}`]]),
  ])('%s fixture with 2 workers: ready on the picked port, its log kept, the whole group gone after stop()', async (_lang, cmd) => {
    const file = logFile();
    const t = await startCommandTarget(spec(cmd), { knobs: { workers: '2' }, logFile: file, log: quiet });
    try {
      expect(t.url).toBe(`http://127.0.0.1:${t.values.port}`);
      expect((await fetch(`${t.url}/work`)).status).toBe(200);
      expect(groupAlive(t.pid)).toBe(true);
    } finally {
      await t.stop();
    }
    expect(groupAlive(t.pid)).toBe(false);
    expect(readFileSync(file, 'utf8')).toMatch(/listening on \d+/);
  });

  it('--target-env values get placeholders; a ready path answering 404 is never ready: exit 3 with the log tail, nothing left', async () => {
    const file = logFile();
    const f = await failure(startCommandTarget(spec(`${process.execPath} ${NODE_FIXTURE} --port {port}`, { ready: '/nope', readyTimeoutMs: 1500, env: { WHO: 'w{workers}' } }), { knobs: { workers: '3' }, logFile: file, log: quiet }));
    expect(f.exitCode).toBe(3);
    expect(f.message).toMatch(/not ready within 1\.5 s: http:\/\/127\.0\.0\.1:\d+\/nope never answered 2xx\/3xx \(last: HTTP 404\)/);
    expect(f.details.join('\n')).toMatch(/listening on \d+/);
    const pid = Number(/pid (\d+)/.exec(readFileSync(file, 'utf8'))?.[1]);
    expect(groupAlive(pid)).toBe(false);
  });

  it('a command that exits at once: exit 3 with its exit code and the last lines of its log', async () => {
    const f = await failure(startCommandTarget(spec(`${process.execPath} ${NODE_FIXTURE}`, { ready: 'http://127.0.0.1:1/healthz' }), { knobs: {}, logFile: logFile(), log: quiet }));
    expect(f.exitCode).toBe(3);
    expect(f.message).toMatch(/exited before it was ready \(exit code 2\)/);
    expect(f.details.join('\n')).toContain('http-fixture: --port N is required');
  });

  it('a command not on PATH: exit 2, nothing started', async () => {
    const f = await failure(startCommandTarget(spec('no-such-server-xyz --port {port}'), { knobs: {}, logFile: logFile(), log: quiet }));
    expect(f.exitCode).toBe(2);
    expect(f.message).toBe('--target-cmd: command not found: no-such-server-xyz (not an executable on PATH)');
  });

  it('a fixed port already taken by another process: exit 3 before starting (its answers would be mistaken for the target)', async () => {
    const other = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => other.once('listening', r));
    const port = (other.address() as net.AddressInfo).port;
    try {
      const f = await failure(startCommandTarget(spec(`${process.execPath} ${NODE_FIXTURE} --port ${port}`, { ready: `http://127.0.0.1:${port}/healthz` }), { knobs: {}, logFile: logFile(), log: quiet }));
      expect(f.exitCode).toBe(3);
      expect(f.message).toContain(`port ${port} on 127.0.0.1 is already taken by another process`);
    } finally {
      other.close();
    }
  });
});
