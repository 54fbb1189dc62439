// A result read from disk is validated beyond its shape: histograms decode, times are ISO 8601.
import { describe, expect, it } from 'vitest';
import { buildRunFixture } from '../../dashboard/testing/fixture.ts';
import { StampedeError } from '../errors.ts';
import { validateRunResult } from './validate-run.ts';

function refusal(value: unknown): string {
  try {
    validateRunResult(value, 'r.json');
  } catch (e) {
    if (e instanceof StampedeError) {
      expect(e.exitCode).toBe(2);
      return e.message;
    }
    throw e;
  }
  return 'accepted';
}

describe('validateRunResult', () => {
  const good = buildRunFixture();
  const withHistogram = Object.entries(good.metrics).find(([, m]) => m.histogram !== undefined);

  it('accepts a valid result with its histograms', () => {
    expect(withHistogram).toBeDefined();
    expect(refusal(good)).toBe('accepted');
  });

  it('refuses a corrupted histogram, naming the metric', () => {
    const [name, m] = withHistogram!;
    const bad = structuredClone(good);
    bad.metrics[name]!.histogram = 'AAAA' + m.histogram!.slice(10);
    expect(refusal(bad)).toMatch(new RegExp(`^r\\.json: metrics\\.${name}\\.histogram: not a valid HDR histogram`));
    const cut = structuredClone(good);
    cut.metrics[name]!.histogram = m.histogram!.slice(0, Math.floor(m.histogram!.length / 2));
    expect(refusal(cut)).toContain(`metrics.${name}.histogram`);
  });

  it('refuses "yesterday" as a start time and "fast" as an average', () => {
    expect(refusal({ ...good, meta: { ...good.meta, startTime: 'yesterday' } })).toBe('r.json: meta.startTime: expected an ISO 8601 time such as "2026-01-31T10:00:00.000Z"');
    const [name] = withHistogram!;
    const bad = structuredClone(good) as unknown as { metrics: Record<string, { values: Record<string, unknown> }> };
    bad.metrics[name]!.values.avg = 'fast';
    expect(refusal(bad)).toContain(`r.json: metrics.${name}.values.avg`);
  });
});
