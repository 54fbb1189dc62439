// One catalogue of coded errors (as undici's and fastify's): every error Stampede shows a user
// has a stable code, a message naming what and where, and the exit code the CLI ends with.
// Codes are never reused for a different meaning.

/** Exit codes follow k6 where k6 has one. */
export const EXIT = {
  ok: 0,
  /** internal error: a bug, or something the environment did that we did not expect */
  internal: 1,
  /** bad input: scenario file, flags, config, result files */
  badInput: 2,
  /** a configuration could not start (target not ready, missing service) */
  targetUnavailable: 3,
  /** interrupted twice (hard abort), as a shell reports SIGINT */
  aborted: 130,
  /** k6: thresholds failed */
  thresholdsFailed: 99,
  /** k6: the script called exec.test.abort() (k6's ScriptAborted) */
  scriptAborted: 108,
} as const;

/**
 * How an error thrown by a script's exec.test.abort() begins: the run (in this thread or a
 * worker's, where it arrives as a journey error's message) recognises it and stops the test.
 */
export const SCRIPT_ABORT_PREFIX = 'test aborted by the script: ';

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const ERRORS = {
  STAMPEDE_E_USAGE: { exit: EXIT.badInput, title: 'bad command line' },
  STAMPEDE_E_SCENARIO_NOT_FOUND: { exit: EXIT.badInput, title: 'scenario file not found' },
  STAMPEDE_E_SCENARIO_LOAD: { exit: EXIT.badInput, title: 'scenario file failed to load' },
  STAMPEDE_E_SCENARIO_INVALID: { exit: EXIT.badInput, title: 'invalid scenario options' },
  STAMPEDE_E_THRESHOLD_INVALID: { exit: EXIT.badInput, title: 'invalid threshold' },
  STAMPEDE_E_RESULT_INVALID: { exit: EXIT.badInput, title: 'invalid result document' },
  STAMPEDE_E_CONFIG_INVALID: { exit: EXIT.badInput, title: 'invalid configuration' },
  STAMPEDE_E_INPUT_INVALID: { exit: EXIT.badInput, title: 'invalid input file' },
  STAMPEDE_E_HISTORY_INVALID: { exit: EXIT.badInput, title: 'unusable run history store' },
  STAMPEDE_E_TARGET_UNAVAILABLE: { exit: EXIT.targetUnavailable, title: 'target could not start' },
  STAMPEDE_E_SETUP_FAILED: { exit: EXIT.internal, title: 'setup() failed' },
  STAMPEDE_E_INTERNAL: { exit: EXIT.internal, title: 'internal error' },
} as const satisfies Record<string, { exit: ExitCode; title: string }>;

export type ErrorCode = keyof typeof ERRORS;

export class StampedeError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  /** lines shown under the message (e.g. each invalid field) */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, details: readonly string[] = [], options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StampedeError';
    this.code = code;
    this.exitCode = ERRORS[code].exit;
    this.details = details;
  }
}

export function isStampedeError(e: unknown): e is StampedeError {
  return e instanceof StampedeError;
}

/** What the CLI prints for an error: the message and its details, never a stack trace for user errors. */
export function formatError(e: StampedeError): string {
  // one line whatever the message quotes (a parser's multi-line text, a file's content)
  const lines = [`error ${e.code}: ${e.message.replace(/\s*\n\s*/g, ' ')}`];
  for (const d of e.details) lines.push(`  ${d}`);
  return lines.join('\n');
}
