// `npm start`: the demo a newcomer runs first. Until the flash-sale shop is wired in, it starts
// a small local server and runs scenarios/demo.ts against it, then prints the summary and the
// path of the report to open.
import path from 'node:path';
import { startDemoServer } from '../demo/server.ts';
import { run as runCommand } from './run.ts';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write('usage: stampede demo — starts a local demo server and runs scenarios/demo.ts against it\n');
    return 0;
  }
  const server = await startDemoServer();
  process.stderr.write(`demo server on ${server.url}; running scenarios/demo.ts (10 s, open model up to 200 arrivals/s)\n`);
  try {
    return await runCommand([path.join(import.meta.dirname, '../../scenarios/demo.ts'), '--env', `BASE=${server.url}`, ...argv]);
  } finally {
    await server.close();
  }
}
