// An engine thread in a worker: imports the scenario module the main thread loaded for its
// journeys (functions cannot cross threads), runs the segment the run plan gave it, and posts
// one encoded snapshot per second to the main thread.
import { parentPort, workerData } from 'node:worker_threads';
import { importJourneys } from '../scenario/load.ts';
import { encodeSnapshot } from '../recorder/interval.ts';
import { ThreadEngine } from './thread-engine.ts';
import { startTicker } from './ticker.ts';
import { needsWarmUp, warmUpEngine } from './warm-up.ts';
import { catchStrayErrors } from './stray-errors.ts';
import type { WorkerInit, WorkerMessage, MainMessage } from './worker-protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const post = (m: WorkerMessage) => port.postMessage(m);

const journeys = await importJourneys(init);
let engine: ThreadEngine | undefined;
let stopRequested = false;
port.on('message', (m: MainMessage) => {
  if (m.type === 'stop') {
    stopRequested = true;
    engine?.stop();
  } else if (m.type === 'start') void run(m.runStartUs);
});
// the engine's code warmed before the start (warm-up.ts), snapshot encoding with it
if (needsWarmUp(init.options)) await warmUpEngine(init.options, (snap) => void encodeSnapshot(snap));
post({ type: 'ready' });

async function run(runStartUs: number): Promise<void> {
  // from here this thread runs journeys: an error their code throws where nothing awaits it is counted
  catchStrayErrors((message) => post({ type: 'journey-error', message }));
  const e = new ThreadEngine({
    journeys,
    options: init.options,
    scenarios: init.scenarios,
    env: init.env,
    setupData: init.setupData,
    runStartUs,
    segment: init.segment,
    iterationCounters: init.iterationCounters,
    onJourneyError: (message) => post({ type: 'journey-error', message }),
    onNote: (message) => post({ type: 'note', message }),
  });
  engine = e;
  if (stopRequested) e.stop();
  const stopTicker = startTicker(runStartUs, (t) => post({ type: 'snapshot', snapshot: encodeSnapshot(e.recorder.snapshot(t)) }));
  try {
    await e.run();
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
  const next = stopTicker();
  post({ type: 'done', last: encodeSnapshot(e.recorder.snapshot(next)) });
  e.close();
  port!.close();
}
