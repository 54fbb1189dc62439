// What a run reference on the command line means: a result.json path, a run id from the
// history, or `last`, `last-passed`, `baseline` (of a scenario, and for baseline its target).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { StampedeError } from '../errors.ts';
import { readRunResult } from '../result/io.ts';
import type { RunResult } from '../result/schema.ts';
import type { HistoryRun, HistoryStore } from './store.ts';

export interface ResolvedRun {
  ref: string;
  file: string;
  result: RunResult;
  /** the history's record of it, when it has one */
  run: HistoryRun | null;
}

export interface ResolveContext {
  scenario?: string;
  target?: string | null;
}

export const SPECIAL_REFS = ['last', 'last-passed', 'baseline'] as const;

export async function resolveRunRecord(store: HistoryStore, ref: string, ctx: ResolveContext, where: string): Promise<HistoryRun> {
  if (ref === 'last' || ref === 'last-passed') {
    const [run] = await store.list({ kind: 'run', ...(ctx.scenario !== undefined ? { scenario: ctx.scenario } : {}), ...(ref === 'last-passed' ? { verdict: 'passed' } : {}), limit: 1 });
    if (!run) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${ref}: no ${ref === 'last-passed' ? 'passed ' : ''}run${ctx.scenario ? ` of ${ctx.scenario}` : ''} in the history (${store.where})`);
    return run;
  }
  if (ref === 'baseline') {
    if (ctx.scenario === undefined) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: baseline: of which scenario? compare it with a run (stampede diff baseline last) or name one`);
    const run = await store.baseline(ctx.scenario, ctx.target ?? null);
    if (!run) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: baseline: none set for ${ctx.scenario}${ctx.target ? ` against ${ctx.target}` : ''} (stampede baseline set <run>)`);
    return run;
  }
  const run = await store.get(ref);
  if (!run) throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${JSON.stringify(ref)}: no such run id in the history (${store.where}), and no such result.json`);
  return run;
}

function looksLikePath(ref: string): boolean {
  return ref.endsWith('.json') || ref.includes('/') || (existsSync(ref) && statSync(ref).isDirectory());
}

export async function resolveRun(store: HistoryStore, ref: string, ctx: ResolveContext, where: string): Promise<ResolvedRun> {
  if (looksLikePath(ref) && !(SPECIAL_REFS as readonly string[]).includes(ref)) {
    let file = path.resolve(ref);
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'result.json');
    if (!existsSync(file)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${where}: ${ref}: no such result file`);
    return { ref, file, result: await readRunResult(file), run: await store.byPath(file) };
  }
  const run = await resolveRunRecord(store, ref, ctx, where);
  if (run.kind !== 'run') throw new StampedeError('STAMPEDE_E_USAGE', `${where}: ${ref} is a ${run.kind} document; diff compares runs`);
  if (!existsSync(run.resultPath)) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${where}: ${ref}: its result file ${run.resultPath} is gone`);
  return { ref, file: run.resultPath, result: await readRunResult(run.resultPath), run };
}
