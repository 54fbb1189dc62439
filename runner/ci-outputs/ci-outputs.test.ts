// JUnit XML and the Markdown summary, from a realistic run (the dashboard's fixture: a stall that
// fails the latency thresholds) and from a real k6 import; hostile names everywhere. The XML is
// read back with a real XML parser (Python's xml.etree), not with the code under test.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunFixture } from '../../dashboard/testing/fixture.ts';
import { importK6 } from '../k6/import.ts';
import type { RunResult } from '../result/schema.ts';
import { toJUnit } from './junit.ts';
import { md, toMarkdownSummary } from './markdown.ts';

const HOSTILE = `<script>alert(1)</script> & "q" 'a' ]]> | *x* _y_ [l](http://e) \u0001\u0007 \uD800 end`;

interface ParsedCase {
  suite: string;
  classname: string;
  name: string;
  failure: { message: string; type: string; text: string } | null;
}

function parseJUnit(xml: string): { root: Record<string, string>; cases: ParsedCase[] } {
  const py = `
import json, sys, xml.etree.ElementTree as ET
root = ET.fromstring(sys.stdin.buffer.read())
cases = []
for s in root.findall('testsuite'):
    for c in s.findall('testcase'):
        f = c.find('failure')
        cases.append({'suite': s.get('name'), 'classname': c.get('classname'), 'name': c.get('name'),
                      'failure': None if f is None else {'message': f.get('message'), 'type': f.get('type'), 'text': f.text or ''}})
print(json.dumps({'root': dict(root.attrib), 'cases': cases}))
`;
  return JSON.parse(execFileSync('python3', ['-c', py], { input: xml }).toString('utf8')) as { root: Record<string, string>; cases: ParsedCase[] };
}

function withHostileThreshold(r: RunResult): RunResult {
  return {
    ...r,
    thresholds: [...r.thresholds, { key: `http_req_duration{name:${HOSTILE}}`, source: 'p(99)<1', ok: false, observed: 12.5, abortOnFail: true, aborted: true }],
  };
}

describe('toJUnit', () => {
  const result = withHostileThreshold(buildRunFixture({ durationS: 20, rate: 50, hostile: HOSTILE }));

  it('is well-formed XML whose cases are the thresholds, checks and run health', () => {
    const xml = toJUnit(result);
    const { root, cases } = parseJUnit(xml);
    const thresholdCases = cases.filter((c) => c.suite === 'thresholds');
    expect(thresholdCases).toHaveLength(result.thresholds.length);
    expect(cases.filter((c) => c.suite === 'checks')).toHaveLength(result.checks.length);
    const failedThresholds = result.thresholds.filter((t) => !t.ok).length;
    const failedChecks = result.checks.filter((c) => c.fails > 0).length;
    expect(failedThresholds).toBeGreaterThan(0);
    expect(thresholdCases.filter((c) => c.failure).length).toBe(failedThresholds);
    const runFailures = cases.filter((c) => c.suite === 'run' && c.failure).length;
    expect(Number(root.failures)).toBe(failedThresholds + failedChecks + runFailures);
    expect(Number(root.tests)).toBe(cases.length);
    // each failing threshold says what was observed
    for (const t of result.thresholds.filter((x) => !x.ok)) {
      const c = thresholdCases.find((x) => x.name === `${t.key}: ${t.source}`.replace(/[\u0001\u0007]|\uD800/g, '\uFFFD'));
      expect(c?.failure?.type).toBe('threshold');
      expect(c?.failure?.message).toContain(t.observed === null ? 'no samples' : 'observed ');
    }
  });

  it('escapes hostile names: they read back as text, control characters replaced', () => {
    const xml = toJUnit(result);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toMatch(/[\u0001\u0007]/);
    const { cases } = parseJUnit(xml);
    const hostile = cases.find((c) => c.name.startsWith('http_req_duration{name:<script>'));
    expect(hostile?.name).toBe(`http_req_duration{name:<script>alert(1)</script> & "q" 'a' ]]> | *x* _y_ [l](http://e) \uFFFD\uFFFD \uFFFD end}: p(99)<1`);
    expect(hostile?.failure?.message).toBe('observed 12.5; expected p(99)<1 (aborted the run)');
  });

  it('a passing run has no failure elements', async () => {
    const imported = await importK6([path.join(import.meta.dirname, '../k6/fixtures/k6-out-runner-1.json')]);
    const passing: RunResult = { ...imported, thresholds: imported.thresholds.map((t) => ({ ...t, ok: true })), checks: imported.checks.map((c) => ({ ...c, fails: 0 })) };
    const xml = toJUnit(passing);
    expect(xml).not.toContain('<failure');
    expect(parseJUnit(xml).root.failures).toBe('0');
    // and the same run as imported (http_req_failed fails there) has exactly that failure
    const failing = parseJUnit(toJUnit(imported)).cases.filter((c) => c.failure && c.suite === 'thresholds');
    expect(failing.map((c) => c.name)).toEqual(imported.thresholds.filter((t) => !t.ok).map((t) => `${t.key}: ${t.source}`));
  });
});

describe('toMarkdownSummary', () => {
  it('gives the verdict, the numbers and one row per threshold and check', () => {
    const result = withHostileThreshold(buildRunFixture({ durationS: 20, rate: 50 }));
    const text = toMarkdownSummary(result);
    const failed = result.thresholds.filter((t) => !t.ok).length;
    expect(text.split('\n')[0]).toBe(`## Stampede: ${md(result.meta.scenarioName)} — ❌ ${failed} of ${result.thresholds.length} thresholds failed`);
    expect(text.match(/^\| (✅|❌) \|/gm)?.length).toBe(result.thresholds.length + result.checks.length);
    expect(text).toContain(`| requests | ${(result.metrics.http_reqs?.values.count ?? 0).toLocaleString('en-US')} `);
    const p99 = result.metrics.http_req_latency?.values['p(99)'] ?? NaN;
    expect(text).toContain(`${p99.toLocaleString('en-US', { maximumFractionDigits: 2 })} ms |`);
  });

  it('escapes hostile names so they cannot add HTML, links or table cells', () => {
    const result = withHostileThreshold(buildRunFixture({ durationS: 10, rate: 20, hostile: HOSTILE }));
    const text = toMarkdownSummary(result);
    expect(text).not.toContain('<script>');
    expect(text).not.toMatch(/[^\\]\[l\]\(http/);
    // every table row keeps its column count: no unescaped | from a name
    for (const row of text.split('\n').filter((l) => l.startsWith('| ✅') || l.startsWith('| ❌'))) {
      expect(row.replace(/\\\|/g, '').split('|').length).toBe(6);
    }
    expect(md('a|b\n<i>')).toBe('a\\|b &lt;i&gt;');
  });
});
