// A slow check, run by hand (minutes, not a unit test): does `stampede diff` on REAL runs say what
// the history issue promises? Two services in this process, one answering after a base delay and
// one after the base delay + 20 ms. Each repeat makes three real `stampede run`s (A and B against
// the base service, C against the slower one) and diffs A→B (the same build against the same
// target: "no evidence of change" on every latency row is right) and A→C (every latency row must
// be "slower").
//   npx tsx runner/bench/history-diff-check.ts [--repeats 20] [--seconds 10] [--rate 100] [--base-ms 5]
// Prints one line per repeat and a JSON summary; exits 1 when fewer than 19 of 20 (the same share
// of the repeats given) same-target diffs are clean or any +20 ms diff misses a latency row.
// Runs share the machine with whatever else runs on it: the diff's intervals come from within
// each run, so a neighbour that starts between two runs is a real difference between them (the
// README of runner/history says so) — run it on a quiet machine, and read the load average printed.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DiffReport } from '../history/diff.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '10' },
    rate: { type: 'string', default: '100' },
    'base-ms': { type: 'string', default: '5' },
  },
});
const repeats = Number(values.repeats);
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const baseMs = Number(values['base-ms']);
for (const [k, v] of [['--repeats', repeats], ['--seconds', seconds], ['--rate', rate], ['--base-ms', baseMs]] as const) {
  if (!Number.isFinite(v) || v <= 0) {
    process.stderr.write(`${k}: a positive number, got ${String(v)}\n`);
    process.exit(2);
  }
}

function service(delayMs: number): Promise<{ url: string; close(): void }> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  server.keepAliveTimeout = 65_000;
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as AddressInfo).port;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () => {
          server.closeAllConnections();
          server.close();
        },
      });
    });
  });
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'runner/cli/bin.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

mkdirSync(join(ROOT, '.stampede-tmp'), { recursive: true });
const dir = mkdtempSync(join(ROOT, '.stampede-tmp', 'history-diff-'));
const scenario = join(dir, 'diff-scenario.ts');
const options = { scenarios: { s: { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: `${seconds}s`, preAllocatedVUs: Math.max(10, Math.ceil(rate / 10)) } } };
writeFileSync(scenario, `export const options = ${JSON.stringify(options)};\nexport default async (vu: any) => { await vu.http.get(vu.env.BASE + '/'); };\n`);

async function oneRun(url: string, name: string): Promise<string> {
  const out = join(dir, name);
  const r = await run(['run', scenario, '--env', `BASE=${url}`, '--out', out, '--quiet', '--no-dashboard', '--no-history']);
  if (r.code !== 0) throw new Error(`stampede run (${name}) exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return join(out, 'result.json');
}

async function diff(a: string, b: string): Promise<DiffReport> {
  const r = await run(['diff', a, b, '--json']);
  if (r.code !== 0) throw new Error(`stampede diff exited ${r.code}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as DiffReport;
}

const isLatency = (row: DiffReport['rows'][number]) => row.metric === 'http_req_latency' || row.metric === 'http_req_duration';

const base = await service(baseMs);
const slow = await service(baseMs + 20);
const log = (l: string) => process.stderr.write(`${l}\n`);
log(`history-diff-check: ${repeats} repeats × 3 runs of ${seconds} s at ${rate}/s; base service ${baseMs} ms, slower one +20 ms; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
let clean = 0;
let slowerEveryRow = 0;
const details: Array<{ repeat: number; sameNotClean: string[]; slowMissed: string[]; load1: number }> = [];
try {
  await oneRun(base.url, 'warm'); // the CLI's one-time caches (bundle, compiled scenario) are not a run's cost
  for (let i = 1; i <= repeats; i++) {
    const a = await oneRun(base.url, `a${i}`);
    const b = await oneRun(base.url, `b${i}`);
    const c = await oneRun(slow.url, `c${i}`);
    const same = await diff(a, b);
    const slower = await diff(a, c);
    const sameNotClean = same.rows.filter((r) => r.verdict !== 'no evidence of change').map((r) => `${r.name} ${r.metric} ${r.stat}: ${r.verdict}`);
    const slowMissed = slower.rows.filter((r) => isLatency(r) && r.verdict !== 'slower').map((r) => `${r.name} ${r.metric} ${r.stat}: ${r.verdict}`);
    if (sameNotClean.length === 0) clean++;
    if (slowMissed.length === 0) slowerEveryRow++;
    const load1 = loadavg()[0] as number;
    details.push({ repeat: i, sameNotClean, slowMissed, load1 });
    log(`repeat ${i}: same target ${sameNotClean.length === 0 ? 'clean' : `NOT clean (${sameNotClean.join('; ')})`}; +20 ms ${slowMissed.length === 0 ? 'slower on every latency row' : `MISSED (${slowMissed.join('; ')})`}; load ${load1.toFixed(2)}`);
    for (const n of ['a', 'b', 'c']) rmSync(join(dir, `${n}${i}`), { recursive: true, force: true });
  }
} finally {
  base.close();
  slow.close();
  rmSync(dir, { recursive: true, force: true });
}
const needClean = Math.ceil((repeats * 19) / 20);
const ok = clean >= needClean && slowerEveryRow === repeats;
process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), repeats, seconds, rate, baseMs, sameTargetClean: clean, needClean, plus20msSlowerEveryRow: slowerEveryRow, ok, details }, null, 2)}\n`);
process.exit(ok ? 0 : 1);
