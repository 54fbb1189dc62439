// The dashboard server for real: HTTP on 127.0.0.1:0, a runs folder on disk, WebSockets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectLiveProducer } from '../live/producer.ts';
import { viewerMessageSchema, type ViewerMessage } from '../live/protocol.ts';
import { buildRunFixture } from '../testing/fixture.ts';
import { summaryAfter } from '../testing/live.ts';
import { startDashboardServer, type DashboardServer } from './server.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'stampede-dash-'));
const older = buildRunFixture({ durationS: 10 });
const newer = { ...buildRunFixture({ durationS: 12, stallAtS: null }), meta: { ...older.meta, scenarioName: 'newer', startTime: '2026-05-21T09:00:00.000Z' } };
let server: DashboardServer;

beforeAll(async () => {
  for (const [name, doc] of [['20260520T100000Z-old', older], ['nested/20260521T090000Z-new', newer]] as const) {
    mkdirSync(path.join(dir, name), { recursive: true });
    writeFileSync(path.join(dir, name, 'result.json'), JSON.stringify(doc));
  }
  writeFileSync(path.join(dir, 'nested', 'result.json'), '{"kind": "comparison"}'); // not a run: left out
  server = await startDashboardServer({ runsDir: dir, port: 0 });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function viewer(): Promise<{ ws: WebSocket; messages: ViewerMessage[]; next: (type: ViewerMessage['type']) => Promise<ViewerMessage> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + 'ws/live');
    const messages: ViewerMessage[] = [];
    const waiters: Array<{ type: string; resolve: (m: ViewerMessage) => void }> = [];
    ws.on('message', (d) => {
      const m = viewerMessageSchema.parse(JSON.parse(String(d)));
      messages.push(m);
      const i = waiters.findIndex((w) => w.type === m.type);
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(m);
    });
    ws.once('error', reject);
    ws.once('open', () => resolve({
      ws,
      messages,
      next: (type) => new Promise((r) => {
        const seen = messages.find((m) => m.type === type);
        if (seen) {
          messages.splice(messages.indexOf(seen), 1);
          r(seen);
        } else waiters.push({ type, resolve: r });
      }),
    }));
  });
}

describe('dashboard server', () => {
  it('serves the UI page with a CSP that allows only itself', async () => {
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root"></div>');
    expect(html).not.toContain('id="stampede-data"');
    expect(html).toMatch(/connect-src &#39;self&#39; ws:\/\/127\.0\.0\.1:\d+/);
  });

  it('lists the runs under the folder, newest first, and serves each result', async () => {
    const runs = (await (await fetch(server.url + 'api/runs')).json()) as Array<{ id: string; scenarioName: string; requests: number; ok: boolean | null }>;
    expect(runs.map((r) => r.id)).toEqual(['nested/20260521T090000Z-new', '20260520T100000Z-old']);
    expect(runs[1]!.requests).toBe(older.metrics.http_reqs!.values.count);
    expect(runs[1]!.ok).toBe(false);
    const res = await fetch(server.url + 'api/runs/' + encodeURIComponent(runs[1]!.id) + '/result.json');
    expect(((await res.json()) as typeof older).meta.durationMs).toBe(10_000);
    expect((await fetch(server.url + 'api/runs/' + encodeURIComponent('../../etc') + '/result.json')).status).toBe(404);
    expect((await fetch(server.url + 'api/runs/%2e%2e%2fx/result.json')).status).toBe(404);
  });

  it('streams a run: a late viewer gets the run so far, then every snapshot, then the end', async () => {
    const run = buildRunFixture({ durationS: 8 });
    const producer = await connectLiveProducer(server.ingestUrl, 'live-1');
    producer.start(run.meta, run.options);
    for (let s = 1; s <= 5; s++) producer.snapshot(run.timeline.slice(s - 1, s), summaryAfter(run, s));
    await new Promise((r) => setTimeout(r, 200));
    const late = await viewer();
    const state = await late.next('run-state');
    expect(state.type === 'run-state' && state.result.timeline.map((p) => p.t)).toEqual([0, 1, 2, 3, 4]);
    expect(state.type === 'run-state' && state.result.metrics.http_reqs!.values.count).toBe(run.timeline.slice(0, 5).reduce((a, p) => a + p.requests, 0));
    producer.snapshot(run.timeline.slice(5, 6), summaryAfter(run, 6));
    const snap = await late.next('snapshot');
    expect(snap.type === 'snapshot' && snap.points[0]!.t).toBe(5);
    await producer.end(run);
    const end = await late.next('run-end');
    expect(end.type === 'run-end' && end.result.timeline).toHaveLength(8);
    await late.next('runs-changed');
    producer.close();
    late.ws.close();
  });

  it('closes an ingest connection that sends an invalid message', async () => {
    const ws = new WebSocket(server.ingestUrl);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
    ws.send(JSON.stringify({ type: 'snapshot', runId: 'x', points: 'no' }));
    expect(await closed).toBe(1007);
  });
});
