// The capacity summary a person reads, and the peak's unit: no placeholder in any answer, and a
// peak given in requests/s converted with the measured requests per iteration.
import { describe, expect, it } from 'vitest';
import { capacityFull } from '../../dashboard/testing/capacity-fixture.ts';
import { formatCapacitySummary, formatProbeLine } from './capacity-format.ts';
import { peakSection } from './run-capacity.ts';
import type { NormalisedScenario } from '../scenario/types.ts';

const constant = { executor: 'constant-arrival-rate', name: 's', exec: 'default', rate: 10, timeUnitMs: 1000, durationMs: 10_000 } as unknown as NormalisedScenario;

describe('the peak and its unit', () => {
  it('a peak in iterations/s is used as given', () => {
    const p = peakSection({ peak: 3000, headroom: 0.7, hpa: {} }, 50, 6, constant, []);
    expect(p.peak).toBe(3000);
    expect(p.given).toEqual({ value: 3000, unit: 'iterations/s' });
    expect(p.instances).toBe(Math.ceil(3000 / (50 * 0.7)));
    expect(p.instancesFormula).toBe('⌈3000 / (50 × 0.7)⌉ = 86');
  });

  it('a peak in requests/s is converted with the measured requests per iteration', () => {
    const p = peakSection({ peak: 18_000, unit: 'requests/s', headroom: 0.7, hpa: {} }, 50, 6, constant, []);
    expect(p.peak).toBe(3000);
    expect(p.given).toEqual({ value: 18_000, unit: 'requests/s' });
    expect(p.instances).toBe(86);
    expect(p.instancesFormula).toBe('18000 requests/s ÷ 6 requests per iteration = 3000 iterations/s; ⌈3000 / (50 × 0.7)⌉ = 86');
    // the HPA simulation runs in the same unit as the MST
    expect(p.hpa!.profile.stages.at(-1)!.target).toBe(3000);
  });

  it('without an MST, or without requests per iteration to convert, there is no count and it says why', () => {
    expect(peakSection({ peak: 3000, headroom: 0.7, hpa: {} }, null, null, constant, [])).toMatchObject({ instances: null, hpa: null, instancesFormula: expect.stringMatching(/^no MST/) });
    expect(peakSection({ peak: 3000, unit: 'requests/s', headroom: 0.7, hpa: {} }, 50, null, constant, [])).toMatchObject({ instances: null, instancesFormula: expect.stringMatching(/no passing probe measured requests per iteration/) });
  });
});

describe('the summary', () => {
  it('states the MST in iterations/s with the requests/s it causes', () => {
    const doc = capacityFull();
    doc.answer = { ...doc.answer!, requestsPerIteration: 6, mstRequestsPerSecond: 6000 };
    const text = formatCapacitySummary(doc);
    expect(text).toMatch(/MST ≥ 1000 iterations\/s \(6000 requests\/s at 6 requests per iteration\)/);
    expect(text).toMatch(/it\/s += offered iterations \(journeys\) per second, req\/s = requests per second completed/);
    expect(text).not.toMatch(/\?|undefined|NaN/);
  });

  it('a search the generator limited before anything passed says so, without a placeholder', () => {
    const doc = capacityFull();
    doc.answer = { ...doc.answer!, status: 'generator-limited', mst: null, lowerBound: null, upperBound: null, generatorLimit: 50, precision: null, requestsPerIteration: null, mstRequestsPerSecond: null };
    doc.peak = null;
    const text = formatCapacitySummary(doc);
    expect(text).toMatch(/No MST: the load generator was the limit before any rate passed\./);
    expect(text).not.toMatch(/\?|undefined|NaN|null/);
    for (const p of doc.probes) expect(formatProbeLine(p, 12)).not.toMatch(/\?|undefined|NaN/);
  });
});
