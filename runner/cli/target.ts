// `stampede target [flags]`: starts the reference flash-sale shop in the configuration the
// flags describe (see target-app/launcher/config.ts for every knob and its environment
// variable), prints its URL, and on SIGTERM/SIGINT stops every process it started.
import { EXIT } from '../errors.ts';
import { configFromFlags, knobParseOptions, knobUsage } from '../../target-app/launcher/config.ts';
import { parseCommandArgs } from './args.ts';

const USAGE = `usage: stampede target [flags]

Starts the flash-sale shop. With no flags: the async shop on an embedded PostgreSQL.
Every flag can also be set with the environment variable shown.

${knobUsage()}`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs('target', argv, knobParseOptions(), USAGE);
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const config = configFromFlags(args.values as Record<string, string | boolean | undefined>);
  // Loaded after validation so a bad flag answers at once.
  const { startTarget } = await import('../../target-app/launcher/start.ts');
  const say = (line: string) => process.stderr.write(`stampede target: ${line}\n`);

  // A signal during start-up must still stop what has been started so far.
  let signalled: NodeJS.Signals | null = null;
  let wake: (() => void) | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) {
      say(`${sig} again: exiting now`);
      process.exit(EXIT.aborted);
    }
    signalled = sig;
    wake?.();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const target = await startTarget(config, { log: say });
  if (!signalled) {
    process.stdout.write(`stampede target: listening on ${target.url}\n`);
    process.stdout.write(`stampede target: admin token ${target.adminToken}\n`);
    const c = target.config;
    say(`variant=${c.variant} workers=${c.workers} pool=${c.pool} pgbouncer=${c.pgbouncer} cache=${c.cache} queue=${c.queue} payment-latency-ms=${c.paymentLatencyMs} replica=${c.replica} shards=${c.shards} sessions=${c.sessions} stock=${c.stock}`);
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
  }
  say(`${signalled ?? 'signal'}: stopping`);
  await target.stop();
  say('stopped');
  return EXIT.ok;
}
