// Scenario files under the real CLI (bundled: runner/cli/launch.js), compiled by esbuild
// (compile.ts): sibling TypeScript modules, packages, import.meta paths of their own, and
// compile errors on one line naming file, line and column.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, scratchDir, startServer, type TestServer } from '../testing/fixtures.ts';

let server: TestServer;
const scratch = scratchDir('compile');
beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

describe('scenario files under the CLI', () => {
  it('run with their own modules, packages and import.meta paths', async () => {
    scratch.write('data.txt', 'hello from data\n');
    scratch.write('helper.ts', `import { readFileSync } from 'node:fs';\nexport const greeting = (): string => readFileSync(new URL('./data.txt', import.meta.url), 'utf8').trim();\n`);
    const file = scratch.write(
      'main.ts',
      `import type { Options } from 'k6/options';
import { z } from 'zod';
import { greeting } from './helper.ts';
export const options: Options = { vus: 1, iterations: 3 };
const schema = z.object({ n: z.number() });
export default async (vu: any) => {
  vu.check(schema.parse({ n: 1 }), { 'package': (v: { n: number }) => v.n === 1, 'sibling module': () => greeting() === 'hello from data', 'own folder': () => import.meta.dirname === ${JSON.stringify(scratch.dir)} });
  await vu.http.get(vu.env.BASE + '/');
};
`,
    );
    const before = server.hits;
    const r = await runCli(['run', file, '--env', `BASE=${server.url}`, '--out', `${scratch.dir}/out`, '--quiet', '--no-dashboard']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(server.hits - before).toBe(3);
    const { readFileSync } = await import('node:fs');
    const result = JSON.parse(readFileSync(`${scratch.dir}/out/result.json`, 'utf8')) as { metrics: { checks: { values: { passes: number; fails: number } } } };
    expect(result.metrics.checks.values).toMatchObject({ passes: 9, fails: 0 });
  });

  it('a syntax error: exit 2, one line with file, line and column', async () => {
    const file = scratch.write('bad.ts', 'export const options = { vus: 1,, };\nexport default function () {}\n');
    const r = await runCli(['run', file, '--quiet', '--no-dashboard']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error STAMPEDE_E_SCENARIO_LOAD: .*bad\.ts: failed to load: .*bad\.ts:1:32: ERROR: /);
    expect(lines[0]).not.toMatch(/Build failed|plugin/);
  });

  it('a file importing k6 at run time is a k6 script (runner/k6/script); a k6 module Stampede lacks: exit 2 naming it', async () => {
    const file = scratch.write('k6.ts', "import http from 'k6/http';\nimport ws from 'k6/ws';\nexport default function () { http.get('x'); }\n");
    const r = await runCli(['run', file, '--quiet', '--no-dashboard']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('k6.ts:2: import k6/ws: WebSocket tests are not supported by Stampede');
  });
  it('reuse their compiled module until the scenario or a module it imports changes', async () => {
    const helper = scratch.write('version.ts', `export const version = 'one';\n`);
    const file = scratch.write(
      'versioned.ts',
      `import { version } from './version.ts';
export const options = { vus: 1, iterations: 1 };
export default async (vu: any) => { vu.check(version, { 'the version wanted': (v: string) => v === vu.env.WANT }); };
`,
    );
    const index = path.join(path.resolve(import.meta.dirname, '../..'), 'node_modules/.cache/stampede/scenarios', `index-${createHash('sha256').update(file).digest('hex').slice(0, 24)}.json`);
    const passes = async (want: string): Promise<number> => {
      const r = await runCli(['run', file, '--env', `WANT=${want}`, '--out', `${scratch.dir}/out-v`, '--quiet', '--no-dashboard']);
      expect(r.stderr).toBe('');
      const result = JSON.parse(readFileSync(`${scratch.dir}/out-v/result.json`, 'utf8')) as { metrics: { checks: { values: { passes: number } } } };
      return result.metrics.checks.values.passes;
    };
    expect(await passes('one')).toBe(1);
    const compiled = statSync(index).mtimeMs;
    expect(await passes('one')).toBe(1);
    expect(statSync(index).mtimeMs).toBe(compiled); // not compiled again
    // the imported module changes (same size, a later mtime): compiled again, the new value runs
    scratch.write('version.ts', `export const version = 'two';\n`);
    const later = new Date(Date.now() + 5000);
    utimesSync(helper, later, later);
    expect(await passes('two')).toBe(1);
    expect(statSync(index).mtimeMs).not.toBe(compiled);
  });
});
