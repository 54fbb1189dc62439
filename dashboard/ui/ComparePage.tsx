// Configurations side by side (a comparison.json, or runs picked on the dashboard): the ranked
// table with the winner of each column and its significance mark, bars for p99 and achieved
// rate, and p99 over time, one line per configuration. Every string from the document is text.
import { useEffect, useMemo } from 'react';
import type { ColumnKey } from '../../runner/result/comparison-schema.ts';
import type { ComparisonReport } from '../model/compare.ts';
import { buildCompareView, MARK_TEXT, type CompareCell, type CompareRow, type CompareView, type Mark, type RunHref } from '../view/compare.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import { colorAt } from './colors.ts';
import { OverTimeCharts, P99Bars, RateBars } from './CompareCharts.tsx';
import { SettingsSection } from './SettingsCharts.tsx';
import { CostSection } from './CompareCost.tsx';
import { Facts, Notes, Stats } from './Headline.tsx';
import './compare.css';

function Header({ view }: { view: CompareView }) {
  return (
    <header>
      <div className="title-row">
        <h1><span className="kind">{view.source === 'comparison' ? 'comparison' : 'picked runs'}</span> {view.title}</h1>
      </div>
      <p className="best" data-testid="best">{view.best ? <>Ranked first: <strong>{view.best}</strong></> : 'No configuration ran successfully.'}</p>
      {view.partial ? <div className="banner partial" role="alert" data-testid="partial">This comparison was interrupted: not every configuration was run {view.source === 'comparison' ? `${view.repeats} time(s)` : 'to the end'}.</div> : null}
      <Notes items={view.notes} testId="notes" />
      <Stats stats={view.stats} />
      <Facts facts={view.facts} />
    </header>
  );
}

function MarkSign({ mark }: { mark: Mark | null }) {
  if (!mark) return null;
  return <sup className={`mark mark-${mark === '*' ? 'real' : mark === '~' ? 'noise' : 'untested'}`} title={MARK_TEXT[mark]} data-mark={mark}>{mark}</sup>;
}

function Cell({ cell, id, extra }: { cell: CompareCell; id: ColumnKey; extra?: string | undefined }) {
  return (
    <td data-cell={id} className={cell.winner ? 'winner' : ''}>
      <span className="cell-value">{cell.text}</span>
      <MarkSign mark={cell.mark} />
      {cell.range ? <div className="cell-range" data-range>{cell.range}</div> : null}
      {extra ? <div className="cell-range">{extra}</div> : null}
    </td>
  );
}

/** A configuration label that may wrap after its commas (never inside a knob), as text. */
function Label({ text }: { text: string }) {
  const parts = text.split(',');
  return <span className="config-label">{parts.map((p, i) => (i < parts.length - 1 ? <span key={i}>{p},<wbr /></span> : <span key={i}>{p}</span>))}</span>;
}

function tone(ok: boolean | null): string {
  return ok === null ? '' : ok ? 'ok-text' : 'bad';
}

function Row({ row, i, width }: { row: CompareRow; i: number; width: number }) {
  const swatch = <span className="swatch" style={{ background: colorAt(row.colorIndex) }} />;
  if (row.skipped) {
    return (
      <tr data-row={i} className="row-skipped">
        <td>{row.rank ?? '–'}</td>
        <td className="left name" data-cell="label"><Label text={row.label} /></td>
        <td className="left skipped" colSpan={width - 2} data-cell="skipped">skipped: {row.skipped}</td>
      </tr>
    );
  }
  const c = row.cells;
  return (
    <>
      <tr data-row={i} className={row.invariants.ok === false ? 'row-bad' : ''}>
        <td data-cell="rank">{row.rank ?? '–'}</td>
        <td className="left name" data-cell="label" title={row.fullLabel}>{swatch}<Label text={row.label} /><div className="cell-range" data-cell="runs">{row.runs} runs ok</div>
          {row.links.length > 0 ? (
            <div className="run-links-inline" data-cell="reports">report{row.links.length > 1 ? 's' : ''}: {row.links.map((l, k) => (
              <span key={k}>{k > 0 ? ', ' : ''}<a href={l.href} data-run-link={l.repeat} className={l.failed.length ? 'bad' : ''} title={l.failed.length ? `failed: ${l.failed.join('; ')}` : 'thresholds met'}>run {l.repeat}</a></span>
            ))}</div>
          ) : null}
        </td>
        <Cell cell={c.requestsPerSecond} id="requestsPerSecond" />
        <Cell cell={c.latencyP50} id="latencyP50" />
        <Cell cell={c.latencyP99} id="latencyP99" />
        <Cell cell={c.durationP50} id="durationP50" />
        <Cell cell={c.durationP99} id="durationP99" />
        <Cell cell={c.errorRate} id="errorRate" />
        <Cell cell={c.sold} id="sold" />
        <Cell cell={c.oversold} id="oversold" />
        <td data-cell="checks" className={c.checksFailed.winner ? 'winner' : ''}>
          <span className={tone(row.checks.ok)}>{row.checks.text}</span><MarkSign mark={c.checksFailed.mark} />
          {row.checks.of ? <div className="cell-range">{row.checks.of}</div> : null}
          {c.checksFailed.range ? <div className="cell-range">per run: {c.checksFailed.range}</div> : null}
        </td>
        <td data-cell="thresholds" className={c.thresholdsFailed.winner ? 'winner' : ''}>
          <span className={tone(row.thresholds.ok)}>{row.thresholds.text}</span><MarkSign mark={c.thresholdsFailed.mark} />
          {row.thresholds.failed.length > 0 ? <ul className="failed-thresholds" data-cell="failed-thresholds">{row.thresholds.failed.map((f, k) => <li key={k} className="mono">✗ {f}</li>)}</ul> : null}
        </td>
        <td data-cell="invariants" className={`left ${tone(row.invariants.ok)}`}>{row.invariants.text}</td>
      </tr>
      {row.failures.map((f, k) => (
        <tr key={k} className="row-failure"><td /><td className="left failure" colSpan={width - 1}>{f}</td></tr>
      ))}
    </>
  );
}

function RankingTable({ view }: { view: CompareView }) {
  const width = 13;
  return (
    <section id="ranking">
      <h2>Ranked configurations</h2>
      <p className="explain">
        Best first. {view.repeats > 1 ? `Each cell is the median of ${view.repeats} runs, with the range (min – max) below it. ` : 'One run per configuration: no run-to-run spread was measured. '}
        The best value of each column is highlighted; its mark says whether the lead is real.
      </p>
      <div className="table-wrap">
        <table className="data compare" data-table="ranking">
          <thead>
            <tr>
              <th rowSpan={2}>#</th><th rowSpan={2} className="left config-col">configuration</th><th rowSpan={2}>achieved rate<br />(req/s)</th>
              <th colSpan={2} className="group">{LATENCY.label}<br /><code>{LATENCY.metric}</code></th>
              <th colSpan={2} className="group">{DURATION.label}<br /><code>{DURATION.metric}</code></th>
              <th rowSpan={2}>failed requests<br />(<code>http_req_failed</code>)</th><th rowSpan={2}>sold</th><th rowSpan={2}>oversold</th><th rowSpan={2}>checks</th><th rowSpan={2}>thresholds</th><th rowSpan={2} className="left">invariants</th>
            </tr>
            <tr><th className="group">p50</th><th>p99</th><th className="group">p50</th><th>p99</th></tr>
          </thead>
          <tbody>
            {view.rows.map((r, i) => <Row key={r.id} row={r} i={i} width={width} />)}
          </tbody>
        </table>
      </div>
      <ul className="mark-legend" data-testid="mark-legend">
        <li><span className="winner-swatch" /> best value of the column</li>
        {(['*', '~', '?'] as const).map((m) => <li key={m}><MarkSign mark={m} /> {MARK_TEXT[m]}</li>)}
      </ul>
    </section>
  );
}

function Winners({ view }: { view: CompareView }) {
  return (
    <section id="winners">
      <h2>Winner per criterion</h2>
      <table className="data winners" data-table="winners">
        <thead><tr><th className="left">criterion</th><th className="left">winner</th><th className="left">is the lead real?</th></tr></thead>
        <tbody>
          {view.winners.map((w, i) => (
            <tr key={i} data-row={i}>
              <td className="left">{w.column}</td>
              <td className="left name" data-cell="winner">{w.winner ?? '—'}</td>
              <td className="left" data-cell="verdict"><MarkSign mark={w.mark} /> {w.verdict}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ComparePage({ report, onComplete, runHref }: { report: ComparisonReport; onComplete?: () => void; runHref?: RunHref }) {
  const view = useMemo(() => buildCompareView(report, runHref), [report, runHref]);
  useEffect(() => {
    performance.mark('stampede:first-chart');
    performance.mark('stampede:all-charts');
    onComplete?.();
  }, [onComplete]);
  return (
    <main className="page compare-page">
      <Header view={view} />
      <RankingTable view={view} />
      <Winners view={view} />
      <section id="bars">
        <h2>p99 and achieved rate</h2>
        <div className="grid-2">
          <P99Bars view={view} />
          <RateBars view={view} />
        </div>
      </section>
      <CostSection cost={view.cost} repeats={view.repeats} />
      <SettingsSection report={report} />
      <section id="over-time">
        <h2>Over time</h2>
        <p className="explain">One run per configuration: {view.repeats > 1 ? 'the median run by p99 latency' : 'its run'}. A line that climbs at the peak and stays up is a configuration that fell behind the arrivals.</p>
        {view.overlay.series.length > 0 ? (
          <ul className="run-notes" data-testid="overlay-legend">{view.overlay.series.map((s) => <li key={s.key}><span className="swatch" style={{ background: colorAt(s.colorIndex) }} />{s.label} <span className="muted">— {s.note}</span></li>)}</ul>
        ) : null}
        <OverTimeCharts view={view} />
      </section>
      <section id="method">
        <h2>How it is decided</h2>
        <p className="explain method" data-testid="method">{view.method}</p>
      </section>
      <footer>Stampede · comparison schema v{report.comparison.schemaVersion} · times in ms unless marked</footer>
    </main>
  );
}
