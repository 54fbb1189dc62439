// What every process-kill scenario must show afterwards, for either shop: checkouts accepted
// before and after the recovery, no internal error, nothing oversold, the stock accounted for,
// every accepted order present and ended (paid or failed).
import { expect } from 'vitest';
import { describeOutcome, type ScenarioOutcome } from './faults.ts';

export function assertProcessFaultHeld(name: string, o: ScenarioOutcome): void {
  console.log(describeOutcome(name, o));
  const inv = o.invariants;
  expect(o.traffic.acceptedIds.length, 'checkouts accepted during the scenario').toBeGreaterThan(0);
  expect(o.acceptedAfterRecovery, 'checkouts accepted after recovery').toBeGreaterThan(0);
  expect(o.traffic.checkouts['500'] ?? 0, 'internal errors').toBe(0);
  expect(inv.oversold).toBe(0);
  expect(inv.stockConsistent).toBe(true);
  expect(inv.checkedOrderIds).toBe(o.traffic.acceptedIds.length);
  expect(inv.missingOrderIds).toEqual([]);
  expect(inv.acceptedButMissing).toBe(0);
  expect(inv.drained).toBe(true);
}
