// One capacity study (capacity.json), in reading order: the answer first, then the curve it
// came from, the probes that made it, what it means for the peak (instances, the autoscaler),
// and a sweep's USL fit. Every string from the document is rendered as text.
import { useEffect, useMemo } from 'react';
import type { CapacityDocument } from '../../runner/result/capacity-schema.ts';
import { buildCapacityView, type CapacityView, type ProbeRow } from '../view/capacity.ts';
import { LATENCY, DURATION } from '../view/labels.ts';
import { HpaCharts, LatencyThroughputChart, UslChart } from './CapacityCharts.tsx';
import { Facts, Notes, Stats } from './Headline.tsx';
import './capacity.css';

function ProbeVerdict({ row }: { row: ProbeRow }) {
  const cls = row.verdict === 'pass' ? 'verdict ok' : row.verdict === 'fail' ? 'verdict bad' : 'verdict gen';
  return <span className={cls} data-verdict={row.verdict}>{row.verdictText}</span>;
}

function Header({ view }: { view: CapacityView }) {
  const a = view.answer;
  return (
    <header>
      <div className="title-row">
        <h1><span className="kind">capacity</span> {view.title}</h1>
        {a ? <span className={a.ok ? 'badge ok' : 'badge bad'} data-testid="answer-status">{a.status}</span> : <span className="badge" data-testid="answer-status">sweep only</span>}
      </div>
      <Notes items={view.warnings} testId="warnings" />
      <Stats stats={view.stats} />
      <Facts facts={view.facts} />
    </header>
  );
}

function AnswerSection({ view }: { view: CapacityView }) {
  const a = view.answer;
  if (!a) {
    return (
      <section id="answer">
        <h2>Answer</h2>
        <p className="explain">No maximum-sustainable-throughput search in this study (no <code>--slo</code> was given): only the sweep below.</p>
      </section>
    );
  }
  return (
    <section id="answer">
      <h2>Answer</h2>
      <div className={a.ok ? 'answer ok' : 'answer'} data-testid="answer">
        <div className="answer-headline" data-testid="answer-headline">{a.headline}</div>
        {a.requests ? <div className="answer-requests" data-testid="answer-requests">≈ {a.requests}</div> : null}
        <dl className="facts">
          <div><dt>status</dt><dd data-cell="status">{a.statusText}</dd></div>
          <div><dt>bracket</dt><dd data-cell="bracket">{a.bracket}</dd></div>
          <div><dt>precision</dt><dd data-cell="precision" className={a.precisionMet === false ? 'bad' : ''}>{a.precision}</dd></div>
          <div><dt>search time</dt><dd data-cell="search-time">{a.searchTime}</dd></div>
          <div><dt>SLO</dt><dd>{view.slo} on <code>{LATENCY.metric}</code></dd></div>
        </dl>
        <p className="answer-message" data-testid="answer-message">{a.message}</p>
      </div>
    </section>
  );
}

function CurveSection({ view }: { view: CapacityView }) {
  const c = view.curve;
  if (!c) return null;
  return (
    <section id="curve">
      <h2>Latency against throughput</h2>
      <p className="explain">
        Each probe offered a constant arrival rate for a warm-up and a measured window. The lines join, at each rate, the last probe that measured the target
        (a generator-limited probe says nothing about it: it shows as a grey triangle only). The SLO is judged on the latency from the intended start;
        the service time (dashed) leaves out time spent waiting in the generator. The shaded band is the bracket the search ended with.
        {c.sloNotDrawn.length ? ` Not drawn (not a bound in ms): ${c.sloNotDrawn.join(', ')}.` : ''}
      </p>
      <LatencyThroughputChart curve={c} />
    </section>
  );
}

function ProbeTable({ view }: { view: CapacityView }) {
  if (view.probes.length === 0) return null;
  return (
    <section id="probes">
      <h2>Probes in the order run</h2>
      <div className="table-wrap">
        <table className="data probes" data-table="probes">
          <thead>
            <tr>
              <th rowSpan={2}>#</th><th rowSpan={2} className="left">phase</th><th rowSpan={2}>offered<br />iterations/s</th><th rowSpan={2}>requests/s<br />completed</th><th rowSpan={2} className="left">verdict</th>
              <th colSpan={3} className="group">{LATENCY.short}</th><th className="group">{DURATION.short}</th>
              <th rowSpan={2}>errors</th><th rowSpan={2}>achieved<br />÷ offered</th><th rowSpan={2}>completed<br />iterations/s</th><th rowSpan={2}>dropped</th><th rowSpan={2}>wall time</th>
            </tr>
            <tr><th>p50</th><th>p90</th><th>p99</th><th>p99</th></tr>
          </thead>
          <tbody>
            {view.probes.map((p, i) => [
              <tr key={p.index} data-row={i} className={`probe-${p.verdict}`}>
                <td data-cell="index">{p.index}</td>
                <td className="left" data-cell="phase">{p.phase}{p.retryOf !== null ? ` (re-run of ${p.retryOf})` : ''}</td>
                <td data-cell="rate">{p.rate}</td>
                <td data-cell="requests">{p.requests}</td>
                <td className="left" data-cell="verdict"><ProbeVerdict row={p} /></td>
                <td data-cell="latency-p50">{p.latencyP50}</td>
                <td data-cell="latency-p90">{p.latencyP90}</td>
                <td data-cell="latency-p99">{p.latencyP99}</td>
                <td data-cell="duration-p99">{p.durationP99}</td>
                <td data-cell="errors">{p.errors}</td>
                <td data-cell="achieved">{p.achieved}</td>
                <td data-cell="throughput">{p.throughput}</td>
                <td data-cell="dropped">{p.dropped}</td>
                <td data-cell="duration">{p.duration}</td>
              </tr>,
              p.reasons.length ? (
                <tr key={`${p.index}-why`} className={`probe-${p.verdict} why`} data-why={i}>
                  <td />
                  <td colSpan={13} className="left reasons" data-cell="reasons"><ul>{p.reasons.map((r, j) => <li key={j}>{r}</li>)}</ul></td>
                </tr>
              ) : null,
            ])}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PeakSection({ view }: { view: CapacityView }) {
  const p = view.peak;
  if (!p) return null;
  return (
    <section id="peak">
      <h2>The peak: {p.peak}</h2>
      <dl className="facts">
        <div><dt>instances needed</dt><dd data-cell="instances">{p.instances}</dd></div>
        <div><dt>formula</dt><dd data-cell="formula">{p.formula}</dd></div>
        <div><dt>headroom</dt><dd>each instance at {p.headroom} of its MST</dd></div>
      </dl>
      {p.hpa ? (
        <>
          <h3>Autoscaler (Kubernetes HPA) simulation</h3>
          <p className="explain">On {p.hpa.profile}; desired = ⌈current × utilisation ÷ target⌉ every sync period, new pods ready after their start-up time.</p>
          <div className={p.hpa.autoscalingSuffices ? 'hpa-verdict ok' : 'hpa-verdict bad'} role="status" data-testid="hpa-verdict">
            <strong>{p.hpa.autoscalingSuffices ? 'Autoscaling keeps up.' : 'Autoscaling alone is not enough.'}</strong> {p.hpa.verdict}
            <div className="prescale" data-testid="pre-scale">Pre-scale recommendation: {p.hpa.preScale}</div>
          </div>
          <dl className="facts">
            {[...p.hpa.params, ...p.hpa.facts].map((f) => (
              <div key={f.label}><dt>{f.label}</dt><dd>{f.value}</dd></div>
            ))}
          </dl>
          <HpaCharts hpa={p.hpa} />
        </>
      ) : <p className="explain">No autoscaler simulation: it needs an MST.</p>}
    </section>
  );
}

function SweepSection({ view }: { view: CapacityView }) {
  const s = view.sweep;
  if (!s) return null;
  return (
    <section id="sweep">
      <h2>Scalability: the USL over {s.unit}</h2>
      {s.method ? <p className="explain" data-testid="sweep-method">{s.method}.{s.kind === 'workers' ? ' The load generator runs on the same machine as the target: its CPU and event-loop lag are in the table.' : ''}</p> : null}
      {s.targetConfig ? <p className="explain" data-testid="sweep-config">Target configuration (workers = N): <code>{s.targetConfig}</code></p> : null}
      {s.error ? <p className="load-error inline" data-testid="usl-error">No USL fit: {s.error}</p> : null}
      <div className="stats">
        {s.params.map((p) => (
          <div key={p.id} className="stat" data-usl={p.id}>
            <div className="stat-value">{p.value}</div>
            <div className="stat-label">{p.label}</div>
          </div>
        ))}
      </div>
      {s.notes.length ? <ul className="warnings" data-testid="usl-notes">{s.notes.map((n, i) => <li key={i}>{n}</li>)}</ul> : null}
      <div className="sweep-grid">
        <UslChart sweep={s} />
        <div className="table-wrap">
          <table className="data" data-table="sweep">
            <thead><tr><th>N</th>{s.kind === 'workers' ? <><th>VUs</th><th>settled after</th></> : null}<th>measured</th><th>USL fit</th><th>residual</th><th>p99 latency<br />(intended start)</th><th>errors</th><th>wall time</th><th>generator CPU</th><th className="left">event loop</th></tr></thead>
            <tbody>
              {s.rows.map((r, i) => (
                <tr key={i} data-row={i}>
                  <td data-cell="n">{r.n}</td>
                  {s.kind === 'workers' ? <><td data-cell="vus">{r.vus}</td><td data-cell="settle">{r.settle}</td></> : null}
                  <td data-cell="throughput">{r.throughput}</td>
                  <td data-cell="fitted">{r.fitted}</td>
                  <td data-cell="residual">{r.residual}</td>
                  <td data-cell="latency-p99">{r.latencyP99}</td>
                  <td data-cell="errors">{r.errors}</td>
                  <td data-cell="duration">{r.duration}</td>
                  <td data-cell="generator-cpu">{r.generatorCpu}</td>
                  <td className={r.generatorSaturated ? 'left bad' : 'left'} title="lagged: the generator's event-loop lag p99 exceeded 10 ms in a second of the window">{r.generatorSaturated ? 'lagged' : 'ok'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
}

export function CapacityPage({ doc, onComplete }: { doc: CapacityDocument; onComplete?: () => void }) {
  const view = useMemo(() => buildCapacityView(doc), [doc]);
  useEffect(() => {
    performance.mark('stampede:all-charts');
    onComplete?.();
  }, [onComplete]);
  return (
    <main className="page capacity-page">
      <Header view={view} />
      <AnswerSection view={view} />
      <CurveSection view={view} />
      <ProbeTable view={view} />
      <PeakSection view={view} />
      <SweepSection view={view} />
      <footer>Stampede {doc.meta.tool.version} · capacity schema v{doc.schemaVersion} · rates are iterations of the journey per second · times in ms unless marked</footer>
    </main>
  );
}
