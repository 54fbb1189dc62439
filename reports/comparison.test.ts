// comparison.html from a comparison on disk, through the CLI as a user runs it: `stampede report
// comparison.json` writes the page beside it with the comparison and its runs' timelines
// embedded; a bad comparison.json exits 2 naming the field. (Rendering: comparison.e2e.test.ts.)
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, embeddedEnvelopeSchema } from '../dashboard/model/embedded.ts';
import { parseComparisonReport, representativeRun } from '../dashboard/model/compare.ts';
import { writeCompareFixture, type CompareFixture } from '../dashboard/testing/compare-fixture.ts';
import { runCli } from '../runner/testing/fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const stampede = (args: string[]) => runCli(args);

async function embedded(html: string): Promise<unknown> {
  const m = /<script type="application\/json" id="stampede-data">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  const envelope = embeddedEnvelopeSchema.parse(JSON.parse(m![1]!));
  expect(envelope.kind).toBe('comparison');
  return decodeEnvelope(envelope);
}

describe('stampede compare writes comparison.html', () => {
  const out = mkdtempSync(path.join(tmpdir(), `stampede-cmp-real-${process.pid}-`));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a real comparison of the shop (smoke scenario, sync vs async): the page beside comparison.json embeds both runs’ timelines', async () => {
    const r = await stampede(['compare', 'scenarios/smoke.ts', '--matrix', 'variant=sync,async', '--cooldown', '0s', '--out', out]);
    expect(r.code).toBe(0);
    const page = path.join(out, 'comparison.html');
    expect(r.stdout).toContain(`  page ......... ${page}\n`);
    const report = parseComparisonReport(await embedded(readFileSync(page, 'utf8')), 'embedded');
    const written = JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')) as unknown;
    expect(report.comparison).toEqual(written);
    expect(report.timelines.map((t) => t.configurationId)).toEqual(['variant-sync', 'variant-async']);
    for (const tl of report.timelines) {
      const result = JSON.parse(readFileSync(path.join(out, tl.configurationId, 'run-1', 'result.json'), 'utf8')) as { timeline: Array<{ requests: number }> };
      expect(tl.points.map((p) => p.requests)).toEqual(result.timeline.map((p) => p.requests));
      expect(tl.points.reduce((a, p) => a + p.requests, 0)).toBeGreaterThan(10);
    }
  }, 240_000);
});

describe('stampede report comparison.json', () => {
  const dir = mkdtempSync(path.join(tmpdir(), `stampede-cmp-report-${process.pid}-`));
  let fx: CompareFixture;
  beforeAll(() => {
    fx = writeCompareFixture(dir, { repeat: 3, durationS: 40 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes comparison.html beside it, with the comparison and each configuration’s median run’s timeline', async () => {
    const r = await stampede(['report', fx.file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = path.join(dir, 'comparison.html');
    expect(r.stdout.trim()).toBe(`report: ${out}`);
    const html = readFileSync(out, 'utf8');
    process.stdout.write(`[comparison] 4 configurations × 3 runs of 40 s: comparison.html ${statSync(out).size} bytes\n`);
    const report = parseComparisonReport(await embedded(html), 'embedded');
    expect(report.comparison).toEqual(fx.comparison);
    expect(report.notes).toEqual([]);
    expect(report.timelines.map((t) => t.configurationId)).toEqual(fx.comparison.configurations.filter((c) => c.status === 'ran').map((c) => c.id));
    for (const tl of report.timelines) {
      const cfg = fx.comparison.configurations.find((c) => c.id === tl.configurationId)!;
      const run = representativeRun(cfg)!;
      expect(tl.repeat).toBe(run.repeat);
      expect(tl.of).toBe(3);
      const result = fx.results.get(run.resultFile!)!;
      expect(tl.points.map((p) => p.latencyP99)).toEqual(result.timeline.map((p) => p.latency?.p99 ?? null));
      expect(tl.points.map((p) => p.requests)).toEqual(result.timeline.map((p) => p.requests));
    }
    // one file, nothing fetched: no src= or href= to anything but data:
    expect(html).not.toMatch(/\s(src|href)="(?!data:)/);
    expect(html).toContain(`<title>flash-sale — Stampede comparison</title>`);
  });

  it('--out writes elsewhere', async () => {
    const out = path.join(dir, 'elsewhere', 'page.html');
    const r = await stampede(['report', fx.file, '--out', out]);
    expect(r.code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(100_000);
  });

  it('a bad comparison.json: exit 2 naming the file and the field, no stack trace', async () => {
    const doc = JSON.parse(readFileSync(fx.file, 'utf8')) as { configurations: Array<{ runs: Array<{ summary: Record<string, unknown> }> }>; schemaVersion: unknown };
    doc.configurations[1]!.runs[2]!.summary.latencyP99 = 'fast';
    const bad = path.join(dir, 'bad', 'comparison.json');
    rmSync(path.dirname(bad), { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(path.dirname(bad), { recursive: true }));
    writeFileSync(bad, JSON.stringify(doc));
    const r = await stampede(['report', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}: configurations[1].runs[2].summary.latencyP99: `);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(bad, JSON.stringify({ ...doc, schemaVersion: 7 }));
    const v = await stampede(['report', bad]);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(`${bad}: schemaVersion: `);
  });
});
