// Ctrl-C for long commands (run, compare, capacity): the first SIGINT/SIGTERM asks the work to
// stop gracefully (partial results are still written); a second one aborts at once.
import { EXIT } from '../errors.ts';

export interface InterruptHandle {
  /** resolves with the reason when the first Ctrl-C arrives */
  stopRequested: Promise<string>;
  /** true once Ctrl-C was pressed */
  interrupted(): boolean;
  /** removes the signal handlers */
  dispose(): void;
}

export function handleInterrupts(whatStops: string): InterruptHandle {
  let interrupts = 0;
  let requestStop!: (reason: string) => void;
  const stopRequested = new Promise<string>((r) => (requestStop = r));
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write(`\nstopping ${whatStops} (Ctrl-C again to abort)…\n`);
      requestStop('interrupted (Ctrl-C)');
    } else {
      process.stderr.write('aborted: nothing more is written\n');
      process.exit(EXIT.aborted);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stopRequested,
    interrupted: () => interrupts > 0,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
