// capacity.html: built from a capacity document (the CLI spawned as a user runs it, and the
// builder in-process). In a browser: capacity.e2e.test.ts.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, embeddedEnvelopeSchema } from '../dashboard/model/embedded.ts';
import { capacityFull } from '../dashboard/testing/capacity-fixture.ts';
import type { CapacityDocument } from '../runner/result/capacity-schema.ts';
import { renderReportHtml } from './build.ts';
import { runCli } from '../runner/testing/fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'stampede-capacity-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stampede = (...args: string[]) => runCli(args);

const embedded = (html: string) => embeddedEnvelopeSchema.parse(JSON.parse(/<script type="application\/json" id="stampede-data">([^<]*)<\/script>/.exec(html)![1]!));

describe('capacity.html', () => {
  it('embeds the capacity document (kind capacity) and is titled by its scenario', async () => {
    const doc = capacityFull({ hostile: '</script><b>x</b>' });
    const html = await renderReportHtml('capacity', doc);
    const env = embedded(html);
    expect(env.kind).toBe('capacity');
    expect(await decodeEnvelope(env)).toEqual(JSON.parse(JSON.stringify(doc)));
    expect(html).toContain('<title>product-read&lt;/script&gt;&lt;b&gt;x&lt;/b&gt; — Stampede capacity report</title>');
    expect(html.match(/<\/script/gi)).toHaveLength(2);
  });

  it('refuses an invalid capacity document, naming the field', async () => {
    const bad = { ...capacityFull(), answer: { ...capacityFull().answer!, mst: 'lots' } } as unknown as CapacityDocument;
    await expect(renderReportHtml('capacity', bad)).rejects.toThrow(/capacity document: answer\.mst/);
  });
});

describe('stampede report capacity.json', () => {
  it('writes capacity.html beside the document', async () => {
    const file = path.join(dir, 'capacity.json');
    writeFileSync(file, JSON.stringify(capacityFull()));
    const r = await stampede('report', file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(path.join(dir, 'capacity.html'));
    const html = readFileSync(path.join(dir, 'capacity.html'), 'utf8');
    expect(statSync(path.join(dir, 'capacity.html')).size).toBeGreaterThan(100_000);
    expect(embedded(html).kind).toBe('capacity');
  }, 120_000);

  it('exits 2 naming the file and the field for a bad capacity document, without a stack trace', async () => {
    const file = path.join(dir, 'bad-capacity.json');
    const doc = capacityFull() as unknown as { probes: Array<Record<string, unknown>> };
    doc.probes[4]!.verdict = 'maybe';
    writeFileSync(file, JSON.stringify(doc));
    const r = await stampede('report', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: probes[4].verdict`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);
});
