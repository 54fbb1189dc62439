// For `stampede run --dashboard`: a small client that streams a run to a dashboard server
// over the live protocol (protocol.ts). Sends are fire-and-forget; a dashboard that goes
// away never slows or fails the run (messages are dropped while the socket is not open).
import WebSocket from 'ws';
import type { RunResult, TimelinePoint } from '../../runner/result/schema.ts';
import { LIVE_PROTOCOL, type LiveSummary, type ProducerMessage, type RunStart } from './protocol.ts';

export interface LiveProducer {
  start(meta: RunStart['meta'], options: RunStart['options']): void;
  snapshot(points: TimelinePoint[], summary: LiveSummary): void;
  end(result: RunResult): Promise<void>;
  close(): void;
}

/** Connects to `ws://host:port/ws/ingest`; resolves once connected (rejects if it cannot). */
export function connectLiveProducer(ingestUrl: string, runId: string): Promise<LiveProducer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(ingestUrl);
    const send = (m: ProducerMessage): Promise<void> =>
      new Promise((done) => {
        if (ws.readyState !== WebSocket.OPEN) return done();
        ws.send(JSON.stringify(m), () => done());
      });
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => {}); // a dashboard that dies mid-run is not the run's problem
      resolve({
        start: (meta, options) => void send({ type: 'run-start', protocol: LIVE_PROTOCOL, runId, meta, options }),
        snapshot: (points, summary) => void send({ type: 'snapshot', runId, points, summary }),
        end: (result) => send({ type: 'run-end', runId, result }),
        close: () => ws.close(),
      });
    });
  });
}
