// The dashboard server: the built UI, the runs under reports/out/, and the live protocol
// (../live/protocol.ts) on two WebSocket paths: /ws/ingest for a running `stampede run`,
// /ws/live for browsers. Runs in progress are held in memory so a late viewer gets the
// whole run so far. Binds 127.0.0.1 by default: it is a local tool.
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { ensureUiBundle } from '../../reports/bundle.ts';
import { renderHtml } from '../../reports/html.ts';
import { applyEnd, applySnapshot, emptyRun, producerMessageSchema, type LiveRun, type ViewerMessage } from '../live/protocol.ts';
import { listRuns, runDir } from './runs.ts';
import { capacityDir, listCapacityStudies } from './capacity-runs.ts';
import { comparisonDir, listComparisons } from './comparisons.ts';
import { loadComparisonReport } from '../../reports/comparison.ts';
import { scenarioHistory, type HistorySource } from './history.ts';

export interface DashboardServer {
  url: string;
  ingestUrl: string;
  close(): Promise<void>;
}

export interface DashboardOptions {
  port?: number;
  host?: string;
  runsDir: string;
  /** the run history, read-only (null or absent: the history pages say there is none) */
  history?: HistorySource | null;
  log?: (line: string) => void;
}

const MAX_MESSAGE = 64 * 1024 * 1024;

export async function startDashboardServer(opts: DashboardOptions): Promise<DashboardServer> {
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const bundle = await ensureUiBundle();
  const live = new Map<string, LiveRun>();
  const viewers = new Set<WebSocket>();
  let pageHtml = '';

  const broadcast = (m: ViewerMessage) => {
    const text = JSON.stringify(m);
    for (const v of viewers) if (v.readyState === v.OPEN) v.send(text);
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const handle = async () => {
      if (req.method !== 'GET') return json(res, 405, { error: 'GET only' });
      if (url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return res.end(pageHtml);
      }
      if (url.pathname === '/api/runs') return json(res, 200, await listRuns(opts.runsDir));
      if (url.pathname === '/api/history') return json(res, 200, { where: opts.history?.where ?? null, scenarios: opts.history ? await opts.history.scenarios() : [] });
      const hm = /^\/api\/history\/(.+)$/.exec(url.pathname);
      if (hm) {
        const scenario = decodeURIComponent(hm[1]!);
        if (!opts.history) return json(res, 404, { error: 'no run history' });
        return json(res, 200, await scenarioHistory(opts.history, opts.runsDir, scenario));
      }
      if (url.pathname === '/api/comparisons') return json(res, 200, await listComparisons(opts.runsDir));
      const cm = /^\/api\/comparisons\/(.+)\/(page\.json|comparison\.json|comparison\.html)$/.exec(url.pathname);
      if (cm) {
        const dir = await comparisonDir(opts.runsDir, decodeURIComponent(cm[1]!));
        if (!dir) return json(res, 404, { error: 'no such comparison' });
        // page.json: the comparison with its runs' timelines, as comparison.html embeds it
        if (cm[2] === 'page.json') return json(res, 200, await loadComparisonReport(path.join(dir, 'comparison.json')));
        const stream = createReadStream(path.join(dir, cm[2]!));
        stream.once('error', () => json(res, 404, { error: `${cm[2]} not found` }));
        stream.once('open', () => {
          res.writeHead(200, { 'content-type': cm[2] === 'comparison.json' ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8', 'cache-control': 'no-store' });
          stream.pipe(res);
        });
        return;
      }
      if (url.pathname === '/api/capacity') return json(res, 200, await listCapacityStudies(opts.runsDir));
      const m =
        /^\/api\/runs\/(.+)\/(result\.json|report\.html)$/.exec(url.pathname) ?? /^\/api\/capacity\/(.+)\/(capacity\.json|capacity\.html)$/.exec(url.pathname);
      if (m) {
        const study = m[2]!.startsWith('capacity');
        const dir = study ? await capacityDir(opts.runsDir, decodeURIComponent(m[1]!)) : await runDir(opts.runsDir, decodeURIComponent(m[1]!));
        if (!dir) return json(res, 404, { error: study ? 'no such capacity study' : 'no such run' });
        const type = m[2]!.endsWith('.json') ? 'application/json; charset=utf-8' : 'text/html; charset=utf-8';
        const stream = createReadStream(path.join(dir, m[2]!));
        stream.once('error', () => json(res, 404, { error: `${m[2]} not found` }));
        stream.once('open', () => {
          res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
          stream.pipe(res);
        });
        return;
      }
      json(res, 404, { error: 'not found' });
    };
    handle().catch((e: unknown) => json(res, 500, { error: e instanceof Error ? e.message : String(e) }));
  });

  const ingest = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  const viewerWss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const p = new URL(req.url ?? '/', 'http://localhost').pathname;
    const wss = p === '/ws/ingest' ? ingest : p === '/ws/live' ? viewerWss : null;
    if (!wss) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  ingest.on('connection', (ws) => {
    ws.on('message', (data) => {
      let parsed;
      try {
        parsed = producerMessageSchema.safeParse(JSON.parse(String(data)));
      } catch {
        return ws.close(1007, 'not JSON');
      }
      if (!parsed.success) {
        log(`dashboard: ignored an invalid live message: ${parsed.error.issues[0]?.message ?? ''}`);
        return ws.close(1007, 'invalid message');
      }
      const msg = parsed.data;
      if (msg.type === 'run-start') {
        const run = emptyRun(msg);
        live.set(msg.runId, run);
        broadcast({ type: 'run-state', runId: msg.runId, result: run.result });
      } else if (msg.type === 'snapshot') {
        const run = live.get(msg.runId);
        if (!run) return;
        live.set(msg.runId, applySnapshot(run, msg));
        broadcast(msg);
      } else {
        const run = live.get(msg.runId);
        live.set(msg.runId, applyEnd(run ?? { runId: msg.runId, ended: true, result: msg.result }, msg.result));
        broadcast(msg);
        broadcast({ type: 'runs-changed' });
      }
    });
  });

  viewerWss.on('connection', (ws) => {
    viewers.add(ws);
    ws.on('close', () => viewers.delete(ws));
    ws.on('error', () => viewers.delete(ws));
    for (const run of live.values()) {
      ws.send(JSON.stringify(run.ended ? { type: 'run-end', runId: run.runId, result: run.result } : { type: 'run-state', runId: run.runId, result: run.result }));
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  pageHtml = renderHtml({ title: 'Stampede dashboard', bundle, connectSrc: ["'self'", `ws://${origin}`, `ws://localhost:${port}`] });
  return {
    url: `http://${origin}/`,
    ingestUrl: `ws://${origin}/ws/ingest`,
    close: async () => {
      for (const c of [...ingest.clients, ...viewerWss.clients]) c.terminate();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await closed;
    },
  };
}
