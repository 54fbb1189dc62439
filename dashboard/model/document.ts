// Reading result documents: whatever arrives (a file, the embedded report data, a WebSocket
// message) is validated with the runner's own schema before any view sees it.
import { runResultSchema, type RunResult } from '../../runner/result/schema.ts';
import { validateOrThrow } from '../../runner/result/validate.ts';

export type { RunResult };

/** Validates a RunResult; throws a StampedeError naming `where` and the first bad field. */
export function parseRunResult(value: unknown, where: string): RunResult {
  return validateOrThrow(runResultSchema, value, where, 'STAMPEDE_E_RESULT_INVALID');
}
