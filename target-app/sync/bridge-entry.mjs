// Worker-thread entry for the blocking bridge: register tsx so the worker can load the
// TypeScript module (Node 20 does not pass --import loaders to worker threads reliably).
import { register } from 'tsx/esm/api';

register();
await import('./bridge-worker.ts');
