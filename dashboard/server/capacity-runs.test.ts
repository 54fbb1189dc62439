// The dashboard server lists capacity studies beside the runs and serves their files, for real
// (HTTP on 127.0.0.1:0, documents on disk).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityFull, capacitySweep, capacitySync } from '../testing/capacity-fixture.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { startDashboardServer, type DashboardServer } from './server.ts';
import type { CapacityEntry } from './capacity-runs.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-dash-capacity-'));
const full = capacityFull();
const sync = capacitySync();
const sweep = capacitySweep();
let server: DashboardServer;

beforeAll(async () => {
  const docs: Array<[string, string, unknown]> = [
    ['20261125T110000Z-async-capacity', 'capacity.json', full],
    ['nested/20261125T110500Z-sync-capacity', 'capacity.json', sync],
    ['20261125T110800Z-sweep', 'capacity.json', sweep],
    ['20261125T120000Z-run', 'result.json', buildRunFixture({ durationS: 5 })],
    ['broken', 'capacity.json', { kind: 'capacity', meta: {} }],
  ];
  for (const [d, f, doc] of docs) {
    mkdirSync(path.join(dir, d), { recursive: true });
    writeFileSync(path.join(dir, d, f), JSON.stringify(doc));
  }
  writeFileSync(path.join(dir, '20261125T110000Z-async-capacity', 'capacity.html'), '<!doctype html><title>x</title>');
  server = await startDashboardServer({ runsDir: dir, port: 0 });
}, 120_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('capacity studies on the dashboard server', () => {
  it('lists every readable capacity.json, newest first, with what the list shows', async () => {
    const res = await fetch(`${server.url}api/capacity`);
    expect(res.status).toBe(200);
    const list = (await res.json()) as CapacityEntry[];
    // by the documents' start times (sweep 11:08, sync 11:06, async 11:03), not by folder name or depth
    expect(list.map((e) => e.id)).toEqual(['20261125T110800Z-sweep', 'nested/20261125T110500Z-sync-capacity', '20261125T110000Z-async-capacity']);
    const a = list.find((e) => e.id === '20261125T110000Z-async-capacity')!;
    expect(a).toEqual({
      id: '20261125T110000Z-async-capacity',
      scenarioName: 'product-read',
      startTime: full.meta.startTime,
      status: 'max-probes',
      mst: 1000,
      slo: 'p(99)<200',
      probes: 12,
      instances: 5,
      sweep: 'vus',
      peakConcurrency: full.sweep!.usl!.peakConcurrency,
      hasHtml: true,
    });
    const s = list.find((e) => e.id === '20261125T110800Z-sweep')!;
    expect(s).toMatchObject({ status: null, mst: null, slo: '', probes: 0, sweep: 'vus', hasHtml: false });
    // runs stay in /api/runs only
    const runs = (await (await fetch(`${server.url}api/runs`)).json()) as Array<{ id: string }>;
    expect(runs.map((r) => r.id)).toEqual(['20261125T120000Z-run']);
  });

  it('serves a listed study’s capacity.json and capacity.html; anything else is 404', async () => {
    const doc = await fetch(`${server.url}api/capacity/${encodeURIComponent('nested/20261125T110500Z-sync-capacity')}/capacity.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { answer: { mst: number } }).answer.mst).toBe(500);
    const html = await fetch(`${server.url}api/capacity/20261125T110000Z-async-capacity/capacity.html`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect((await fetch(`${server.url}api/capacity/20261125T110800Z-sweep/capacity.html`)).status).toBe(404);
    expect((await fetch(`${server.url}api/capacity/broken/capacity.json`)).status).toBe(404);
    expect((await fetch(`${server.url}api/capacity/${encodeURIComponent('../../etc')}/capacity.json`)).status).toBe(404);
    expect((await fetch(`${server.url}api/capacity/20261125T120000Z-run/capacity.json`)).status).toBe(404);
  });
});
