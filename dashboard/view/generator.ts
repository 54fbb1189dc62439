// Generator health: whether the load generator kept up. A saturated generator is the first
// thing a reader must see, because it means the numbers understate what the target can do
// (or blame it for the generator's lag).
import type { RunResult } from '../../runner/result/schema.ts';

export interface GeneratorBanner {
  title: string;
  body: string;
  reasons: string[];
}

export function generatorBanner(result: RunResult): GeneratorBanner | null {
  const g = result.generator;
  if (!g.saturated) return null;
  return {
    title: 'Load generator saturated',
    body: 'The generator fell behind its schedule during this run. Latency and throughput below may reflect the generator, not the target.',
    reasons: g.reasons.length > 0 ? g.reasons : ['the runner marked the generator as saturated without a reason'],
  };
}

export interface GeneratorStat {
  label: string;
  value: string;
}

export function generatorStats(result: RunResult): GeneratorStat[] {
  const g = result.generator;
  const stats: GeneratorStat[] = [
    { label: 'event-loop lag p50 / p99 / max', value: `${g.eventLoopLag.p50} / ${g.eventLoopLag.p99} / ${g.eventLoopLag.max} ms` },
    { label: 'CPU (% of one core) mean / max', value: `${g.cpu.mean.toFixed(1)} / ${g.cpu.max.toFixed(1)} %` },
    { label: 'threads', value: String(g.threads) },
  ];
  if (g.sendLag) stats.push({ label: 'send lag (send − intended start) p50 / p99 / max', value: `${g.sendLag.p50} / ${g.sendLag.p99} / ${g.sendLag.max} ms` });
  if (g.achievedRatio !== null) stats.push({ label: 'started ÷ scheduled iterations', value: `${(g.achievedRatio * 100).toFixed(1)} %` });
  return stats;
}
