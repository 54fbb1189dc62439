// `stampede run` and `stampede compare` against command targets, end to end with real
// processes: the fixture servers (Node, and Python's standard library) started from
// --target-cmd with knobs; the comparison's ranking; a target killed mid-run; its resources
// against what /proc says in the test; Ctrl-C leaves nothing running; bad input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli, scenarioSource, scratchDir } from '../testing/fixtures.ts';
import { runResultSchema, type RunResult } from '../result/schema.ts';
import { comparisonSchema } from '../result/comparison-schema.ts';
import { groupAlive } from '../orchestrate/command-target.ts';
import { clockTicks, liveGroupMembers, procAvailable, readProcStat } from '../orchestrate/proc-reader.ts';
import { needs } from '../testing/requirements.ts';

// the Python fixture runs on Debian's /usr/bin/python3 (standard library only); resources come from /proc
const noPython = await needs({ name: '/usr/bin/python3', missing: async () => (existsSync('/usr/bin/python3') ? null : '/usr/bin/python3 not found (apt-get install python3)') });
const noProc = await needs({ name: '/proc', missing: async () => (procAvailable() ? null : 'no /proc (Linux only)') });
const scratch = scratchDir('cli-command-target');
afterAll(() => scratch.remove());
const NODE_FIXTURE = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http-fixture.mjs');
const PY_FIXTURE = path.join(PROJECT_ROOT, 'runner/orchestrate/fixtures/http_fixture.py');
const NODE_CMD = `${process.execPath} ${NODE_FIXTURE} --port {port}`;
const PY_CMD = `/usr/bin/python3 ${PY_FIXTURE} --port {port}`;

const scenario = (name: string, rate: number, duration: string) =>
  scratch.write(`${name}.ts`, scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration, preAllocatedVUs: 10, maxVUs: 30 } } }, "await vu.http.get(vu.env.BASE + '/work', { timeout: '2s' })"));
const readResult = (dir: string): RunResult => runResultSchema.parse(JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')));

/** The runner's PID: the target's parent is its group watchdog, whose parent is the runner. */
function runnerOf(pgid: number): number {
  const watchdog = readProcStat(pgid)?.ppid ?? 0;
  return readProcStat(watchdog)?.ppid ?? 0;
}

/** The target's PID, from the fixture's first line in target.log, once it is there. */
async function targetPid(log: string, timeoutMs = 20_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = existsSync(log) ? /pid (\d+) listening/.exec(readFileSync(log, 'utf8')) : null;
    if (m) return Number(m[1]);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no pid in ${log}`);
}

describe('stampede compare --target-cmd', () => {
  it.skipIf(noPython)('2×2 configurations of the Python fixture (delay 0/100 ms × workers 1/2): the delay-0 ones rank first; cost columns recorded', async () => {
    const file = scenario('cmp', 30, '2s');
    const out = path.join(scratch.dir, 'cmp');
    const r = await runCli(['compare', file, '--out', out, '--cooldown', '0s', '--target-cmd', `${PY_CMD} --workers {workers} --delay {delay}`, '--ready', '/healthz', '--matrix', 'delay=0,100;workers=1,2'], { timeoutMs: 120_000 });
    expect(r.stderr).not.toMatch(/skipped/);
    expect(r.code).toBe(0);
    const c = comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
    expect(c.configurations.map((x) => x.status)).toEqual(['ran', 'ran', 'ran', 'ran']);
    const label = (id: string) => c.configurations.find((x) => x.id === id)?.label;
    // ranked by latency p99: both 0-ms configurations ahead of both 100-ms ones (p99 of ~60
    // requests is nearly their maximum: the gap must outlast a hiccup of a shared machine)
    expect(c.ranking.slice(0, 2).map(label).sort()).toEqual(['delay=0,workers=1', 'delay=0,workers=2']);
    expect(c.ranking.slice(2).map(label).sort()).toEqual(['delay=100,workers=1', 'delay=100,workers=2']);
    for (const cfg of c.configurations) {
      const s = cfg.runs[0]?.summary;
      expect(s?.targetCpuSecondsPer1000Requests).toBeGreaterThan(0);
      expect(s?.targetPeakRssMb).toBeGreaterThan(1);
      expect(existsSync(path.join(out, cfg.id, 'run-1', 'target.log'))).toBe(true);
    }
    // two workers are two processes: more memory than one
    const rss = (l: string) => c.configurations.find((x) => x.label === l)?.runs[0]?.summary?.targetPeakRssMb ?? 0;
    expect(rss('delay=0,workers=2')).toBeGreaterThan(rss('delay=0,workers=1') * 1.5);
    expect(r.stdout).toContain('CPU-s/1k req');
  }, 150_000);

  it.skipIf(noPython)('a matrix file holds different programs side by side (Node and Python), each with its own knobs', async () => {
    const file = scenario('mixed', 20, '1s');
    const out = path.join(scratch.dir, 'mixed');
    const matrix = scratch.write('mixed.json', JSON.stringify([
      { name: 'node', cmd: `${NODE_CMD} --delay {delay}`, knobs: { delay: 0 }, ready: '/healthz' },
      { name: 'python', cmd: `${PY_CMD} --workers {workers}`, knobs: { workers: 2 }, ready: '/healthz' },
    ]));
    const r = await runCli(['compare', file, '--out', out, '--cooldown', '0s', '--matrix', matrix], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    const c = comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
    expect(c.configurations.map((x) => [x.label, x.status, x.runs[0]?.summary?.errorRate])).toEqual([
      ['node', 'ran', 0],
      ['python', 'ran', 0],
    ]);
    expect(readFileSync(path.join(out, 'python', 'run-1', 'target.log'), 'utf8')).toMatch(/http_fixture pid/);
  }, 120_000);

  it('--rank cost: the configuration doing less work per request ranks first', async () => {
    const file = scenario('cost', 40, '2s');
    const out = path.join(scratch.dir, 'cost');
    const r = await runCli(['compare', file, '--out', out, '--cooldown', '0s', '--rank', 'cost', '--target-cmd', `${NODE_CMD} --work {work}`, '--ready', '/healthz', '--matrix', 'work=8000,50'], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    const c = comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
    expect(c.meta.rankBy).toBe('cost');
    expect(c.method).toMatch(/^Rank \(--rank cost\)/);
    const label = (id: string) => c.configurations.find((x) => x.id === id)?.label;
    expect(c.ranking.map(label)).toEqual(['work=50', 'work=8000']);
    const cost = (l: string) => c.configurations.find((x) => x.label === l)?.stats?.targetCpuSecondsPer1000Requests?.median ?? 0;
    expect(cost('work=8000')).toBeGreaterThan(cost('work=50'));
    expect(r.stdout).toContain('Rank (--rank cost): configurations whose invariants held first');
  }, 120_000);

  it('bad input: a knob the command never uses / a placeholder without a value → exit 2 naming both, nothing run', async () => {
    const file = scenario('bad', 10, '1s');
    const unused = await runCli(['compare', file, '--target-cmd', `${NODE_CMD} --delay {delay}`, '--matrix', 'delay=0;workers=1,2']);
    expect(unused.code).toBe(2);
    expect(unused.stderr).toContain('--matrix: knob "workers" is not used by the command (--target-cmd; its placeholders: {delay})');
    const missing = await runCli(['run', file, '--target-cmd', `${NODE_CMD} --delay {delay}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('stampede run: --knob: placeholder {delay} of --target-cmd has no value (knobs given: none');
  });
});

describe('stampede run --target-cmd', () => {
  it.skipIf(noProc)('records the target tree’s CPU, RSS, threads and fds; CPU-seconds within a factor of 2 of /proc read by the test', async () => {
    const file = scenario('res', 60, '3s');
    const out = path.join(scratch.dir, 'res');
    const running = runCli(['run', file, '--out', out, '--no-dashboard', '--target-cmd', `${NODE_CMD} --work {work}`, '--knob', 'work=3000', '--ready', '/healthz'], { timeoutMs: 60_000 });
    const pid = await targetPid(path.join(out, 'target.log'));
    // the test's own reading: ticks at first sight and the last seen before it exits
    const first = readProcStat(pid)?.cpuTicks ?? 0;
    let last = first;
    const poll = setInterval(() => {
      const s = readProcStat(pid);
      if (s) last = s.cpuTicks;
    }, 20);
    const r = await running;
    clearInterval(poll);
    expect(r.code).toBe(0);
    const res = readResult(out).server?.resources;
    expect(res).toBeDefined();
    const measured = (last - first) / clockTicks();
    expect(measured).toBeGreaterThan(0.05);
    expect(res!.cpuSeconds).toBeGreaterThan(measured / 2);
    expect(res!.cpuSeconds).toBeLessThan(measured * 2);
    expect(res!.processes.map((p) => p.pid)).toContain(pid);
    expect(res!.peakRssMb).toBeGreaterThan(10);
    expect(res!.peakThreads).toBeGreaterThan(1);
    expect(res!.peakFds).toBeGreaterThan(3);
    expect(res!.machine?.sharedCores).toBeTypeOf('boolean');
    const series = readResult(out).server?.series ?? {};
    expect(series.target_cpu_percent?.length).toBeGreaterThanOrEqual(2);
    expect(res!.processes.find((p) => p.pid === pid)?.cpuPercent.length).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(/TARGET {2}[\d.]+ CPU-s over \d+ s \(1 process\(es\)\), [\d.]+ CPU-s per 1,000 requests/);
    expect(r.stdout).toMatch(/MACHINE \d+ cores: generator \d+ %, target \d+ %/);
  }, 90_000);

  it('a target killed mid-run: the run ends, result.json has the moment and the failed requests', async () => {
    const file = scenario('killed', 40, '4s');
    const out = path.join(scratch.dir, 'killed');
    const running = runCli(['run', file, '--out', out, '--no-dashboard', '--quiet', '--target-cmd', NODE_CMD, '--ready', '/healthz'], { timeoutMs: 60_000 });
    const pid = await targetPid(path.join(out, 'target.log'));
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(pid, 'SIGKILL');
    const r = await running;
    expect([0, 99]).toContain(r.code);
    const result = readResult(out);
    expect(result.server?.diedAt).toBeTypeOf('number');
    expect(result.warnings.some((w) => /the target command exited at t=\d+ s/.test(w))).toBe(true);
    const failed = result.timeline.reduce((n, p) => n + Object.values(p.errorsByKind).reduce((a, b) => a + b, 0), 0);
    expect(failed).toBeGreaterThan(10);
  }, 90_000);

  it.skipIf(noProc)('Ctrl-C: the partial result is written and the target’s whole group is gone', async () => {
    const file = scenario('int', 20, '20s');
    const out = path.join(scratch.dir, 'int');
    const running = runCli(['run', file, '--out', out, '--no-dashboard', '--quiet', '--target-cmd', `${NODE_CMD} --workers {workers}`, '--knob', 'workers=2', '--ready', '/healthz'], { timeoutMs: 60_000 });
    // the line is a cluster worker's: its process group is the command's (the primary's PID)
    const pgid = readProcStat(await targetPid(path.join(out, 'target.log')))?.pgrp ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    expect(groupAlive(pgid)).toBe(true);
    const { spawnSync } = await import('node:child_process');
    const cli = runnerOf(pgid);
    expect(spawnSync('kill', ['-INT', String(cli)]).status).toBe(0);
    const r = await running;
    expect(r.code).toBe(130);
    expect(readResult(out).partial).toBe(true);
    expect(groupAlive(pgid)).toBe(false);
  }, 90_000);

  it.skipIf(noProc)('Ctrl-C twice (abort at once): the exit hook still leaves no process of the group', async () => {
    const file = scenario('int2', 20, '20s');
    const out = path.join(scratch.dir, 'int2');
    const running = runCli(['run', file, '--out', out, '--no-dashboard', '--quiet', '--target-cmd', `${NODE_CMD} --workers {workers}`, '--knob', 'workers=2', '--ready', '/healthz', '--stop-grace', '20s'], { timeoutMs: 60_000 });
    const pgid = readProcStat(await targetPid(path.join(out, 'target.log')))?.pgrp ?? 0;
    await new Promise((r) => setTimeout(r, 1000));
    const cli = runnerOf(pgid);
    process.kill(cli, 'SIGINT');
    await new Promise((r) => setTimeout(r, 100));
    process.kill(cli, 'SIGINT');
    const r = await running;
    expect(r.code).toBe(130);
    for (let i = 0; i < 100 && groupAlive(pgid); i++) await new Promise((res) => setTimeout(res, 20));
    expect(groupAlive(pgid)).toBe(false);
  }, 90_000);

  it.skipIf(noProc)('the runner SIGKILLed mid-run: its watchdog stops the target’s whole group, a grandchild included', async () => {
    const file = scenario('runner-killed', 20, '30s');
    const out = path.join(scratch.dir, 'runner-killed');
    // sh starts a grandchild-to-be in the background, then becomes the server (same PID, same group)
    const cmd = `sh -c "sleep 1000 & exec ${process.execPath} ${NODE_FIXTURE} --port {port}"`;
    const running = runCli(['run', file, '--out', out, '--no-dashboard', '--quiet', '--target-cmd', cmd, '--ready', '/healthz', '--stop-grace', '2s'], { timeoutMs: 60_000 });
    const pgid = await targetPid(path.join(out, 'target.log'));
    expect(readProcStat(pgid)?.pgrp).toBe(pgid);
    const members = () => liveGroupMembers(pgid).map((pid) => readProcStat(pid)?.comm);
    expect(members().sort()).toEqual(['node', 'sleep']);
    const watchdog = readProcStat(pgid)?.ppid ?? 0;
    expect(readFileSync(`/proc/${watchdog}/cmdline`, 'utf8')).toContain('group-watchdog.js');
    const cli = runnerOf(pgid);
    expect(readFileSync(`/proc/${cli}/cmdline`, 'utf8')).toContain('runner/cli/bin.js');
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(cli, 'SIGKILL');
    const r = await running;
    expect(r.code).toBeNull(); // killed: no exit code, no result
    expect(existsSync(path.join(out, 'result.json'))).toBe(false);
    // bounded: the watchdog's noticing and the grace period (2 s), with room for a busy machine
    const gone = (pid: number) => {
      const st = readProcStat(pid);
      return st === null || st.state === 'Z';
    };
    const deadline = Date.now() + 15_000;
    while ((liveGroupMembers(pgid).length > 0 || !gone(watchdog)) && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
    expect(members()).toEqual([]);
    // and the watchdog itself is gone (a zombie where nobody reaps it): it waits out the grace
    // period when a zombie of the group still answers kill(0)
    expect(gone(watchdog)).toBe(true);
  }, 90_000);

  it('--reset before and --invariants after: the hooks are called on the target (sold = requests answered since the reset)', async () => {
    const file = scenario('hooks', 20, '2s');
    const out = path.join(scratch.dir, 'hooks');
    const r = await runCli(['run', file, '--out', out, '--no-dashboard', '--target-cmd', NODE_CMD, '--ready', '/healthz', '--reset', '/reset', '--invariants', '/invariants'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const answered = readResult(out).metrics.http_reqs?.values.count ?? -1;
    expect(answered).toBeGreaterThan(20);
    expect(r.stdout).toContain(`shop invariants: sold ${answered}/${answered}, oversold 0, accepted-but-missing 0, queue drained`);
    const bad = await runCli(['run', file, '--out', path.join(scratch.dir, 'hooks-bad'), '--no-dashboard', '--target-cmd', NODE_CMD, '--ready', '/healthz', '--reset', '/no-reset-here']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/--reset POST http:\/\/127\.0\.0\.1:\d+\/no-reset-here failed \(HTTP 404\)/);
  }, 90_000);

  it('--hook-header: the hooks carry the admin token a protected target wants (placeholders filled in); without it the reset is refused', async () => {
    const file = scenario('hook-headers', 20, '2s');
    const cmd = `${NODE_CMD} --admin-token {token}`;
    const out = path.join(scratch.dir, 'hook-headers');
    const r = await runCli(['run', file, '--out', out, '--no-dashboard', '--target-cmd', cmd, '--knob', 'token=s3cret', '--ready', '/healthz', '--reset', '/reset', '--invariants', '/invariants', '--hook-header', 'X-Admin-Token: {token}'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const answered = readResult(out).metrics.http_reqs?.values.count ?? -1;
    expect(r.stdout).toContain(`shop invariants: sold ${answered}/${answered}, oversold 0`);
    const without = await runCli(['run', file, '--out', path.join(scratch.dir, 'hook-headers-none'), '--no-dashboard', '--target-cmd', cmd, '--knob', 'token=s3cret', '--ready', '/healthz', '--reset', '/reset']);
    expect(without.code).toBe(3);
    expect(without.stderr).toMatch(/--reset POST http:\/\/127\.0\.0\.1:\d+\/reset failed \(HTTP 401\)/);
    for (const [header, message] of [
      ['no colon', /--hook-header: expected 'Name: value'/],
      ['x-token: a\nb', /--hook-header x-token: a value may not hold a line break/],
    ] as const) {
      const bad = await runCli(['run', file, '--out', path.join(scratch.dir, 'hook-headers-bad'), '--no-dashboard', '--target-cmd', NODE_CMD, '--reset', '/reset', '--hook-header', header]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(message);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    }
  }, 90_000);

  it('a target that never gets ready: exit 3 with the last lines of its log, no result', async () => {
    const file = scenario('never', 10, '1s');
    const out = path.join(scratch.dir, 'never');
    const r = await runCli(['run', file, '--out', out, '--no-dashboard', '--target-cmd', NODE_CMD, '--ready', '/not-here', '--ready-timeout', '2s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not ready within 2\.0 s: http:\/\/127\.0\.0\.1:\d+\/not-here never answered 2xx\/3xx \(last: HTTP 404\)/);
    expect(r.stderr).toMatch(/\| http-fixture pid \d+ listening on \d+/);
    expect(existsSync(path.join(out, 'result.json'))).toBe(false);
  }, 30_000);
});

describe('stampede capacity --target-cmd --slo … --peak …', () => {
  it('starts the command once with its --knob values, finds the MST and sizes instances for the peak, then stops it', async () => {
    const file = scenario('cap-peak', 20, '5s');
    const out = path.join(scratch.dir, 'cap-peak');
    const r = await runCli(['capacity', file, '--out', out, '--quiet', '--target-cmd', `${NODE_CMD} --workers {workers}`, '--knob', 'workers=2', '--ready', '/healthz',
      '--slo', 'p(99)<500', '--peak', '150', '--start-rate', '20', '--max-probes', '2', '--warmup', '1s', '--window', '2s', '--cooldown', '0s'], { timeoutMs: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')) as {
      meta: { targetConfig: Record<string, string> };
      answer: { mst: number | null; status: string };
      probes: Array<{ rate: number; verdict: string; requests: number }>;
      peak: { peak: number; headroom: number; instances: number | null; instancesFormula: string };
    };
    // two probes at 20 and 40 iterations/s pass: the fixture answers /work in well under 500 ms
    expect(doc.probes.map((p) => [p.rate, p.verdict])).toEqual([[20, 'pass'], [40, 'pass']]);
    expect(doc.probes.every((p) => p.requests > 0)).toBe(true);
    expect(doc.answer.mst).toBe(40);
    expect(doc.peak.instances).toBe(Math.ceil(150 / (40 * doc.peak.headroom)));
    expect(doc.peak.instancesFormula).toBe(`⌈150 / (40 × ${doc.peak.headroom})⌉ = ${doc.peak.instances}`);
    expect(doc.meta.targetConfig).toEqual({ cmd: `${NODE_CMD} --workers {workers}`, workers: '2' });
    // {workers} was filled in: two cluster workers listened; and the group is gone
    const log = readFileSync(path.join(out, 'target.log'), 'utf8');
    expect(log.match(/listening on/g)?.length).toBe(2);
    const pgid = readProcStat(Number(/pid (\d+) listening/.exec(log)?.[1]))?.pgrp;
    expect(pgid === undefined || !groupAlive(pgid)).toBe(true);
  }, 150_000);

  it('with a workers sweep, --peak says how to size one worker count instead (exit 2, nothing started)', async () => {
    const file = scratch.write('cap-peak-bad.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s' } } }));
    const r = await runCli(['capacity', file, '--target-cmd', `${NODE_CMD} --workers {workers}`, '--sweep', 'workers=1,2', '--peak', '100']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--peak needs an MST, so it needs --slo — and the MST search one running target: size a worker count on its own (--target-cmd … --knob workers=N --slo … --peak …)');
    const knobless = await runCli(['capacity', file, '--target-cmd', `${NODE_CMD} --workers {workers}`, '--slo', 'p(99)<200']);
    expect(knobless.code).toBe(2);
    expect(knobless.stderr).toContain('stampede capacity: --knob: placeholder {workers} of --target-cmd has no value');
  });
});

describe('stampede capacity --target-cmd --sweep workers=…', () => {
  it('starts the command once per worker count ({workers} filled in), measures each, and records the command', async () => {
    const file = scratch.write('cap.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 4, duration: '5s' } } }, "await vu.http.get(vu.env.BASE + '/work')"));
    const out = path.join(scratch.dir, 'cap');
    const r = await runCli(['capacity', file, '--out', out, '--quiet', '--target-cmd', `${NODE_CMD} --workers {workers}`, '--ready', '/healthz', '--sweep', 'workers=1,2', '--sweep-repeat', '3', '--warmup', '1s', '--window', '1s', '--settle-max', '0', '--sweep-vus', '6'], { timeoutMs: 120_000 });
    expect(r.code).toBe(0);
    const doc = JSON.parse(readFileSync(path.join(out, 'capacity.json'), 'utf8')) as { sweep: { kind: string; points: Array<{ n: number; throughput: number }>; targetConfig: Record<string, string> } };
    expect(doc.sweep.kind).toBe('workers');
    expect(doc.sweep.points.map((p) => p.n)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(doc.sweep.points.every((p) => p.throughput > 0)).toBe(true);
    expect(doc.sweep.targetConfig.cmd).toContain('--workers {workers}');
    expect(readFileSync(path.join(out, 'workers-2', 'target.log'), 'utf8').match(/listening on/g)?.length).toBe(2);
  }, 150_000);

  it('a command without {workers} is refused before anything starts (exit 2)', async () => {
    const file = scratch.write('cap-bad.ts', scenarioSource({ scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '1s' } } }));
    const r = await runCli(['capacity', file, '--target-cmd', NODE_CMD, '--sweep', 'workers=1,2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('stampede capacity: --sweep workers=…: knob "workers" is not used by the command (--target-cmd; its placeholders: none besides {port})');
  });
});

describe.skipIf(noProc)('the shop started by Stampede (--target-config)', () => {
  it('gets the same /proc resources: its Node processes and its embedded PostgreSQL', async () => {
    const file = scratch.write('shop.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s', preAllocatedVUs: 5, maxVUs: 10 } } }, "await vu.http.get(vu.env.BASE + '/products')"));
    const out = path.join(scratch.dir, 'shop');
    const r = await runCli(['run', file, '--out', out, '--no-dashboard', '--target-config', 'variant=async,workers=1'], { timeoutMs: 150_000 });
    expect(r.code).toBe(0);
    const res = readResult(out).server?.resources;
    const comms = new Set(res?.processes.map((p) => p.comm));
    expect(comms.has('node')).toBe(true);
    expect(comms.has('postgres')).toBe(true);
    expect(res?.cpuSeconds).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/TARGET {2}[\d.]+ CPU-s over \d+ s \(\d+ process\(es\)\)/);
  }, 180_000);
});
