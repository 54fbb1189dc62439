// Reading and writing result documents. Writes are atomic (temp file + rename) so a crash
// never leaves a half-written result.json; reads validate with the schema.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { runResultSchema, type RunResult } from './schema.ts';
import { validateOrThrow } from './validate.ts';
import { validateRunResult } from './validate-run.ts';

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 1) + '\n');
  await rename(tmp, file);
}

export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: not valid JSON (${(e as Error).message})`);
  }
}

export async function readDocument<S extends z.ZodType>(file: string, schema: S): Promise<z.infer<S>> {
  return validateOrThrow(schema, await readJsonFile(file), file, 'STAMPEDE_E_RESULT_INVALID');
}

export async function writeRunResult(file: string, result: RunResult): Promise<void> {
  // validate on write too: the writer must never produce what readers would refuse
  validateOrThrow(runResultSchema, result, `${file} (writing)`, 'STAMPEDE_E_INTERNAL');
  await writeJsonAtomic(file, result);
}

export async function readRunResult(file: string): Promise<RunResult> {
  return validateRunResult(await readJsonFile(file), file);
}
