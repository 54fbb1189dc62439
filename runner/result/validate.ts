// Validation of documents against their schemas, with messages that name the field:
// `metrics.http_reqs.values.count: expected number, got string`.
import type { z } from 'zod';
import { StampedeError, type ErrorCode } from '../errors.ts';

/** Renders a zod issue path as `a.b[2].c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out || '(root)';
}

export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
}

/** Parses `value` with `schema`, or throws a StampedeError naming `where` and each bad field. */
export function validateOrThrow<S extends z.ZodType>(schema: S, value: unknown, where: string, code: ErrorCode = 'STAMPEDE_E_INPUT_INVALID'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const lines = issueLines(parsed.error);
  throw new StampedeError(code, `${where}: ${lines[0] ?? 'invalid'}`, lines.slice(1));
}
