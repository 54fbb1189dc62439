// `stampede run --dashboard URL` streams to a real dashboard server: a viewer sees the counts
// rise second by second and the final result at the end.
import { spawn } from 'node:child_process';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboardServer } from '../../dashboard/server/server.ts';
import { PROJECT_ROOT, scratchDir, scenarioSource, startServer } from '../testing/fixtures.ts';

const scratch = scratchDir('live');
afterAll(() => scratch.remove());

describe('live streaming to the dashboard', () => {
  it('a viewer gets snapshots whose request counts rise, then run-end with the final result', async () => {
    const target = await startServer((_req, res) => res.end('ok'));
    const dashboard = await startDashboardServer({ port: 0, runsDir: path.join(scratch.dir, 'runs'), log: () => {} });
    const viewer = new WebSocket(dashboard.url.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws/live');
    const messages: Array<{ type: string; points?: Array<{ requests: number }>; result?: { metrics: Record<string, { values: Record<string, number> }> } }> = [];
    viewer.on('message', (d) => messages.push(JSON.parse(String(d))));
    await new Promise((r) => viewer.once('open', r));
    try {
      const file = scratch.write('live.ts', scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 100, timeUnit: '1s', duration: '5s', preAllocatedVUs: 10, maxVUs: 200 } } }));
      const code = await new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'run', file, '--quiet', '--out', path.join(scratch.dir, 'out'), '--env', `BASE=${target.url}`, '--dashboard', dashboard.url], { stdio: 'ignore' });
        child.on('close', resolve);
      });
      expect(code).toBe(0);
      await new Promise((r) => setTimeout(r, 300));
      const snapshots = messages.filter((m) => m.type === 'snapshot');
      expect(snapshots.length).toBeGreaterThanOrEqual(3);
      // seconds arrive as they close: while the run goes, a viewer already sees full seconds of load
      const perSecond = snapshots.flatMap((m) => m.points ?? []).map((p) => p.requests);
      expect(perSecond.filter((n) => n > 50).length).toBeGreaterThanOrEqual(2);
      const end = messages.find((m) => m.type === 'run-end');
      const values = (name: string) => end?.result?.metrics[name]?.values.count ?? 0;
      expect(values('http_reqs') + values('dropped_iterations')).toBe(500);
      expect(values('http_reqs')).toBeGreaterThan(450);
    } finally {
      viewer.close();
      await dashboard.close();
      await target.close();
    }
  });
});
