// The dashboard's compare pages: a comparison.json from reports/out/ (its page data built by
// the server with comparison.html's loader), and runs picked from the runs list (their
// result.json files fetched, validated and compared here). Both render ComparePage.
import { useEffect, useState } from 'react';
import { parseRunResult } from '../model/document.ts';
import { parseComparisonReport, type ComparisonReport } from '../model/compare.ts';
import { compareRuns } from '../model/compare-runs.ts';
import type { ComparisonEntry } from '../server/comparisons.ts';
import { ComparePage } from './ComparePage.tsx';
import { dashboardRunHref, type RunHref } from '../view/compare.ts';

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  if (!r.ok) {
    const body = (await r.json().catch(() => null)) as { error?: unknown } | null;
    throw new Error(`${url}: HTTP ${r.status}${typeof body?.error === 'string' ? ` — ${body.error}` : ''}`);
  }
  return r.json() as Promise<unknown>;
}

function Loaded({ load, what, runHref }: { load: () => Promise<ComparisonReport>; what: string; runHref: RunHref }) {
  const [state, setState] = useState<{ report: ComparisonReport } | { error: string } | null>(null);
  useEffect(() => {
    let live = true;
    setState(null);
    load().then(
      (report) => live && setState({ report }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e) }),
    );
    return () => {
      live = false;
    };
  }, [load]);
  if (!state) return <p className="page explain">Loading {what}…</p>;
  if ('error' in state) return <pre className="load-error" data-testid="load-error">{state.error}</pre>;
  return <ComparePage report={state.report} runHref={runHref} />;
}

/** A comparison.json under reports/out/. */
export function SavedComparison({ id }: { id: string }) {
  const [load] = useState(() => async () => parseComparisonReport(await getJson(`/api/comparisons/${encodeURIComponent(id)}/page.json`), `${id}/comparison.json`));
  const [runHref] = useState(() => dashboardRunHref(id));
  return <Loaded key={id} load={load} what={id} runHref={runHref} />;
}

/** Runs picked in the runs list, side by side. */
export function PickedComparison({ ids }: { ids: string[] }) {
  const [load] = useState(() => async () => {
    const runs = await Promise.all(ids.map(async (id) => ({ id, result: parseRunResult(await getJson(`/api/runs/${encodeURIComponent(id)}/result.json`), `${id}/result.json`) })));
    return compareRuns(runs);
  });
  const [runHref] = useState(() => dashboardRunHref(''));
  if (ids.length < 2) return <p className="page explain">Pick two or more runs to compare.</p>;
  return <Loaded key={ids.join('\n')} load={load} what={`${ids.length} runs`} runHref={runHref} />;
}

/** The comparisons section of the runs list. */
export function ComparisonsList({ version }: { version: number }) {
  const [list, setList] = useState<ComparisonEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getJson('/api/comparisons').then((v) => setList(v as ComparisonEntry[]), (e: unknown) => setError(String(e)));
  }, [version]);
  return (
    <section id="comparisons">
      <h2>Comparisons in reports/out/</h2>
      {error ? <p className="load-error">{error}</p> : list === null ? <p className="explain">Loading…</p> : list.length === 0 ? <p className="explain">No comparison yet. Run one with <code>stampede compare &lt;scenario&gt; --matrix …</code>.</p> : (
        <table className="data" data-table="comparisons">
          <thead><tr><th className="left">started (UTC)</th><th className="left">scenario</th><th>configurations</th><th>runs each</th><th className="left">ranked first</th><th className="left">files</th></tr></thead>
          <tbody>
            {list.map((c, i) => (
              <tr key={c.id} data-row={i}>
                <td className="left">{c.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
                <td className="left name"><a href={`#/comparison/${encodeURIComponent(c.id)}`} data-comparison-id={c.id}>{c.scenarioName}</a>{c.partial ? ' (partial)' : ''}</td>
                <td>{c.configurations}{c.skipped ? ` (${c.skipped} skipped)` : ''}</td>
                <td>{c.repeat}</td>
                <td className="left name">{c.best ?? '—'}</td>
                <td className="left">{c.hasReport ? <a href={`/api/comparisons/${encodeURIComponent(c.id)}/comparison.html`}>comparison.html</a> : ''} <a href={`/api/comparisons/${encodeURIComponent(c.id)}/comparison.json`}>comparison.json</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** `#/compare/<id>,<id>,...` ⇄ the picked run ids. */
export function compareHash(ids: readonly string[]): string {
  return `#/compare/${ids.map(encodeURIComponent).join(',')}`;
}

export function idsOfCompareHash(rest: string): string[] {
  return rest.split(',').filter(Boolean).map(decodeURIComponent);
}
