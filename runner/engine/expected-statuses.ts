// Which response statuses count as expected (an answer) and which as a failed request — k6's
// `http.expectedStatuses(...)` / `setResponseCallback`. A list is compiled once into a table
// indexed by status (cached by the list's identity), so the request path checks a status with
// one array read and allocates nothing.
import type { ExpectedStatuses } from '../scenario/api.ts';

/** Statuses are three digits; anything above is unexpected. */
const SIZE = 1000;

export type StatusTable = Uint8Array;

function describe(s: unknown): string {
  return typeof s === 'object' && s !== null ? JSON.stringify(s) : String(s);
}

/** Checks a list and returns its table; throws a clear error on a bad entry. */
export function compileExpectedStatuses(statuses: ExpectedStatuses): StatusTable {
  if (!Array.isArray(statuses)) throw new TypeError(`expectedStatuses: expected a list of status codes and { min, max } ranges, got ${describe(statuses)}`);
  const table = new Uint8Array(SIZE);
  for (const s of statuses) {
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 100 || s >= SIZE) throw new TypeError(`expectedStatuses: ${describe(s)} is not an HTTP status (an integer 100–999)`);
      table[s] = 1;
    } else if (typeof s === 'object' && s !== null && Number.isInteger(s.min) && Number.isInteger(s.max) && s.min >= 100 && s.max < SIZE && s.min <= s.max) {
      table.fill(1, s.min, s.max + 1);
    } else throw new TypeError(`expectedStatuses: ${describe(s)} is neither a status code nor a range { min, max } with 100 ≤ min ≤ max ≤ 999`);
  }
  return table;
}

/** k6's default: 200–399 are expected. */
export const DEFAULT_EXPECTED: StatusTable = compileExpectedStatuses([{ min: 200, max: 399 }]);

const compiled = new WeakMap<object, StatusTable>();

/** The table of a list, compiled on first use. */
export function statusTable(statuses: ExpectedStatuses): StatusTable {
  let t = compiled.get(statuses);
  if (t === undefined) {
    t = compileExpectedStatuses(statuses);
    compiled.set(statuses, t);
  }
  return t;
}

export function isExpected(table: StatusTable, status: number): boolean {
  return status >= 0 && status < SIZE && table[status] === 1;
}

/** The error kind of an unexpected status (constant strings: nothing is built per request). */
export function unexpectedStatusKind(status: number): string {
  if (status >= 500) return 'status_5xx';
  if (status >= 400) return 'status_4xx';
  if (status >= 300) return 'status_3xx';
  if (status >= 200) return 'status_2xx';
  return 'status_other';
}
