// `npm start`: the demo a newcomer runs first — the flash-sale shop on its embedded defaults
// (an embedded PostgreSQL in a temporary folder, nothing to install beyond `npm install`), the
// flash-sale scenario at a modest peak, the summary in the terminal and the report to open.
// `stampede demo --simple` keeps the older demo (a tiny in-process server and scenarios/demo.ts)
// for machines where the shop cannot start.
import path from 'node:path';
import { startDemoServer } from '../demo/server.ts';
import { run as runCommand } from './run.ts';

const USAGE = `usage: stampede demo [--simple] [stampede run options...]

Starts the flash-sale shop (async, embedded PostgreSQL), runs scenarios/flash-sale.ts against it
at a modest peak (PEAK=25 visitors/s for 15 s after a 5 s quiet phase), prints the summary and
the path of report.html, and stops the shop. Extra options go to \`stampede run\` (e.g. --env PEAK=60).
  --simple   the small demo server and scenarios/demo.ts instead (no database)`;

const DEMO_ENV = ['PEAK=25', 'QUIET=3', 'WARMUP=5s', 'HOLD=15s', 'DECAY=5s', 'STOCK=50'];

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const root = path.join(import.meta.dirname, '../..');
  if (argv.includes('--simple')) {
    const server = await startDemoServer();
    process.stderr.write(`demo server on ${server.url}; running scenarios/demo.ts (10 s, open model up to 200 arrivals/s)\n`);
    try {
      return await runCommand([path.join(root, 'scenarios/demo.ts'), '--env', `BASE=${server.url}`, ...argv.filter((a) => a !== '--simple')]);
    } finally {
      await server.close();
    }
  }
  process.stderr.write('stampede demo: the flash-sale shop (async, embedded PostgreSQL) and scenarios/flash-sale.ts at a modest peak — about a minute\n');
  const env = DEMO_ENV.flatMap((kv) => ['--env', kv]);
  return runCommand([path.join(root, 'scenarios/flash-sale.ts'), '--target-config', 'variant=async', ...env, ...argv]);
}
