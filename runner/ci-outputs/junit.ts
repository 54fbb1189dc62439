// JUnit XML of a run for CI pipelines (`stampede run --junit FILE`): thresholds and checks as
// test cases, so a pipeline's test report shows which SLO failed and by how much. Suites:
// - thresholds: one case per threshold expression; <failure> when it failed (the run exits 99);
// - checks: one case per check (scenario, group path, name); <failure> when any iteration failed it;
// - run: the schedule completed (not partial) and the load generator kept up (not saturated).
import type { RunResult } from '../result/schema.ts';
import { xmlEscape as x } from './xml.ts';

export interface JUnitCase {
  classname: string;
  name: string;
  failure?: { message: string; type: string; text: string };
}

/** `extra`: more suites after the run's own (e.g. the regression gate of --baseline/--fail-on). */
export function toJUnit(result: RunResult, extra: ReadonlyArray<{ name: string; cases: JUnitCase[] }> = []): string {
  const seconds = (result.meta.durationMs / 1000).toFixed(3);
  const thresholds: JUnitCase[] = result.thresholds.map((t) => {
    const c: JUnitCase = { classname: `thresholds.${t.key}`, name: `${t.key}: ${t.source}` };
    if (!t.ok) {
      const observed = t.observed === null ? 'no samples' : `observed ${formatNumber(t.observed)}`;
      c.failure = { type: 'threshold', message: `${observed}; expected ${t.source}${t.aborted ? ' (aborted the run)' : ''}`, text: `${t.key} ${t.source}: ${observed}` };
    }
    return c;
  });
  const checks: JUnitCase[] = result.checks.map((c) => {
    const group = c.path.slice(0, Math.max(0, c.path.length - c.name.length - 2));
    const tc: JUnitCase = { classname: `checks${c.scenario ? `.${c.scenario}` : ''}${group ? `.${group}` : ''}`, name: c.name };
    const total = c.passes + c.fails;
    if (c.fails > 0) {
      tc.failure = { type: 'check', message: `${c.fails} of ${total} failed (${((c.fails / total) * 100).toFixed(2)} %)`, text: `${c.path}: ${c.passes} passed, ${c.fails} failed` };
    }
    return tc;
  });
  const run: JUnitCase[] = [{ classname: 'run', name: 'schedule completed' }, { classname: 'run', name: 'load generator kept up' }];
  if (result.partial && run[0]) run[0].failure = { type: 'partial', message: `stopped early: ${result.stopReason ?? 'unknown reason'}`, text: result.stopReason ?? '' };
  if (result.generator.saturated && run[1]) run[1].failure = { type: 'generator', message: 'the load generator was saturated: the numbers may describe it, not the target', text: result.generator.reasons.join('\n') };

  const suites = [
    { name: 'thresholds', cases: thresholds },
    { name: 'checks', cases: checks },
    { name: 'run', cases: run },
    ...extra,
  ];
  const all = suites.flatMap((s) => s.cases);
  const failures = all.filter((c) => c.failure).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${x(`stampede ${result.meta.scenarioName}`)}" tests="${all.length}" failures="${failures}" errors="0" time="${seconds}">`,
  ];
  for (const s of suites) {
    const f = s.cases.filter((c) => c.failure).length;
    lines.push(`  <testsuite name="${x(s.name)}" tests="${s.cases.length}" failures="${f}" errors="0" skipped="0" time="${seconds}" timestamp="${x(result.meta.startTime.replace(/\.\d+Z$/, ''))}">`);
    for (const c of s.cases) {
      const open = `    <testcase classname="${x(c.classname)}" name="${x(c.name)}" time="0"`;
      if (!c.failure) lines.push(`${open}/>`);
      else {
        lines.push(`${open}>`);
        lines.push(`      <failure message="${x(c.failure.message)}" type="${x(c.failure.type)}">${x(c.failure.text)}</failure>`);
        lines.push('    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}
