// --rank cost: "the cheapest configuration that meets the SLO" — among the configurations whose
// invariants held and whose thresholds passed, the lowest target CPU-seconds per 1,000 requests
// first; those failing a threshold come after however cheap; unknown cost after measured cost.
import { describe, expect, it } from 'vitest';
import type { ComparisonConfiguration, Stat } from '../result/comparison-schema.ts';
import { rankConfigurations } from './rank.ts';

const stat = (v: number): Stat => ({ median: v, min: v, max: v, n: 1 });
function cfg(id: string, s: { p99: number; thresholdsFailed: number; cost?: number }): ComparisonConfiguration {
  return {
    id,
    label: id,
    given: {},
    config: null,
    status: 'ran',
    skipReason: null,
    runs: [],
    stats: { latencyP99: stat(s.p99), thresholdsFailed: stat(s.thresholdsFailed), requestsPerSecond: stat(100), ...(s.cost !== undefined ? { targetCpuSecondsPer1000Requests: stat(s.cost) } : {}) },
    rank: null,
  };
}

describe('rankConfigurations by cost', () => {
  const configs = [
    cfg('fast-expensive', { p99: 5, thresholdsFailed: 0, cost: 3 }),
    cfg('slow-cheap', { p99: 40, thresholdsFailed: 0, cost: 1 }),
    cfg('cheapest-but-misses-slo', { p99: 900, thresholdsFailed: 1, cost: 0.5 }),
    cfg('cost-unknown', { p99: 1, thresholdsFailed: 0 }),
  ];
  const held = () => true;

  it('latency (default): lower p99 first among those meeting the thresholds', () => {
    expect(rankConfigurations(configs, held)).toEqual(['cost-unknown', 'fast-expensive', 'slow-cheap', 'cheapest-but-misses-slo']);
  });

  it('cost: the cheapest that meets the SLO first; unknown cost after measured; a missed threshold last', () => {
    expect(rankConfigurations(configs, held, 'cost')).toEqual(['slow-cheap', 'fast-expensive', 'cost-unknown', 'cheapest-but-misses-slo']);
  });

  it('cost: broken invariants still rank last', () => {
    expect(rankConfigurations(configs, (id) => id !== 'slow-cheap', 'cost')[3]).toBe('slow-cheap');
  });
});
