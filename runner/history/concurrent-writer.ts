// A writer process for the store's concurrency test: opens the history named by argv and records
// `count` runs as fast as it can, as several `stampede run`s finishing at once would.
import { historyLocation, openHistory } from './open.ts';
import type { HistoryEntry } from './store.ts';

const [setting, countText, tag] = process.argv.slice(2);
const store = await openHistory(historyLocation(setting, process.cwd()));
for (let i = 0; i < Number(countText); i++) {
  const entry: HistoryEntry = {
    kind: 'run',
    startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
    resultPath: `/virtual/${tag}/${i}/result.json`,
    verdict: 'passed',
    durationMs: 1000,
    identity: { scenarioName: 'concurrent', scenarioFile: 'concurrent.ts', scenarioHash: null, target: 'http://x', targetConfig: null, command: null, gitCommit: null, gitBranch: null, machine: 'test' },
    figures: [
      { metric: 'http_req_latency', tags: '', stat: 'p(99)', value: i },
      { metric: 'http_reqs', tags: '', stat: 'rate', value: 100 },
    ],
  };
  await store.record(entry);
}
await store.close();
