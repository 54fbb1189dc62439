// Thresholds and checks with their verdicts, as rows.
import type { RunResult } from '../../runner/result/schema.ts';

export interface ThresholdRow {
  key: string;
  source: string;
  ok: boolean;
  observed: number | null;
  /** 'ms' when the metric is a time trend, so the observed value gets a unit */
  unit: 'ms' | 'ratio' | '';
  aborted: boolean;
  abortOnFail: boolean;
  /** why the verdict is not the plain comparison (no successful request, ...) */
  note: string | null;
}

export interface CheckRow {
  name: string;
  path: string;
  scenario: string | null;
  passes: number;
  fails: number;
  passRate: number | null;
  ok: boolean;
}

function unitOf(result: RunResult, key: string): ThresholdRow['unit'] {
  const base = key.replace(/\{.*$/, '');
  const m = Object.hasOwn(result.metrics, key) ? result.metrics[key] : Object.hasOwn(result.metrics, base) ? result.metrics[base] : undefined;
  if (m?.type === 'rate') return 'ratio';
  if (m?.contains === 'time') return 'ms';
  return '';
}

export function thresholdRows(result: RunResult): ThresholdRow[] {
  return result.thresholds.map((t) => ({ key: t.key, source: t.source, ok: t.ok, observed: t.observed, unit: unitOf(result, t.key), aborted: t.aborted, abortOnFail: t.abortOnFail, note: t.note ?? null }));
}

export function checkRows(result: RunResult): CheckRow[] {
  return result.checks.map((c) => {
    const total = c.passes + c.fails;
    return { name: c.name, path: c.path, scenario: c.scenario ?? null, passes: c.passes, fails: c.fails, passRate: total === 0 ? null : c.passes / total, ok: c.fails === 0 };
  });
}
