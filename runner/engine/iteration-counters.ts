// Test-wide iteration numbers per scenario (k6's exec.scenario.iterationInTest): one 64-bit
// counter per scenario in shared memory, so every engine thread takes its numbers from the same
// sequence — unique over the whole test and without gaps, as in one k6 instance. Atomics.add
// is the whole cost, paid only by an iteration that asks for its number.

export class IterationCounters {
  /** what crosses to the worker threads (a SharedArrayBuffer is shared, not copied) */
  readonly buffer: SharedArrayBuffer;
  private readonly cells: BigInt64Array;
  private readonly slot = new Map<string, number>();

  /** `scenarios` in the options' order (every thread has the same list); `buffer` from the thread that made it */
  constructor(scenarios: readonly string[], buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(8 * Math.max(1, scenarios.length));
    if (this.buffer.byteLength < 8 * scenarios.length) throw new RangeError(`IterationCounters: ${scenarios.length} scenarios need ${8 * scenarios.length} bytes, the buffer has ${this.buffer.byteLength}`);
    this.cells = new BigInt64Array(this.buffer);
    scenarios.forEach((name, i) => this.slot.set(name, i));
  }

  /** The next number of `scenario` (0, 1, 2, … over all threads). */
  next(scenario: string): number {
    const i = this.slot.get(scenario);
    if (i === undefined) throw new Error(`IterationCounters: no scenario named ${JSON.stringify(scenario)}`);
    return Number(Atomics.add(this.cells, i, 1n));
  }
}
