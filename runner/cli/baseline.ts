// `stampede baseline set <run>` / `stampede baseline show [scenario]`: the run each scenario and
// target is compared against by `--baseline baseline` and `stampede diff baseline <run>`.
import { parseCommandArgs } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { historyLocation, openHistoryForReading } from '../history/open.ts';
import { resolveRunRecord } from '../history/resolve.ts';
import path from 'node:path';

export const USAGE = `usage: stampede baseline set <run>      mark a run (id, last, last-passed, or a recorded result.json) as the baseline of its scenario and target
       stampede baseline show [scenario]`;

export async function run(argv: string[]): Promise<number> {
  const { positionals, help } = parseCommandArgs('baseline', argv, {}, USAGE);
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [action, ref, ...rest] = positionals;
  if ((action !== 'set' && action !== 'show') || rest.length > 0 || (action === 'set' && !ref)) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede baseline: expected `set <run>` or `show [scenario]`', USAGE.split('\n'));
  const store = await openHistoryForReading(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
  try {
    if (action === 'set') {
      const given = ref as string;
      const byPath = given.endsWith('.json') ? await store.byPath(path.resolve(given)) : null;
      if (given.endsWith('.json') && !byPath) throw new StampedeError('STAMPEDE_E_USAGE', `stampede baseline: ${given} is not in the history (stampede history import <dir> records it)`);
      const r = byPath ?? (await resolveRunRecord(store, given, {}, 'stampede baseline'));
      if (r.kind !== 'run') throw new StampedeError('STAMPEDE_E_USAGE', `stampede baseline: ${given} is a ${r.kind} document; a baseline is a run`);
      await store.setBaseline(r);
      process.stdout.write(`baseline of ${r.identity.scenarioName}${r.identity.target ? ` against ${r.identity.target}` : ''}: ${r.id} (${r.startedAt}, ${r.verdict})\n`);
      return EXIT.ok;
    }
    const runs = await store.list({ kind: 'run', ...(ref ? { scenario: ref } : {}) });
    const seen = new Set<string>();
    let shown = 0;
    for (const r of runs) {
      const key = `${r.identity.scenarioName}\x1f${r.identity.target ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const b = await store.baseline(r.identity.scenarioName, r.identity.target);
      if (b) {
        shown++;
        process.stdout.write(`${b.identity.scenarioName}  ${b.identity.target ?? '(no target)'}  ${b.id}  ${b.startedAt}  ${b.verdict}\n`);
      }
    }
    if (shown === 0) process.stdout.write(`no baseline set${ref ? ` for ${ref}` : ''} (stampede baseline set <run>)\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
