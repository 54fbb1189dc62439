// A comparison goes into the history as itself and as each of its runs (real runs with their
// own result.json, so they show in a scenario's history and can be diffed like any other).
import path from 'node:path';
import type { Comparison } from '../result/comparison-schema.ts';
import { readRunResult } from '../result/io.ts';
import type { HistoryRecorder } from './recorder.ts';

export async function recordComparisonRuns(history: HistoryRecorder, comparison: Comparison, comparisonFile: string): Promise<void> {
  const dir = path.dirname(comparisonFile);
  for (const cfg of comparison.configurations) {
    for (const r of cfg.runs) {
      if (!r.resultFile) continue;
      const file = path.join(dir, r.resultFile);
      const result = await readRunResult(file).catch(() => null);
      if (result) await history.recordRun(result, file);
    }
  }
  await history.recordComparison(comparison, comparisonFile);
}
