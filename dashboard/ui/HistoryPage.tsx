// A scenario's history on the dashboard (#/history/<scenario>): p50, p99 and the request rate
// over its recorded runs, change points on p99 marked, each point a link to the run's report.
import { useEffect, useState } from 'react';
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { historyView, type HistoryPageView, type HistoryPoint, type HistorySeries, type ScenarioHistory } from '../view/history.ts';
import { PERCENTILE_COLORS } from './colors.ts';
import { ChartCard } from './TimeChart.tsx';

const COLORS = { p50: PERCENTILE_COLORS.p50, p99: PERCENTILE_COLORS.p99, rate: '#2f855a' } as const;
const CHANGE_COLOR = '#c53030';

function PointDot(props: { cx?: number; cy?: number; payload?: HistoryPoint; color: string }) {
  const p = props.payload;
  if (!p || p.value === null || props.cx === undefined || props.cy === undefined) return <g />;
  const dot = <circle cx={props.cx} cy={props.cy} r={5} fill={props.color} stroke="#fff" strokeWidth={1.5} data-history-point={p.runId} data-x={p.x} />;
  return p.href === null ? dot : <a href={p.href} data-history-link={p.runId}>{dot}</a>;
}

function SeriesChart({ s, view }: { s: HistorySeries; view: HistoryPageView }) {
  const fmt = (v: number) => String(+v.toPrecision(4));
  return (
    <ChartCard id={`history-${s.key}`} title={`${s.title} (${s.unit})`} note="each point: one run, oldest left; click to open its report · red dashed: a change point in p99">
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={s.points} margin={{ top: 10, right: 20, bottom: 10, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={[-0.5, Math.max(0.5, view.runs - 0.5)]} allowDecimals={false} ticks={s.points.map((p) => p.x)} tickFormatter={(x: number) => String(x + 1)} />
          <YAxis tickFormatter={fmt} width={60} domain={[0, 'auto']} />
          <Tooltip formatter={(v) => [`${typeof v === 'number' ? fmt(v) : String(v)} ${s.unit}`, s.title]} labelFormatter={(x) => { const p = typeof x === 'number' ? s.points[x] : undefined; return p ? `${p.runId} · ${p.startedAt} · ${p.verdict}` : ''; }} />
          {view.changes.map((c) => <ReferenceLine key={c.x} x={c.x} stroke={CHANGE_COLOR} strokeWidth={2} strokeDasharray="5 4" className="history-change" />)}
          <Line dataKey="value" stroke={COLORS[s.key]} strokeWidth={1.5} isAnimationActive={false} connectNulls dot={(p) => <PointDot key={`${s.key}-${String(p.index)}`} cx={p.cx} cy={p.cy} payload={p.payload as HistoryPoint | undefined} color={COLORS[s.key]} />} activeDot={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function HistoryPage({ scenario }: { scenario: string }) {
  const [state, setState] = useState<{ view: HistoryPageView } | { error: string } | null>(null);
  useEffect(() => {
    setState(null);
    fetch(`/api/history/${encodeURIComponent(scenario)}`)
      .then((r) => (r.ok ? (r.json() as Promise<ScenarioHistory>) : r.json().then((b: { error?: string }) => Promise.reject(new Error(b.error ?? `HTTP ${r.status}`)))))
      .then((h) => setState({ view: historyView(h) }), (e: unknown) => setState({ error: e instanceof Error ? e.message : String(e) }));
  }, [scenario]);
  if (!state) return <p className="page explain">Loading the history of {scenario}…</p>;
  if ('error' in state) return <pre className="load-error page">{state.error}</pre>;
  const v = state.view;
  return (
    <main className="page" data-page="history">
      <h1>history {v.scenario}</h1>
      <p className="explain" data-testid="history-summary">{v.runs} run(s), {v.changes.length} change point(s) in p99</p>
      {v.runs === 0 ? <p className="explain">No recorded runs of this scenario yet.</p> : (
        <>
          {v.series.map((s) => <SeriesChart key={s.key} s={s} view={v} />)}
          {v.changes.length > 0 ? (
            <ul data-testid="history-changes">
              {v.changes.map((c) => <li key={c.x}>between {c.runBefore} and {c.runAfter}: p99 {c.before?.toFixed(2) ?? '—'} → {c.after?.toFixed(2) ?? '—'} ms</li>)}
            </ul>
          ) : null}
          <table className="data" data-table="history">
            <thead><tr><th className="left">run</th><th className="left">started (UTC)</th><th className="left">commit</th><th className="left">target</th><th className="left">verdict</th></tr></thead>
            <tbody>
              {v.table.map((r, i) => (
                <tr key={r.runId} data-row={i}>
                  <td className="left mono">{r.href ? <a href={r.href}>{r.runId}</a> : r.runId}</td>
                  <td className="left">{r.startedAt}</td>
                  <td className="left mono">{r.commit}</td>
                  <td className="left name">{r.target}</td>
                  <td className="left">{r.verdict}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
