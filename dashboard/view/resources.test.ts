// The resources view model from a result whose server.resources were measured for real: the
// runner's /proc sampler watching two real processes (a parent that works and a child it
// started), put into a fixture run. The view must draw exactly what the result recorded.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunResult } from '../../runner/result/schema.ts';
import { procAvailable } from '../../runner/orchestrate/proc-reader.ts';
import { startResourceSampler } from '../../runner/orchestrate/resource-sampler.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { buildRunView } from './run.ts';
import { resourcesView, RESOURCE_SERIES } from './resources.ts';

// about 40 % of a core each, for ~4 s: enough ticks to be seen, little enough for a shared machine
const WORKER = 'const end = Date.now() + 4500; const t = setInterval(() => { const s = Date.now(); while (Date.now() - s < 40); if (Date.now() > end) clearInterval(t); }, 100);';
const PARENT = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(WORKER)}], { stdio: 'ignore' }); ${WORKER}`;

describe.skipIf(!procAvailable())('resourcesView', () => {
  let result: RunResult;
  let parent: ChildProcess;
  beforeAll(async () => {
    parent = spawn(process.execPath, ['-e', PARENT], { stdio: 'ignore' });
    await new Promise((r) => parent.once('spawn', r));
    const runStart = Date.now();
    const sampler = startResourceSampler(() => [parent.pid!]);
    await new Promise((r) => setTimeout(r, 3600));
    const { resources, series } = sampler.stop(runStart);
    const fixture = buildRunFixture({ durationS: 4, stallAtS: null, serverSeries: 2 });
    result = { ...fixture, server: { url: 'http://127.0.0.1:1', series: { ...(fixture.server?.series ?? {}), ...series }, resources } };
  }, 20_000);
  afterAll(() => {
    parent?.kill('SIGKILL');
  });

  it('draws the recorded CPU in cores: the total, each process, the generator a second later', () => {
    const res = result.server!.resources!;
    expect(res.processes.length).toBe(2);
    expect(res.cpuSeconds).toBeGreaterThan(0.3);
    const v = resourcesView(result)!;
    expect(v.cpu.lines.map((l) => l.kind)).toEqual(['total', 'process', 'process', 'generator']);
    const total = result.server!.series.target_cpu_percent!;
    expect(total.length).toBeGreaterThanOrEqual(3);
    for (const [t, pct] of total) expect(v.cpu.points.find((p) => p.t === t)?.target).toBeCloseTo(pct / 100, 3);
    // the busiest process first, with its own recorded series
    const busiest = [...res.processes].sort((a, b) => b.cpuSeconds - a.cpuSeconds)[0]!;
    expect(v.cpu.lines[1]!.name).toBe(`${busiest.comm} (pid ${busiest.pid})`);
    for (const [t, pct] of busiest.cpuPercent) expect(v.cpu.points.find((p) => p.t === t)?.p0).toBeCloseTo(pct / 100, 3);
    for (const p of result.timeline) expect(v.cpu.points.find((x) => x.t === p.t + 1)?.generator).toBeCloseTo(p.generatorCpuPercent / 100, 3);
    // each worker used a good part of a core: the peak is no flat line at zero
    expect(Math.max(...v.cpu.points.map((p) => p.target ?? 0))).toBeGreaterThan(0.2);
    expect(v.cpu.max).toBeGreaterThanOrEqual(Math.max(...v.cpu.points.map((p) => p.target ?? 0)));
  });

  it('draws RSS and fds as recorded, and says how the machine was shared', () => {
    const v = resourcesView(result)!;
    expect(v.rss.points).toEqual(result.server!.series.target_rss_mb!.map(([t, x]) => ({ t, v: x })));
    expect(v.rss.max).toBeGreaterThan(20); // two Node processes
    expect(v.fds.points.length).toBe(result.server!.series.target_fds!.length);
    expect(v.fds.max).toBeGreaterThan(3);
    const m = result.server!.resources!.machine;
    if (m) expect(v.machine).toContain(`${m.cpus} cores`);
    expect(v.sharedCores !== null).toBe(m?.sharedCores ?? false);
  });

  it('keeps at most maxPoints points, each the maximum of its bucket', () => {
    const v = resourcesView(result, 2)!;
    expect(v.bucketS).toBeGreaterThan(1);
    expect(v.cpu.points.length).toBeLessThanOrEqual(3);
    const all = resourcesView(result)!;
    expect(Math.max(...v.cpu.points.map((p) => p.target ?? 0))).toBe(Math.max(...all.cpu.points.map((p) => p.target ?? 0)));
  });

  it('the run view: derived figures in the summary, the /proc series out of the scraped charts', () => {
    const view = buildRunView(result);
    const requests = result.metrics.http_reqs!.values.count!;
    const res = result.server!.resources!;
    const stat = (id: string) => view.summary.stats.find((s) => s.id === id);
    expect(stat('target-cpu-per-1k')?.raw).toBeCloseTo((res.cpuSeconds / requests) * 1000, 3);
    expect(stat('target-req-per-core')?.raw).toBeCloseTo(requests / res.cpuSeconds, 0);
    expect(stat('target-peak-rss')?.raw).toBe(res.peakRssMb);
    expect(view.server?.charts.some((c) => RESOURCE_SERIES.has(c.name))).toBe(false);
    expect(view.server?.charts.length).toBe(Object.keys(result.server!.series).filter((n) => !RESOURCE_SERIES.has(n)).length);
    expect(view.server?.scraped).toBe(true);
    // without resources, nothing of it
    const plain = buildRunFixture({ durationS: 4, stallAtS: null });
    expect(resourcesView(plain)).toBeNull();
    expect(buildRunView(plain).summary.stats.some((s) => s.id.startsWith('target-'))).toBe(false);
  });
});
