// The parts of an imported result that do not depend on the source format: meta (what was
// imported, from where, when), options and generator health (k6 does not report its own health).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { GeneratorHealth, RunMeta } from '../result/schema.ts';
import type { NormalisedOptions, ThresholdDef } from '../scenario/types.ts';
import { DEFAULT_HTTP_TIMEOUT_MS, DEFAULT_SUMMARY_TREND_STATS, DEFAULT_USER_AGENT } from '../scenario/options-schema.ts';
import { TOOL_VERSION } from '../version.ts';

export interface ImportMetaInput {
  from: 'k6-summary' | 'k6-json';
  files: string[];
  histograms: boolean;
  /** a name for the run: k6-operator's testrun_name tag, else the first file's basename */
  name: string;
  startMs: number;
  endMs: number;
}

export async function importedMeta(input: ImportMetaInput): Promise<RunMeta> {
  const hash = createHash('sha256');
  for (const f of input.files) hash.update(await readFile(f));
  return {
    tool: { name: 'stampede', version: TOOL_VERSION },
    // the generator was k6, not this process: its node/platform/cpus are unknown
    node: 'n/a (k6)',
    platform: 'n/a (k6)',
    cpus: 0,
    cpuModel: 'unknown (k6 import)',
    scenarioFile: input.files[0] ?? '',
    scenarioName: input.name,
    scenarioHash: hash.digest('hex'),
    startTime: new Date(input.startMs).toISOString(),
    endTime: new Date(input.endMs).toISOString(),
    durationMs: Math.max(0, Math.round(input.endMs - input.startMs)),
    env: {},
    target: null,
    targetConfig: null,
    imported: { from: input.from, files: input.files.map((f) => path.resolve(f)), histograms: input.histograms },
  };
}

/** Options of an imported run: k6's executors are not in its outputs, only the thresholds. */
export function importedOptions(thresholds: ThresholdDef[]): NormalisedOptions {
  return {
    scenarios: [],
    thresholds,
    tags: {},
    setupTimeoutMs: 60_000,
    teardownTimeoutMs: 60_000,
    noConnectionReuse: false,
    discardResponseBodies: false,
    insecureSkipTLSVerify: false,
    maxRedirects: 10,
    userAgent: DEFAULT_USER_AGENT,
    httpTimeoutMs: DEFAULT_HTTP_TIMEOUT_MS,
    summaryTrendStats: DEFAULT_SUMMARY_TREND_STATS,
  };
}

/** k6 reports nothing about its own event loop or CPU: zeros, never "saturated". */
export function unknownGeneratorHealth(runners: number): GeneratorHealth {
  return {
    eventLoopLag: { p50: 0, p99: 0, max: 0 },
    cpu: { mean: 0, max: 0 },
    sendLag: null,
    achievedRatio: null,
    saturated: false,
    reasons: [],
    threads: Math.max(1, runners),
  };
}

export function runNameOf(files: string[], testRunNames: Set<string>): string {
  if (testRunNames.size === 1) return [...testRunNames][0] ?? 'k6';
  const first = files[0] ?? 'k6';
  return path.basename(first).replace(/(\.json|\.ndjson|\.jsonl)?(\.gz)?$/, '') || 'k6';
}
