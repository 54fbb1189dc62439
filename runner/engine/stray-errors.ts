// Errors user code throws outside any awaited journey code (in a timer callback, or a promise it
// did not await) would end the process (or the engine's worker thread) with a stack trace and no
// result. While a run goes they are counted as journey errors are instead.
import { errorMessage } from './thread-engine.ts';

/**
 * Counts stray errors through `onError` from now on; returns the function that removes the handlers.
 */
export function catchStrayErrors(onError: (message: string) => void): () => void {
  const onRejection = (e: unknown) => onError(`unhandled rejection (a promise nothing awaited): ${errorMessage(e)}`);
  const onException = (e: unknown) => onError(`uncaught exception (thrown outside any awaited journey code): ${errorMessage(e)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
