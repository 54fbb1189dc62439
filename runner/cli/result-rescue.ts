// After the load has been sent, a result is never lost to its output path: the paths were
// checked before the run, but a folder can still vanish or a disk fill up meanwhile. Then the
// result goes to the temporary folder instead, and the message says where.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRunResult } from '../result/io.ts';
import type { RunResult } from '../result/schema.ts';

/** Writes result.json at `file`, or — when that fails — in the temporary folder; returns where it went. */
export async function writeResultOrRescue(file: string, result: RunResult, warn: (m: string) => void): Promise<string> {
  try {
    await writeRunResult(file, result);
    return file;
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
    const rescue = path.join(tmpdir(), `stampede-result-${process.pid}-${Date.now()}`, 'result.json');
    await writeRunResult(rescue, result);
    warn(`stampede: ${file} could not be written (${reason}); the result was saved to ${rescue} (\`stampede report ${rescue}\` rebuilds its page)`);
    return rescue;
  }
}

/** A CI output written after the run (JUnit, Markdown summary): a failure is a warning, never the run's end. */
export async function writeSideOutput(flag: string, write: () => Promise<void>, warn: (m: string) => void): Promise<void> {
  try {
    await write();
  } catch (e) {
    warn(`stampede: --${flag} not written: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}`);
  }
}
