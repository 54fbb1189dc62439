// `stampede dashboard [--port N]`: serves the UI, the runs under reports/out/, and the live
// stream of runs started with `--dashboard` (protocol: dashboard/live/protocol.ts).
import path from 'node:path';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DASHBOARD_ANNOUNCE_FILE } from '../run/live.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { listenOrRefuse } from './flag-values.ts';
import { numberFlag, parseCommandArgs } from './args.ts';

const USAGE = `usage: stampede dashboard [--port N] [--runs DIR]

Serves the dashboard on http://127.0.0.1:N/ (default: a free port): every result under
--runs DIR (default reports/out), newest first, and runs in progress, streamed live.
Stop with Ctrl-C.`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('dashboard', argv, { port: { type: 'string', short: 'p' }, runs: { type: 'string' } }, USAGE);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const port = numberFlag('dashboard', 'port', args.values.port, { min: 0, max: 65535, integer: true }) ?? 0;
  const runsDir = path.resolve(args.values.runs ?? path.join('reports', 'out'));
  // a folder that is not one is the user's typo: say so instead of serving an empty list
  if (args.values.runs !== undefined && (args.values.runs.trim() === '' || (existsSync(runsDir) && !statSync(runsDir).isDirectory()))) {
    throw new StampedeError('STAMPEDE_E_USAGE', `stampede dashboard: --runs ${JSON.stringify(args.values.runs)}: expected a folder of runs (such as reports/out)${args.values.runs.trim() === '' ? ', got an empty string' : ', but it is a file'}`);
  }
  const { startDashboardServer } = await import('../../dashboard/server/server.ts');
  // the history page reads the run history (read-only; a damaged or foreign store is exit 2 here)
  const { openHistoryReader } = await import('../history/reader.ts');
  const { historyLocation } = await import('../history/open.ts');
  const history = await openHistoryReader(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
  const server = await listenOrRefuse('dashboard', 'port', `127.0.0.1:${port}`, () => startDashboardServer({ port, runsDir, history, log: (l) => process.stderr.write(l + '\n') })).catch(async (e: unknown) => {
    await history.close();
    throw e;
  });
  process.stdout.write(`dashboard: ${server.url}\nlive ingest: ${server.ingestUrl}\nruns: ${runsDir}\n`);
  // announce ourselves so that `stampede run` in this folder streams here without a flag
  mkdirSync(path.dirname(DASHBOARD_ANNOUNCE_FILE), { recursive: true });
  writeFileSync(DASHBOARD_ANNOUNCE_FILE, JSON.stringify({ url: server.url, ingestUrl: server.ingestUrl, pid: process.pid }) + '\n');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  rmSync(DASHBOARD_ANNOUNCE_FILE, { force: true });
  await server.close();
  await history.close();
  return EXIT.ok;
}
