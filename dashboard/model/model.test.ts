import { describe, expect, it } from 'vitest';
import { StampedeError } from '../../runner/errors.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { parseRunResult } from './document.ts';
import { decodeEnvelope, encodeEnvelope, jsonForScriptTag } from './embedded.ts';
import { decodeHistogram } from './histogram.ts';

const run = buildRunFixture();

describe('model', () => {
  it('validates documents with the runner schema and names the bad field', () => {
    expect(parseRunResult(JSON.parse(JSON.stringify(run)), 'r.json').meta.scenarioName).toBe('flash-sale');
    const bad = { ...run, timeline: [{ ...run.timeline[0], requests: 'many' }] };
    expect(() => parseRunResult(bad, 'r.json')).toThrow(StampedeError);
    expect(() => parseRunResult(bad, 'r.json')).toThrow(/r\.json: timeline\[0\]\.requests/);
  });

  it('round-trips a document through the gzip+base64 envelope, much smaller than the JSON', async () => {
    const env = await encodeEnvelope('run', run);
    expect(env.data).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(env.data.length).toBeLessThan(JSON.stringify(run).length / 2);
    expect(await decodeEnvelope(env)).toEqual(JSON.parse(JSON.stringify(run)));
  });

  it('escapes what could end a script element', () => {
    const s = jsonForScriptTag({ x: '</script><script>alert(1)</script> & <!-- \u2028\u2029' });
    expect(s).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(s)).toEqual({ x: '</script><script>alert(1)</script> & <!-- \u2028\u2029' });
  });

  it('decodes an HDR histogram into a spectrum whose p50 matches the summary', () => {
    const h = decodeHistogram(run.metrics.http_req_duration!.histogram!);
    expect(h.totalCount).toBe(run.metrics.http_req_duration!.values.count);
    expect(h.spectrum.map((p) => p.oneIn).filter((x) => [2, 10, 100, 1000, 100000].includes(x))).toEqual([2, 10, 100, 1000, 100000]);
    expect(h.spectrum.find((p) => p.oneIn === 2)!.valueMs).toBeCloseTo(run.metrics.http_req_duration!.values['p(50)']!, 2);
    expect(h.maxMs).toBeCloseTo(run.metrics.http_req_duration!.values.max!, 0);
  });
});
