// The live dashboard: the runs under reports/out/ (newest first) and runs in progress,
// streamed over the live protocol. Opening a run renders the same RunPage as a report.
import { useCallback, useEffect, useState } from 'react';
import type { RunResult } from '../../runner/result/schema.ts';
import { parseRunResult } from '../model/document.ts';
import { applyEnd, applySnapshot, viewerMessageSchema, type LiveRun } from '../live/protocol.ts';
import type { RunEntry } from '../server/runs.ts';
import { formatCount, formatDurationMs, formatMs } from '../view/format.ts';
import { RunPage } from './RunPage.tsx';
import { CapacityList, SavedCapacity, capacityIdOfHash } from './CapacityRoutes.tsx';
import { HistoryPage } from './HistoryPage.tsx';
import { historyHash, scenarioOfHistoryHash } from '../view/history.ts';
import { ComparisonsList, PickedComparison, SavedComparison, compareHash, idsOfCompareHash } from './CompareRoutes.tsx';

type Route = { page: 'list' } | { page: 'run'; id: string } | { page: 'live'; runId: string } | { page: 'capacity'; id: string } | { page: 'comparison'; id: string } | { page: 'compare'; ids: string[] } | { page: 'history'; scenario: string };

function routeOf(hash: string): Route {
  const run = /^#\/run\/(.+)$/.exec(hash);
  if (run) return { page: 'run', id: decodeURIComponent(run[1]!) };
  const live = /^#\/live\/(.+)$/.exec(hash);
  if (live) return { page: 'live', runId: decodeURIComponent(live[1]!) };
  const capacity = capacityIdOfHash(hash);
  if (capacity !== null) return { page: 'capacity', id: capacity };
  const comparison = /^#\/comparison\/(.+)$/.exec(hash);
  if (comparison) return { page: 'comparison', id: decodeURIComponent(comparison[1]!) };
  const history = scenarioOfHistoryHash(hash);
  if (history !== null) return { page: 'history', scenario: history };
  const compare = /^#\/compare\/(.+)$/.exec(hash);
  if (compare) return { page: 'compare', ids: idsOfCompareHash(compare[1]!) };
  return { page: 'list' };
}

function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const on = () => setRoute(routeOf(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

/** Runs in progress, kept up to date from /ws/live; `version` bumps when a run ends (refresh the list). */
function useLiveRuns(): { runs: Map<string, LiveRun>; version: number; connected: boolean } {
  const [runs, setRuns] = useState(() => new Map<string, LiveRun>());
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      ws = new WebSocket(`ws://${location.host}/ws/live`);
      ws.onopen = () => setConnected(true);
      ws.onclose = () => {
        setConnected(false);
        if (!stopped) retry = setTimeout(connect, 1000);
      };
      ws.onmessage = (ev) => {
        const parsed = viewerMessageSchema.safeParse(JSON.parse(String(ev.data)));
        if (!parsed.success) return;
        const m = parsed.data;
        if (m.type === 'runs-changed') return setVersion((v) => v + 1);
        setRuns((prev) => {
          const next = new Map(prev);
          const cur = next.get(m.runId);
          if (m.type === 'run-state') next.set(m.runId, { runId: m.runId, ended: false, result: m.result });
          else if (m.type === 'snapshot' && cur) next.set(m.runId, applySnapshot(cur, m));
          else if (m.type === 'run-end') next.set(m.runId, applyEnd(cur ?? { runId: m.runId, ended: true, result: m.result }, m.result));
          return next;
        });
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      ws?.close();
    };
  }, []);
  return { runs, version, connected };
}

function Verdict({ ok, interrupted }: { ok: boolean | null; interrupted: boolean }) {
  if (interrupted) return <span className="badge warn" data-state="interrupted">interrupted</span>;
  if (ok === null) return <span className="badge">no thresholds</span>;
  return <span className={ok ? 'badge ok' : 'badge bad'}>{ok ? 'passed' : 'failed'}</span>;
}

/** A command that works as written from the project folder: the smoke scenario against a shop it starts, streamed to this dashboard. */
export function startCommand(origin: string): string {
  return `npx stampede run scenarios/smoke.ts --target-config variant=async --dashboard ${origin}`;
}

function RunsList({ live, version, connected }: { live: LiveRun[]; version: number; connected: boolean }) {
  const [runs, setRuns] = useState<RunEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const toggle = (id: string, on: boolean) => setPicked((p) => (on ? [...p.filter((x) => x !== id), id] : p.filter((x) => x !== id)));
  useEffect(() => {
    fetch('/api/runs')
      .then((r) => (r.ok ? (r.json() as Promise<RunEntry[]>) : Promise.reject(new Error(`/api/runs: HTTP ${r.status}`))))
      .then(setRuns, (e: unknown) => setError(String(e)));
  }, [version]);
  return (
    <main className="page">
      <header className="title-row"><h1>Stampede dashboard</h1><span className={connected ? 'badge ok' : 'badge'} data-testid="connection">{connected ? 'live updates on' : 'connecting…'}</span></header>
      <section id="live-runs">
        <h2>Running now</h2>
        {live.filter((r) => !r.ended).length === 0 ? <p className="explain" data-testid="no-live-run">No run in progress. Start one — it streams here — with <code data-testid="start-command">{startCommand(location.origin)}</code>.</p> : (
          <ul className="run-links">
            {live.filter((r) => !r.ended).map((r) => (
              <li key={r.runId}><a href={`#/live/${encodeURIComponent(r.runId)}`} data-live-run={r.runId}>{r.result.meta.scenarioName}</a> — {r.result.timeline.length} s so far, {formatCount(r.result.metrics.http_reqs?.values.count ?? 0)} requests</li>
            ))}
          </ul>
        )}
      </section>
      <section id="runs">
        <h2>Runs in reports/out/</h2>
        <div className="compare-pick">
          <button type="button" data-testid="compare-picked" disabled={picked.length < 2} onClick={() => (location.hash = compareHash(picked))}>Compare selected ({picked.length})</button>
          <span className="explain">Tick two or more runs to see them side by side.</span>
        </div>
        {error ? <p className="load-error">{error}</p> : runs === null ? <p className="explain">Loading…</p> : runs.length === 0 ? <p className="explain">No results yet.</p> : (
          <table className="data" data-table="runs">
            <thead><tr><th className="left">compare</th><th className="left">started (UTC)</th><th className="left">scenario</th><th className="left">target config</th><th>duration</th><th>requests</th><th>p99 latency (from intended start)</th><th className="left">verdict</th><th className="left">files</th></tr></thead>
            <tbody>
              {runs.map((r, i) => (
                <tr key={r.id} data-row={i}>
                  <td className="left"><input type="checkbox" aria-label="compare this run" data-pick={r.id} checked={picked.includes(r.id)} onChange={(e) => toggle(r.id, e.currentTarget.checked)} /></td>
                  <td className="left">{r.startTime.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</td>
                  <td className="left name"><a href={`#/run/${encodeURIComponent(r.id)}`} data-run-id={r.id}>{r.scenarioName}</a>{r.partial && !r.interrupted ? ' (partial)' : ''} <a className="history-link" href={historyHash(r.scenarioName)} data-history-of={r.scenarioName}>history</a></td>
                  <td className="left name target-config" data-cell="target-config">{r.targetConfig ?? '—'}</td>
                  <td>{formatDurationMs(r.durationMs)}</td>
                  <td>{formatCount(r.requests)}</td>
                  <td>{formatMs(r.latencyP99)}</td>
                  <td className="left" data-cell="verdict"><Verdict ok={r.ok} interrupted={r.interrupted} /></td>
                  <td className="left">{r.hasReport ? <a href={`/api/runs/${encodeURIComponent(r.id)}/report.html`}>report.html</a> : ''} <a href={`/api/runs/${encodeURIComponent(r.id)}/result.json`}>result.json</a></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <ComparisonsList version={version} />
      <CapacityList version={version} />
    </main>
  );
}

function PastRun({ id }: { id: string }) {
  const [state, setState] = useState<{ result: RunResult } | { error: string } | null>(null);
  useEffect(() => {
    setState(null);
    fetch(`/api/runs/${encodeURIComponent(id)}/result.json`)
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
      .then((doc: unknown) => setState({ result: parseRunResult(doc, `${id}/result.json`) }), (e: unknown) => setState({ error: e instanceof Error ? e.message : String(e) }));
  }, [id]);
  if (!state) return <p className="page explain">Loading {id}…</p>;
  if ('error' in state) return <pre className="load-error">{state.error}</pre>;
  return <RunPage result={state.result} />;
}

export function DashboardApp() {
  const route = useRoute();
  const { runs, version, connected } = useLiveRuns();
  const back = useCallback(() => <nav className="page back"><a href="#/">← all runs</a></nav>, []);
  if (route.page === 'run') return <>{back()}<PastRun id={route.id} /></>;
  if (route.page === 'capacity') return <>{back()}<SavedCapacity key={route.id} id={route.id} /></>;
  if (route.page === 'comparison') return <>{back()}<SavedComparison key={route.id} id={route.id} /></>;
  if (route.page === 'history') return <>{back()}<HistoryPage key={route.scenario} scenario={route.scenario} /></>;
  if (route.page === 'compare') return <>{back()}<PickedComparison key={route.ids.join('\n')} ids={route.ids} /></>;
  if (route.page === 'live') {
    const run = runs.get(route.runId);
    if (!run) return <>{back()}<p className="page explain">Waiting for run {route.runId}…</p></>;
    return <>{back()}<RunPage result={run.result} live={run.ended ? 'ended' : 'running'} /></>;
  }
  return <RunsList live={[...runs.values()]} version={version} connected={connected} />;
}
