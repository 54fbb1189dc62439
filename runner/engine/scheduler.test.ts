// The arrival-rate scheduler at a dense rate: every iteration starts, the send lag stays small,
// and the scheduler sleeps between batches instead of spinning (a spinning scheduler reads as
// ~100 % generator CPU, which would flag every high-rate run as saturated).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTest } from '../run/run-test.ts';
import { scratchDir, scenarioSource, startServer, type TestServer } from '../testing/fixtures.ts';

let server: TestServer;
const scratch = scratchDir('scheduler');

beforeAll(async () => {
  server = await startServer((_req, res) => res.end('ok'));
});
afterAll(async () => {
  await server.close();
  scratch.remove();
});

describe('arrival-rate scheduler', () => {
  it('starts every iteration of 4000/s on time without spinning', async () => {
    // no HTTP: the journey costs next to nothing, so the process CPU is the scheduler's own
    const file = scratch.write(
      'dense.ts',
      scenarioSource({ scenarios: { s: { executor: 'constant-arrival-rate', rate: 4000, timeUnit: '1s', duration: '2s', preAllocatedVUs: 50, maxVUs: 200 } } }, `await Promise.resolve()`),
    );
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const { result } = await runTest({ file, env: { BASE: server.url }, threads: 1 });
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
    expect(result.metrics.iterations?.values.count).toBe(8000);
    expect(result.metrics.dropped_iterations).toBeUndefined();
    // batches on a ~1 ms timer: lag up to a few ms, not tens
    expect(result.generator.sendLag?.p99 ?? Infinity).toBeLessThan(20);
    // spinning would hold the process at ~100 % of a core for the 2 s
    expect(cpuShare).toBeLessThan(0.6);
  });
});
