// The benchmark's second target: canned keep-alive responses at next to no CPU
// (runner/engine/canned-server.js). Against it the generator, not the target, is the
// bottleneck, so requests per generator CPU-second measure the generator alone (against the
// node:http target both sides saturate, and how they interleave moves the figures ±10 %).
// Prints `PORT <n>`. Run pinned: `taskset -c 0 node runner/bench/canned-target.js`.
import { startCannedServer } from '../engine/canned-server.js';

const server = await startCannedServer(Number(process.env.PORT ?? 0));
process.stdout.write(`PORT ${server.port}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
