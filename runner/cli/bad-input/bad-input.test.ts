// The bad-input suite: several hundred generated bad inputs to every command (cases.ts), each
// refused with exit 2 and one message line naming what and where, no stack frame, no file left
// behind; a sample again as real child processes; and bad bodies POSTed to the shop, each
// answered 4xx (never 5xx).
import { createServer, type Server } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.ts';
import { COMMAND_TABLES, flagCases, k6Cases, matrixCases, pointsCases, resultCases, scenarioCases, shopBodyCases, unclassifiedFlags, type BadInputCase } from './cases.ts';
import { judge, prepare, runChild, runInProcess, type Placeholders, type Verdict } from './harness.ts';

const here = import.meta.dirname;
const BIN = path.join(here, '../bin.js');
const K6_FIXTURES = path.join(here, '../../k6/fixtures');

let root = '';
let server: Server | null = null;
let placeholders: Placeholders;
let seed: unknown;

async function quietly(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: unknown) => ((stdout += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return { code: await main(argv), stdout };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'stampede-bad-input-'));
  // a real result to mutate: the tiny scenario against a tiny server
  server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const tiny = path.join(here, 'fixtures/tiny.ts');
  const seedDir = path.join(root, 'seed');
  const { code } = await quietly(['run', tiny, '--target', `http://127.0.0.1:${port}`, '--out', seedDir, '--quiet']);
  expect(code).toBe(0);
  const resultText = readFileSync(path.join(seedDir, 'result.json'), 'utf8');
  seed = JSON.parse(resultText);
  const csv = path.join(root, 'points.csv');
  writeFileSync(csv, '1,10\n2,19\n3,27\n4,34\n5,40\n6,45\n');
  placeholders = { tiny, result: path.join(seedDir, 'result.json'), resultText, k6: path.join(K6_FIXTURES, 'k6-out-runner-1.json'), k6summary: path.join(K6_FIXTURES, 'k6-handle-summary.json'), csv };
});

afterAll(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (root) rmSync(root, { recursive: true, force: true });
});

function allCases(): BadInputCase[] {
  const ndjson = readFileSync(path.join(K6_FIXTURES, 'k6-out-runner-1.json'), 'utf8');
  const summary = JSON.parse(readFileSync(path.join(K6_FIXTURES, 'k6-handle-summary.json'), 'utf8')) as Parameters<typeof k6Cases>[1];
  return [...flagCases(), ...scenarioCases(), ...matrixCases(), ...resultCases(seed as Parameters<typeof resultCases>[0]), ...k6Cases(ndjson, summary), ...pointsCases()];
}

describe('bad input, every command', () => {
  it("every flag in each command's --help is classified in the case table (so it gets bad values)", async () => {
    const missing: string[] = [];
    const { COMMANDS } = await import('../commands.ts');
    expect(Object.keys(COMMANDS).filter((c) => !Object.hasOwn(COMMAND_TABLES, c)), 'commands without a table').toEqual([]);
    for (const command of Object.keys(COMMAND_TABLES)) {
      const { code, stdout } = await quietly([command, '--help']);
      expect(code, `${command} --help`).toBe(0);
      for (const f of unclassifiedFlags(command, stdout)) missing.push(`${command} --${f}`);
    }
    expect(missing, 'flags with no kind in COMMAND_TABLES (runner/cli/bad-input/cases.ts)').toEqual([]);
  });

  it('at least 300 generated cases: each exit 2, one message line naming what and where, no stack, nothing written', async () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const counts = new Map<string, Record<Verdict | 'tried', number>>();
    const failures: string[] = [];
    for (const [i, c] of cases.entries()) {
      const pc = prepare(c, root, i, placeholders);
      const outcome = c.realProcess ? await runChild(pc, BIN, 30_000) : await runInProcess(pc, 20_000);
      const { verdict, problems } = judge(pc, outcome);
      const row = counts.get(c.category) ?? { tried: 0, clean: 0, crash: 0, 'not refused': 0, unclear: 0, 'left files': 0 };
      row.tried++;
      row[verdict]++;
      counts.set(c.category, row);
      if (verdict !== 'clean') failures.push(`[${verdict}] ${c.category} / ${c.name}\n    ${problems.join('\n    ')}`);
      rmSync(pc.dir, { recursive: true, force: true });
    }
    // nothing written beside the cases' folders either (a temp file of an atomic write, say)
    expect(readdirSync(root).sort()).toEqual(['points.csv', 'seed']);
    const table = [...counts.entries()].map(([cat, r]) => `  ${cat.padEnd(22)} tried ${String(r.tried).padStart(3)}  clean ${String(r.clean).padStart(3)}  crashes ${r.crash}  not refused ${r['not refused']}  unclear ${r.unclear}  left files ${r['left files']}`);
    process.stderr.write(`bad-input cases (${cases.length}):\n${table.join('\n')}\n`);
    expect(failures).toEqual([]);
  }, 170_000);

  it('the same judgement for a sample run as real processes (stampede bin), two at a time', async () => {
    const cases = allCases();
    // the first case of each category, and the ones whose failure modes only a real process shows
    const byCategory = new Map<string, BadInputCase>();
    for (const c of cases) if (!byCategory.has(c.category)) byCategory.set(c.category, c);
    const special = cases.filter((c) => /a missing file|metrics-port|a Point value of 1e308|\/proc/.test(c.name)).slice(0, 6);
    const sample = [...byCategory.values(), ...special];
    const failures: string[] = [];
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < sample.length) {
        const i = next++;
        const pc = prepare(sample[i]!, root, 10_000 + i, placeholders);
        const { verdict, problems } = judge(pc, await runChild(pc, BIN, 30_000));
        if (verdict !== 'clean') failures.push(`[${verdict}] ${pc.c.name}\n    ${problems.join('\n    ')}`);
      }
    };
    await Promise.all([lane(), lane()]);
    expect(sample.length).toBeGreaterThanOrEqual(10);
    expect(failures).toEqual([]);
  }, 120_000);

  it('--metrics-port already in use: exit 2 naming the flag, before any load', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const pc = prepare({ category: 'flags: run', name: 'metrics port in use', argv: ['run', '{tiny}', '--target', 'http://127.0.0.1:9', '--out', '{out}', '--quiet', '--metrics-port', String(port)], mentions: ['--metrics-port', 'EADDRINUSE'] }, root, 20_000, placeholders);
      const r = judge(pc, await runInProcess(pc, 20_000));
      expect(r.problems).toEqual([]);
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });
});

describe('bad bodies at the shop', () => {
  it('every generated bad POST body is answered 4xx with an error code, never 5xx; the shop stays up', async () => {
    const { startTarget } = await import('../../../target-app/launcher/start.ts');
    const { createTestDatabase, httpClient, loginUsers, stopEmbedded } = await import('../../../target-app/testing/fixtures.ts');
    const db = await createTestDatabase();
    const t = await startTarget({ databaseUrl: db.url, products: 20, stock: 5 });
    const http = httpClient(t.url, 8);
    try {
      const [token] = await loginUsers(http, `badinput${Date.now()}_`, 1, 1);
      const headersFor = (auth: 'user' | 'admin' | 'none'): Record<string, string> => (auth === 'user' ? { authorization: `Bearer ${token}` } : auth === 'admin' ? { 'x-admin-token': t.adminToken } : {});
      const cases = shopBodyCases();
      expect(cases.length).toBeGreaterThanOrEqual(100);
      const statuses: Record<number, number> = {};
      const bad: string[] = [];
      for (const c of cases) {
        const r =
          'json' in c.body
            ? await http.send('POST', c.path, { body: c.body.json, headers: headersFor(c.auth) })
            : await http.send('POST', c.path, { rawBody: c.body.raw, headers: { 'content-type': c.body.contentType, ...headersFor(c.auth) } });
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status < 400 || r.status >= 500) bad.push(`${c.name}: ${r.status} ${r.text.slice(0, 160)}`);
        else if (typeof (r.body as { error?: unknown } | null)?.error !== 'string') bad.push(`${c.name}: ${r.status} without an error code: ${r.text.slice(0, 100)}`);
      }
      process.stderr.write(`shop bodies (${cases.length}): ${JSON.stringify(statuses)}\n`);
      expect(bad).toEqual([]);
      expect((await http.get('/healthz')).status).toBe(200);
    } finally {
      await http.close();
      await t.stop();
      await db.drop();
      await stopEmbedded();
    }
  }, 120_000);
});
