// Worker-thread entry: tsx's loader is per thread, so register it here before loading the
// TypeScript engine and the user's scenario module.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
