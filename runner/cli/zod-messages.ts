// zod's default wording for a wrong type is "Invalid input: expected object, received undefined"
// — type-system words a user did not write. The CLI's messages say what was expected in the
// user's terms and what was there instead ("but it is missing"). Schemas with their own
// messages keep them (a schema's own error takes precedence over this map).
import { z } from 'zod';

const EXPECTED: Record<string, string> = {
  number: 'a number',
  int: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  record: 'an object',
  array: 'a list',
  tuple: 'a list',
  bigint: 'a whole number',
  date: 'a date',
  null: 'null',
};

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'number') return Number.isNaN(input) ? 'a value that is not a number' : String(input);
  if (typeof input === 'string') return JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input);
  if (typeof input === 'object') return 'an object';
  return typeof input === 'boolean' ? String(input) : typeof input;
}

let installed = false;

export function installZodMessages(): void {
  if (installed) return;
  installed = true;
  z.config({
    customError: (iss) => {
      if (iss.code !== 'invalid_type') return undefined;
      const want = EXPECTED[iss.expected] ?? iss.expected;
      return iss.input === undefined ? `expected ${want}, but it is missing` : `expected ${want}, got ${describe(iss.input)}`;
    },
  });
}
