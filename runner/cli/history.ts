// `stampede history`: the runs recorded, newest first; their change points; import and export.
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseCommandArgs } from './args.ts';
import { EXIT, StampedeError } from '../errors.ts';
import { checkOutputFile } from './output-paths.ts';
import { historyLocation, openHistory, openHistoryForReading } from '../history/open.ts';
import { importDirectory } from '../history/import-dir.ts';
import { findChanges } from '../history/changes.ts';
import { tryParseDurationMs } from '../scenario/duration.ts';
import type { Headline, HistoryRun, HistoryStore } from '../history/store.ts';

export const USAGE = `usage: stampede history [scenario] [--since D] [--json] [--limit N]
       stampede history --changes [scenario] [--metric M] [--stat S] [--json]
       stampede history import <dir>
       stampede history export --csv [--out FILE]

  scenario             a scenario's name (its file name without .ts) or file as recorded
  --since D            runs started in the last D (7d, 12h, 30m) or since a date (2026-12-01)
  --json               as JSON
  --changes            change points of a metric over each scenario's runs (per target):
                       E-Divisive with means, permutation test at p ≤ 0.005
  --metric M --stat S  the figure for --changes (default http_req_latency p(99))
  --html FILE          with a scenario: a page of its p50/p99/rate over runs, change points marked,
                       each point linking to its report.html

The history is reports/history.sqlite, or STAMPEDE_HISTORY_URL (a SQLite file or a postgres:// URL).`;

function sinceIso(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const ms = tryParseDurationMs(raw);
  if (ms !== undefined && ms > 0 && /[a-z]$/i.test(raw)) return new Date(Date.now() - ms).toISOString();
  const t = Date.parse(raw);
  if (!Number.isNaN(t)) return new Date(t).toISOString();
  throw new StampedeError('STAMPEDE_E_USAGE', `stampede history: --since: expected a duration such as 7d or 12h, or a date such as 2026-12-01, got ${JSON.stringify(raw)}`);
}

const fmt = (v: number | null, unit: 'ms' | '/s' | '%') => (v === null ? '—' : unit === '%' ? `${(v * 100).toFixed(2)}%` : unit === '/s' ? `${v.toFixed(1)}/s` : `${v >= 100 ? v.toFixed(0) : v.toFixed(2)}ms`);

function table(runs: HistoryRun[], heads: Map<string, Headline>): string {
  const header = ['id', 'started', 'kind', 'scenario', 'target', 'commit', 'p50', 'p99', 'rate', 'errors', 'verdict'];
  const rows = runs.map((r) => {
    const h = heads.get(r.id);
    return [r.id, r.startedAt.replace(/\.\d+Z$/, 'Z'), r.kind, r.identity.scenarioName, r.identity.target ?? '—', r.identity.gitCommit?.slice(0, 8) ?? '—', fmt(h?.p50 ?? null, 'ms'), fmt(h?.p99 ?? null, 'ms'), fmt(h?.rate ?? null, '/s'), fmt(h?.errors ?? null, '%'), r.verdict];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  return [header, ...rows].map((cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

const csvCell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

async function exportCsv(store: HistoryStore): Promise<string> {
  const runs = (await store.list()).reverse();
  const heads = await store.headlines(runs.map((r) => r.id));
  const lines = ['time,id,kind,scenario,target,git_commit,git_branch,machine,verdict,p50_ms,p99_ms,rate_per_s,error_rate,result'];
  for (const r of runs) {
    const h = heads.get(r.id);
    lines.push([r.startedAt, r.id, r.kind, r.identity.scenarioName, r.identity.target, r.identity.gitCommit, r.identity.gitBranch, r.identity.machine, r.verdict, h?.p50 ?? null, h?.p99 ?? null, h?.rate ?? null, h?.errors ?? null, r.resultPath].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals, help } = parseCommandArgs(
    'history',
    argv,
    { since: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' }, changes: { type: 'boolean' }, metric: { type: 'string' }, stat: { type: 'string' }, html: { type: 'string' }, csv: { type: 'boolean' }, out: { type: 'string' } },
    USAGE,
  );
  if (help) {
    process.stdout.write(USAGE + '\n');
    return EXIT.ok;
  }
  const [first, ...rest] = positionals;
  if (first === 'import') {
    const dir = rest[0];
    if (!dir || rest.length > 1) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede history import: one folder expected', USAGE.split('\n'));
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `stampede history import: ${dir}: no such folder`);
    const store = await openHistory(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
    try {
      const r = await importDirectory(store, path.resolve(dir));
      process.stdout.write(`${r.files} document(s) found, ${r.recorded} recorded, ${r.already} already in the history (${store.where})\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  }
  if (first === 'export') {
    if (values.csv !== true || rest.length > 0) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede history export: --csv expected (the one export format)', USAGE.split('\n'));
    const out = values.out === undefined ? undefined : checkOutputFile('history', 'out', values.out);
    const store = await openHistoryForReading(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
    try {
      const csv = await exportCsv(store);
      if (out) await writeFile(out, csv);
      else process.stdout.write(csv);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  }
  if (positionals.length > 1) throw new StampedeError('STAMPEDE_E_USAGE', `stampede history: at most one scenario expected, got ${positionals.length}`, USAGE.split('\n'));
  const since = sinceIso(values.since);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new StampedeError('STAMPEDE_E_USAGE', `stampede history: --limit: expected a positive integer, got ${JSON.stringify(values.limit)}`);
  const html = values.html === undefined ? undefined : checkOutputFile('history', 'html', values.html);
  const store = await openHistoryForReading(historyLocation(process.env.STAMPEDE_HISTORY_URL, process.cwd()));
  try {
    if (values.changes) {
      const metric = values.metric ?? 'http_req_latency';
      const stat = values.stat ?? 'p(99)';
      const scenarios = first ? [first] : [...new Set((await store.list({ kind: 'run' })).map((r) => r.identity.scenarioName))].sort();
      const all = [];
      for (const s of scenarios) all.push(...(await findChanges(store, s, metric, stat)));
      if (values.json) {
        process.stdout.write(JSON.stringify(all.map((x) => ({ scenario: x.scenario, target: x.target, runs: x.points.length, changes: x.changes.map((c) => ({ index: c.index, pValue: c.pValue, q: c.q, before: c.before, after: c.after, runBefore: c.runBefore.id, runAfter: c.runAfter.id, at: c.runAfter.startedAt, commit: c.runAfter.identity.gitCommit })) })), null, 1) + '\n');
        return EXIT.ok;
      }
      for (const x of all) {
        process.stdout.write(`${x.scenario}${x.target ? ` against ${x.target}` : ''}: ${x.points.length} run(s), ${metric} ${stat}: ${x.changes.length === 0 ? 'no change point' : `${x.changes.length} change point(s)`}\n`);
        for (const c of x.changes) {
          process.stdout.write(`  ${c.before.toFixed(3)} → ${c.after.toFixed(3)} (${c.after >= c.before ? '+' : ''}${((c.after / c.before - 1) * 100).toFixed(1)} %, p = ${c.pValue.toFixed(4)}) between ${c.runBefore.id} and ${c.runAfter.id} (${c.runAfter.startedAt}${c.runAfter.identity.gitCommit ? `, ${c.runAfter.identity.gitCommit.slice(0, 10)}` : ''})\n`);
        }
      }
      return EXIT.ok;
    }
    const runs = await store.list({ ...(first ? { scenario: first } : {}), ...(since ? { since } : {}), ...(limit ? { limit } : {}) });
    const heads = await store.headlines(runs.map((r) => r.id));
    if (values.html !== undefined) {
      if (!first) throw new StampedeError('STAMPEDE_E_USAGE', 'stampede history --html: which scenario? (stampede history <scenario> --html FILE)');
      const { historyPage } = await import('../history/history-page.ts');
      const points = runs
        .filter((r) => r.kind === 'run')
        .reverse()
        .map((r) => ({ run: r, headline: heads.get(r.id) ?? { p50: null, p99: null, rate: null, errors: null } }));
      await writeFile(html ?? values.html, historyPage(first, points)).catch((e: NodeJS.ErrnoException) => {
        throw new StampedeError('STAMPEDE_E_USAGE', `stampede history --html: ${values.html}: cannot write (${e.code ?? e.message})`);
      });
      process.stdout.write(`${values.html}: ${points.length} run(s) of ${first}\n`);
      return EXIT.ok;
    }
    if (values.json) process.stdout.write(JSON.stringify(runs.map((r) => ({ ...r, headline: heads.get(r.id) })), null, 1) + '\n');
    else if (runs.length === 0) process.stdout.write(`no runs recorded${first ? ` for ${first}` : ''}${since ? ` since ${since}` : ''} (${store.where})\n`);
    else process.stdout.write(table(runs, heads));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
