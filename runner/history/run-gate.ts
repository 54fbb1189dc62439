// `stampede run --baseline R [--fail-on RULES]`: the baseline is resolved and checked before any
// load (it must exist and have per-second histograms); after the run, the diff against it and
// the gate's verdict, as text for the summary, Markdown and JUnit cases.
import { StampedeError } from '../errors.ts';
import type { RunResult } from '../result/schema.ts';
import { DEFAULT_CONFIDENCE, DEFAULT_PERCENTILES, diffSeconds, type DiffReport } from './diff.ts';
import { formatDiffTable, formatGate, gateJUnitCases, gateMarkdown } from './format.ts';
import { evaluateGate, parseFailOn, rulePercentiles, type GateRow, type GateRule } from './gate.ts';
import { resolveRun, type ResolvedRun } from './resolve.ts';
import type { HistoryStore } from './store.ts';
import type { JUnitCase } from '../ci-outputs/junit.ts';

export interface GateOutcome {
  report: DiffReport;
  gate: GateRow[];
  failed: boolean;
  text: string;
  markdown: string;
  junit: { name: string; cases: JUnitCase[] };
}

export interface PreparedGate {
  baseline: ResolvedRun;
  rules: GateRule[];
  evaluate(result: RunResult, confidence?: number): GateOutcome;
}

export async function prepareGate(store: HistoryStore, ref: string, failOn: string | undefined, ctx: { scenario: string; target: string | null }): Promise<PreparedGate> {
  const rules = failOn === undefined ? [] : parseFailOn(failOn);
  const baseline = await resolveRun(store, ref, ctx, 'stampede run: --baseline');
  if (!baseline.result.seconds?.length) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `stampede run: --baseline: ${baseline.file} has no per-second histograms (older Stampede, or imported): choose another baseline`);
  const label = `${baseline.run?.id ?? baseline.ref} (${baseline.result.meta.startTime})`;
  return {
    baseline,
    rules,
    evaluate(result, confidence = DEFAULT_CONFIDENCE) {
      const report = diffSeconds(baseline.result.seconds ?? [], result.seconds ?? [], { confidence, percentiles: [...DEFAULT_PERCENTILES, ...rulePercentiles(rules)] });
      const gate = evaluateGate(report, rules, confidence);
      const failed = gate.some((g) => g.failed);
      const text = `  AGAINST BASELINE ${label}\n${formatDiffTable(report, { a: `baseline ${label} — ${baseline.file}`, b: 'this run' })}${rules.length ? formatGate(gate) : ''}`;
      return { report, gate, failed, text, markdown: gateMarkdown(report, gate, label), junit: { name: 'regression', cases: gateJUnitCases(gate) } };
    },
  };
}
