// The CLI's bundle (launch.js): reused while its sources are unchanged, rebuilt when one
// changes, and its modules still see their own source paths through import.meta.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, runCli } from '../testing/fixtures.ts';
import { freshBundle } from './launch.js';

const MANIFEST = path.join(PROJECT_ROOT, 'node_modules/.cache/stampede', `cli-${createHash('sha256').update(PROJECT_ROOT).digest('hex').slice(0, 12)}`, 'manifest.json');

describe('the bundled CLI', () => {
  it('is reused while nothing changed, and rebuilt when an input differs — from any working directory', async () => {
    const first = await freshBundle();
    expect(await freshBundle()).toBe(first);
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { inputs: Record<string, [number, number]> };
    expect(Object.keys(manifest.inputs)).toContain('runner/cli/main.ts');
    expect(Object.keys(manifest.inputs).length).toBeGreaterThan(50);
    // as if runner/errors.ts had been edited since the build
    const entry = manifest.inputs['runner/errors.ts'];
    expect(entry).toBeDefined();
    manifest.inputs['runner/errors.ts'] = [(entry as [number, number])[0] - 1000, (entry as [number, number])[1]];
    writeFileSync(MANIFEST, JSON.stringify(manifest));
    const rebuilt = await freshBundle();
    expect(rebuilt).not.toBe(first);
    expect(await freshBundle()).toBe(rebuilt);
    // input paths are the project's, not the working directory's: elsewhere, still no rebuild
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(await freshBundle()).toBe(rebuilt);
    } finally {
      process.chdir(cwd);
    }
  });

  it('replaces import.meta in project modules by their source paths', async () => {
    const file = await freshBundle();
    const dir = path.dirname(file);
    const { readdirSync } = await import('node:fs');
    const code = readdirSync(dir)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(code).not.toMatch(/import\.meta\.(dirname|url|filename)/);
    expect(code).toContain(JSON.stringify(pathToFileURL(path.join(PROJECT_ROOT, 'reports/bundle.ts')).href));
    // and the CLI started from it works (version from package.json, found via import.meta.url)
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^stampede \d+\.\d+\.\d+/);
  });
});
