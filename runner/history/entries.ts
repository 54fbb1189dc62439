// What the history keeps of each kind of document: its identity, a verdict, and summary
// figures per metric and tag set (the histograms stay in the document).
import path from 'node:path';
import type { RunResult } from '../result/schema.ts';
import type { Comparison } from '../result/comparison-schema.ts';
import type { CapacityDocument } from '../result/capacity-schema.ts';
import { machineName, targetKey, type GitIdentity } from './identity.ts';
import type { Figure, HistoryEntry } from './store.ts';

/** What the recording process knows that the document does not. */
export interface RecordContext {
  git: GitIdentity;
  /** the command line, when recorded as it ran; null on import */
  command: string | null;
}

/** Canonical tag-set key: sorted JSON, '' for no tags. */
export function tagsKey(tags: Record<string, string>): string {
  const keys = Object.keys(tags).sort();
  if (keys.length === 0) return '';
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, tags[k]])));
}

/** 'http_req_latency{scenario:sale,name:x}' → metric and tags (k6 sub-metric syntax). */
export function splitMetricKey(key: string): { metric: string; tags: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0 || !key.endsWith('}')) return { metric: key, tags: {} };
  const tags: Record<string, string> = {};
  for (const part of key.slice(open + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) tags[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return { metric: key.slice(0, open), tags };
}

function valuesToFigures(metric: string, tags: string, values: Record<string, number>): Figure[] {
  return Object.entries(values)
    .filter(([, v]) => Number.isFinite(v))
    .map(([stat, value]) => ({ metric, tags, stat, value }));
}

export function runVerdict(r: RunResult): 'passed' | 'failed' | 'partial' {
  if (r.thresholds.some((t) => !t.ok)) return 'failed';
  if (r.partial) return 'partial';
  return 'passed';
}

export function runEntry(result: RunResult, file: string, ctx: RecordContext): HistoryEntry {
  const figures: Figure[] = [];
  for (const [key, m] of Object.entries(result.metrics)) {
    const { metric, tags } = splitMetricKey(key);
    figures.push(...valuesToFigures(metric, tagsKey(tags), m.values));
  }
  for (const t of result.tagged) figures.push(...valuesToFigures(t.metric, tagsKey(t.tags), t.values));
  const m = result.meta;
  return {
    kind: 'run',
    startedAt: m.startTime,
    resultPath: path.resolve(file),
    verdict: runVerdict(result),
    durationMs: m.durationMs,
    identity: {
      scenarioName: m.scenarioName,
      scenarioFile: m.scenarioFile,
      scenarioHash: m.scenarioHash,
      target: targetKey(m.target, m.targetConfig, m.env),
      targetConfig: m.targetConfig,
      command: ctx.command,
      gitCommit: ctx.git.commit,
      gitBranch: ctx.git.branch,
      machine: machineName(m.cpus, m.cpuModel),
    },
    figures,
  };
}

export function comparisonEntry(doc: Comparison, file: string, ctx: RecordContext): HistoryEntry {
  const figures: Figure[] = [];
  for (const c of doc.configurations) {
    for (const [column, stat] of Object.entries(c.stats ?? {})) {
      if (!stat) continue;
      const tags = tagsKey({ configuration: c.label });
      figures.push({ metric: column, tags, stat: 'median', value: stat.median }, { metric: column, tags, stat: 'min', value: stat.min }, { metric: column, tags, stat: 'max', value: stat.max });
    }
    if (c.rank !== null) figures.push({ metric: 'rank', tags: tagsKey({ configuration: c.label }), stat: 'value', value: c.rank });
  }
  const m = doc.meta;
  return {
    kind: 'compare',
    startedAt: m.startTime,
    resultPath: path.resolve(file),
    verdict: m.partial ? 'partial' : 'done',
    durationMs: Date.parse(m.endTime) - Date.parse(m.startTime),
    identity: { scenarioName: m.scenarioName, scenarioFile: m.scenarioFile, scenarioHash: null, target: `matrix:${m.matrix}`, targetConfig: null, command: ctx.command, gitCommit: ctx.git.commit, gitBranch: ctx.git.branch, machine: machineName(m.cpus, m.cpuModel) },
    figures,
  };
}

export function capacityEntry(doc: CapacityDocument, file: string, ctx: RecordContext): HistoryEntry {
  const figures: Figure[] = [];
  const a = doc.answer;
  if (a) for (const [stat, v] of [['mst', a.mst], ['lowerBound', a.lowerBound], ['upperBound', a.upperBound], ['generatorLimit', a.generatorLimit], ['probes', a.probes]] as const) if (typeof v === 'number') figures.push({ metric: 'capacity', tags: '', stat, value: v });
  if (doc.peak?.instances != null) figures.push({ metric: 'capacity', tags: '', stat: 'instances', value: doc.peak.instances });
  const m = doc.meta;
  return {
    kind: 'capacity',
    startedAt: m.startTime,
    resultPath: path.resolve(file),
    verdict: a?.status ?? 'sweep',
    durationMs: Date.parse(m.endTime) - Date.parse(m.startTime),
    identity: { scenarioName: m.scenarioName, scenarioFile: m.scenarioFile, scenarioHash: null, target: m.target, targetConfig: null, command: ctx.command, gitCommit: ctx.git.commit, gitBranch: ctx.git.branch, machine: machineName(m.cpus, m.cpuModel) },
    figures,
  };
}
