// The report builder and `stampede report`, run for real: the Vite bundle, the HTML file,
// the CLI spawned as a user runs it. (Rendering in a browser: report.e2e.test.ts.)
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, embeddedEnvelopeSchema } from '../dashboard/model/embedded.ts';
import { buildRunFixture } from '../dashboard/testing/fixture.ts';
import { BUNDLE_FILE, ensureUiBundle } from './bundle.ts';
import { renderReportHtml, writeRunReport } from './build.ts';
import { escapeInlineCode } from './html.ts';
import { runCli } from '../runner/testing/fixtures.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'stampede-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAYLOAD = '</script><script>alert(1)</script><img src=x onerror=alert(1)>';

const stampede = (...args: string[]) => runCli(args);

/** The page's markup with the inline module script's code removed (the bundle has its own strings). */
function markup(html: string): string {
  return html.replace(/(<script type="module">)[\s\S]*?(<\/script>)/, '$1$2');
}

function embedded(html: string): string {
  const m = /<script type="application\/json" id="stampede-data">([^<]*)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded data element');
  return m[1]!;
}

describe('report.html', () => {
  it('is one file: inline CSS and JS, data embedded gzip+base64, a CSP that allows no network', async () => {
    const result = buildRunFixture();
    const html = await renderReportHtml('run', result);
    const m = markup(html);
    expect(m).not.toMatch(/<script[^>]+src=/);
    expect(m).not.toMatch(/<link[^>]+rel="stylesheet"/);
    expect(m).not.toMatch(/(src|href)="https?:/);
    expect(m.match(/<script/g)).toHaveLength(2);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-[A-Za-z0-9+/=]+&#39;/);
    const envelope = embeddedEnvelopeSchema.parse(JSON.parse(embedded(html)));
    expect(await decodeEnvelope(envelope)).toEqual(JSON.parse(JSON.stringify(result)));
  });

  it('keeps hostile strings out of the markup: no value can close the data element', async () => {
    const html = await renderReportHtml('run', buildRunFixture({ hostile: PAYLOAD }));
    // exactly the two script elements the page has, however many payloads the data holds
    expect(markup(html).match(/<script/gi)).toHaveLength(2);
    expect(html.match(/<\/script/gi)).toHaveLength(2);
    expect(embedded(html)).not.toMatch(/[<>&]/);
    expect(markup(html).replace(/<title>.*<\/title>/, '')).not.toContain('onerror');
    // the title is escaped text
    expect(html).toContain('<title>flash-sale&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror');
  });

  it('writes the file atomically where asked', async () => {
    const file = path.join(dir, 'nested', 'report.html');
    await writeRunReport(buildRunFixture(), file);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(readFileSync(file, 'utf8').startsWith('<!doctype html>')).toBe(true);
  });

  it('refuses an invalid document, naming the field', async () => {
    const bad = { ...buildRunFixture(), generator: { saturated: 'yes' } } as unknown as Parameters<typeof renderReportHtml>[1];
    await expect(renderReportHtml('run', bad)).rejects.toThrow(/run document: generator\./);
  });

  it('escapes inline code the way vitest does', () => {
    expect(escapeInlineCode('a="</SCRIPT>";b="<!--"', 'script')).toBe('a="<\\/SCRIPT>";b="<\\!--"');
    expect(escapeInlineCode('x{}</style>', 'style')).toBe('x{}<\\/style>');
  });
});

describe('the UI bundle cache', () => {
  it('reuses a fresh bundle and survives two processes building at once', async () => {
    const a = await ensureUiBundle();
    const before = statSync(BUNDLE_FILE).mtimeMs;
    const again = await ensureUiBundle();
    expect(again.js).toBe(a.js);
    expect(statSync(BUNDLE_FILE).mtimeMs).toBe(before);
    // two forced builds at once, in two processes, into the same dist/
    const script = path.join(dir, 'force-build.mts');
    writeFileSync(script, `import { ensureUiBundle } from ${JSON.stringify(path.join(ROOT, 'reports/bundle.ts'))};\nconst b = await ensureUiBundle({ force: true });\nconsole.log(b.js.length);\n`);
    const tsx = path.join(ROOT, 'node_modules/.bin/tsx');
    const both = await Promise.all([0, 1].map(() => new Promise<{ code: number; out: string; err: string }>((resolve) => {
      execFile(tsx, [script], { cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) => resolve({ code: err ? 1 : 0, out: stdout.trim(), err: stderr }));
    })));
    expect(both.map((b) => b.err)).toEqual(['', '']);
    expect(both.map((b) => b.code)).toEqual([0, 0]);
    expect(Number(both[0]!.out)).toBeGreaterThan(300_000);
    const published = JSON.parse(readFileSync(BUNDLE_FILE, 'utf8')) as { js: string };
    expect(published.js.length).toBe(Number(both[0]!.out));
  }, 120_000);
});

describe('stampede report', () => {
  it('writes report.html beside the result, or to --out', async () => {
    const file = path.join(dir, 'result.json');
    writeFileSync(file, JSON.stringify(buildRunFixture()));
    const r = await stampede('report', file);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(path.join(dir, 'report.html'));
    expect(statSync(path.join(dir, 'report.html')).size).toBeGreaterThan(100_000);
    const out = path.join(dir, 'elsewhere.html');
    expect((await stampede('report', file, '--out', out)).code).toBe(0);
    expect(statSync(out).size).toBeGreaterThan(100_000);
  });

  it('exits 2 naming the file and the field for a bad document, without a stack trace', async () => {
    const file = path.join(dir, 'bad.json');
    const doc = buildRunFixture() as unknown as { timeline: Array<Record<string, unknown>> };
    doc.timeline[3]!.requests = 'lots';
    writeFileSync(file, JSON.stringify(doc));
    const r = await stampede('report', file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}: timeline[3].requests`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notJson = path.join(dir, 'not.json');
    writeFileSync(notJson, '{"kind": "run",');
    const r2 = await stampede('report', notJson);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${notJson}: not valid JSON`);
    const r3 = await stampede('report', path.join(dir, 'missing.json'));
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('missing.json: cannot read (ENOENT)');
  });
});
