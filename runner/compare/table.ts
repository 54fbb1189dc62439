// The ranked comparison table for the terminal (and the README): one row per configuration,
// best first; medians with the range over repeats; the winner of each column marked.
import type { Comparison, ComparisonConfiguration, Stat } from '../result/comparison-schema.ts';
import { COLUMNS as RANKED_COLUMNS, COST_COLUMNS } from './rank.ts';

function cell(stat: Stat | undefined, format: (v: number) => string, repeats: number): string {
  if (!stat) return '—';
  if (repeats < 2 || stat.n < 2 || stat.min === stat.max) return format(stat.median);
  return `${format(stat.median)} (${format(stat.min)}–${format(stat.max)})`;
}

function invariantsCell(c: ComparisonConfiguration): string {
  const oks = c.runs.map((r) => r.summary?.invariantChecksOk).filter((v): v is boolean => typeof v === 'boolean');
  if (oks.length === 0) return '—';
  return oks.every(Boolean) ? 'held' : `BROKEN ×${oks.filter((v) => !v).length}`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ').trimEnd());
}

export function formatComparisonTable(c: Comparison): string {
  const repeats = c.meta.repeat;
  const COLUMNS = c.configurations.some((x) => x.stats?.targetCpuSecondsPer1000Requests) ? [...RANKED_COLUMNS, ...COST_COLUMNS] : RANKED_COLUMNS;
  const byId = new Map(c.configurations.map((x) => [x.id, x]));
  const ordered = [...c.ranking.map((id) => byId.get(id)).filter((x): x is ComparisonConfiguration => x !== undefined), ...c.configurations.filter((x) => !c.ranking.includes(x.id))];
  const mark = (id: string, key: string) => {
    const w = c.winners.find((x) => x.column === key);
    if (!w || w.id !== id) return '';
    return w.real === true ? '*' : w.real === false ? '~' : '?';
  };
  const header = ['#', 'configuration', ...COLUMNS.map((col) => col.label), 'invariants'];
  const rows: string[][] = [header];
  for (const cfg of ordered) {
    if (cfg.status === 'skipped' || !cfg.stats) {
      rows.push([cfg.rank ? String(cfg.rank) : '-', cfg.label, ...COLUMNS.map(() => ''), '']);
      continue;
    }
    rows.push([String(cfg.rank ?? '-'), cfg.label, ...COLUMNS.map((col) => cell(cfg.stats?.[col.key], col.format, repeats) + mark(cfg.id, col.key)), invariantsCell(cfg)]);
  }
  const lines = pad(rows);
  const out = [`  ${lines[0] ?? ''}`];
  for (let i = 1; i < lines.length; i++) {
    const cfg = ordered[i - 1];
    if (cfg && (cfg.status === 'skipped' || !cfg.stats)) out.push(`  ${(cfg.rank ? String(cfg.rank) : '-').padEnd(1)}  ${cfg.label}  — skipped: ${cfg.skipReason ?? 'no successful run'}`);
    else out.push(`  ${lines[i] ?? ''}`);
  }
  const failedRuns = c.configurations.flatMap((cfg) => cfg.runs.filter((r) => r.status === 'failed').map((r) => `  ${cfg.label} run ${r.repeat} failed: ${r.error ?? `exit ${r.exitCode}`}`));
  // which thresholds failed, per configuration (the ✗ column only counts them)
  const failedThresholds = c.configurations.flatMap((cfg) => {
    const names = [...new Set(cfg.runs.flatMap((r) => r.summary?.failedThresholds ?? []))];
    return names.length ? [`  ${cfg.label}: ✗ ${names.join('; ✗ ')}`] : [];
  });
  return [
    '',
    `  ${c.meta.scenarioName}: ${c.configurations.length} configuration(s) × ${repeats} run(s)${c.meta.partial ? '  (interrupted: partial)' : ''}`,
    '',
    ...out,
    ...(failedRuns.length ? ['', ...failedRuns] : []),
    ...(failedThresholds.length ? ['', '  thresholds failed:', ...failedThresholds] : []),
    '',
    // the comparison's own method: with --rank cost it says the cost decided
    ...wrap(c.method, 100).map((l) => `  ${l}`),
    '',
  ].join('\n');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out;
}
