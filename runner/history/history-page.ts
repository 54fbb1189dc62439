// A self-contained HTML page of a scenario's history (`stampede history <scenario> --html FILE`):
// p50, p99 and the request rate over its runs as SVG charts, change points marked, each point a
// link to that run's report.html. No script, no request: it opens from disk. Every string from
// the history is escaped.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { eDivisive } from './e-divisive.ts';
import type { Headline, HistoryRun } from './store.ts';

export interface PagePoint {
  run: HistoryRun;
  headline: Headline;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const W = 860;
const H = 180;
const PAD = { left: 60, right: 16, top: 14, bottom: 28 };

function chart(title: string, unit: string, points: PagePoint[], value: (h: Headline) => number | null, changes: Set<number>): string {
  const xs = points.map((_, i) => PAD.left + (points.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1)));
  const vals = points.map((p) => value(p.headline));
  const finite = vals.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = finite.length ? Math.max(...finite) * 1.1 || 1 : 1;
  const y = (v: number) => PAD.top + (1 - v / max) * (H - PAD.top - PAD.bottom);
  const parts: string[] = [`<h2>${escapeHtml(title)}</h2>`, `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">`];
  parts.push(`<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>`);
  parts.push(`<text x="${PAD.left - 6}" y="${PAD.top + 4}" class="tick" text-anchor="end">${escapeHtml(max.toPrecision(3))} ${escapeHtml(unit)}</text>`);
  parts.push(`<text x="${PAD.left - 6}" y="${H - PAD.bottom}" class="tick" text-anchor="end">0</text>`);
  for (const i of changes) {
    const x = ((xs[i - 1] as number) + (xs[i] as number)) / 2;
    parts.push(`<line x1="${x}" y1="${PAD.top}" x2="${x}" y2="${H - PAD.bottom}" class="change"><title>change point before run ${escapeHtml(points[i]?.run.id ?? '')}</title></line>`);
  }
  const line = vals.map((v, i) => (v === null ? null : `${xs[i]},${y(v)}`)).filter(Boolean);
  if (line.length > 1) parts.push(`<polyline points="${line.join(' ')}" class="series"/>`);
  vals.forEach((v, i) => {
    if (v === null) return;
    const p = points[i] as PagePoint;
    const report = pathToFileURL(path.join(path.dirname(p.run.resultPath), 'report.html')).href;
    parts.push(`<a href="${escapeHtml(report)}"><circle cx="${xs[i]}" cy="${y(v)}" r="4" class="point"><title>${escapeHtml(`${p.run.id} ${p.run.startedAt}${p.run.identity.gitCommit ? ` ${p.run.identity.gitCommit.slice(0, 10)}` : ''}: ${v.toFixed(3)} ${unit} (${p.run.verdict})`)}</title></circle></a>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Where a scenario's p99 shifted (as `stampede history --changes`): indices into `points` (oldest
 * first) of the first run after each change. None when a run lacks p99. Shared with the dashboard.
 */
export function p99ChangeIndices(points: readonly PagePoint[]): number[] {
  const p99 = points.map((p) => p.headline.p99 ?? Number.NaN);
  return p99.every(Number.isFinite) ? eDivisive(p99).map((c) => c.index) : [];
}

/** points oldest first; change points are found on p99 (as `stampede history --changes`). */
export function historyPage(scenario: string, points: PagePoint[]): string {
  const changes = new Set(p99ChangeIndices(points));
  const rows = points
    .map((p) => `<tr><td><a href="${escapeHtml(pathToFileURL(path.join(path.dirname(p.run.resultPath), 'report.html')).href)}">${escapeHtml(p.run.id)}</a></td><td>${escapeHtml(p.run.startedAt)}</td><td>${escapeHtml(p.run.identity.gitCommit?.slice(0, 10) ?? '—')}</td><td>${escapeHtml(p.run.identity.target ?? '—')}</td><td>${escapeHtml(p.run.verdict)}</td></tr>`)
    .reverse()
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`Stampede history: ${scenario}`)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:24px;color:#1d2330}h1{font-size:20px}h2{font-size:15px;margin:18px 0 4px}
.axis{stroke:#999}.tick{font-size:11px;fill:#555}.series{fill:none;stroke:#2f6fdf;stroke-width:1.5}.point{fill:#2f6fdf}
.change{stroke:#d33;stroke-width:2;stroke-dasharray:4 3}table{border-collapse:collapse;margin-top:16px}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:left}
</style></head><body>
<h1>${escapeHtml(scenario)} — ${points.length} run(s), ${changes.size} change point(s) in p99</h1>
${chart('http_req_latency p50', 'ms', points, (h) => h.p50, changes)}
${chart('http_req_latency p99', 'ms', points, (h) => h.p99, changes)}
${chart('request rate', '/s', points, (h) => h.rate, changes)}
<table><thead><tr><th>run</th><th>started</th><th>commit</th><th>target</th><th>verdict</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
