// handleSummary(data) of a k6 script: called with k6's summary data once the run has ended; what
// it returns is written as k6 writes it: 'stdout' and 'stderr' to those streams, every other key
// a file path (relative to the working directory) with its content.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunResult } from '../../result/schema.ts';
import { StampedeError } from '../../errors.ts';
import { summaryVu } from './runtime.ts';
import { summaryData } from './summary.ts';

export interface SummaryOutputs {
  /** files written, as the script named them */
  files: string[];
  /** true when handleSummary returned a 'stdout' entry (the default summary is then not printed, as in k6) */
  stdout: boolean;
}

export async function runHandleSummary(fn: unknown, result: RunResult, setupData: unknown, env: Record<string, string>, file: string): Promise<SummaryOutputs> {
  if (typeof fn !== 'function') throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: handleSummary: expected an exported function, got ${typeof fn}`);
  let out: unknown;
  try {
    out = await (fn as (vu: unknown, data: unknown) => unknown)(summaryVu(env), summaryData(result, setupData));
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_SCENARIO_LOAD', `${file}: handleSummary() failed: ${(e as Error).message ?? String(e)} (result.json and the report are written)`);
  }
  if (out === null || typeof out !== 'object' || Array.isArray(out)) throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: handleSummary() must return an object of output → content, got ${Array.isArray(out) ? 'an array' : typeof out}`);
  const written: SummaryOutputs = { files: [], stdout: false };
  for (const [key, value] of Object.entries(out as Record<string, unknown>)) {
    const content = typeof value === 'string' ? value : value instanceof ArrayBuffer ? Buffer.from(value) : ArrayBuffer.isView(value) ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : null;
    if (content === null) throw new StampedeError('STAMPEDE_E_SCENARIO_INVALID', `${file}: handleSummary() returned ${JSON.stringify(key)}: expected a string or bytes, got ${typeof value}`);
    if (key === 'stdout') {
      process.stdout.write(content);
      written.stdout = true;
    } else if (key === 'stderr') process.stderr.write(content);
    else {
      const target = path.resolve(key);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
      written.files.push(key);
    }
  }
  return written;
}
