// Tables: requests by name, thresholds, checks. Every cell from the run is plain text.
import type { RunView } from '../view/run.ts';
import { formatClock, formatCount, formatMs, formatMsTick, formatPercent } from '../view/format.ts';
import type { RequestRow } from '../view/requests.ts';
import type { ThresholdRow } from '../view/verdicts.ts';

function Verdict({ ok }: { ok: boolean }) {
  return <span className={ok ? 'verdict ok' : 'verdict bad'}>{ok ? 'pass' : 'FAIL'}</span>;
}

/** A row's latency distribution as a tiny bar chart (counts per 1-2-5 band), with a title per bar. */
function MiniDistribution({ row }: { row: RequestRow }) {
  const d = row.distribution;
  if (!d || d.length === 0) return <span className="muted">—</span>;
  const max = Math.max(1, ...d.map((b) => b.count));
  const w = 6;
  return (
    <svg className="mini-dist" width={d.length * (w + 1)} height={22} role="img" aria-label="latency distribution" data-cell="distribution" data-buckets={d.length}>
      {d.map((b, i) => {
        const h = b.count === 0 ? 0 : Math.max(1, Math.round((b.count / max) * 20));
        return (
          <rect key={i} x={i * (w + 1)} y={22 - h} width={w} height={h} fill="#2b6cb0">
            <title>{`${formatMsTick(b.lo)}–${formatMsTick(b.hi)} ms: ${formatCount(b.count)}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export function RequestTable({ view }: { view: RunView }) {
  if (view.requests.length === 0) return <section id="requests"><h2>Requests by name</h2><p className="explain">No request carried a <code>name</code> tag.</p></section>;
  return (
    <section id="requests">
      <h2>Requests by name</h2>
      <p className="explain">min, mean and max are exact; percentiles come from the merged HDR histograms. The distribution is of the latency from the intended start, in 1-2-5 ms bands (hover a bar).</p>
      <div className="table-wrap">
        <table className="data" data-table="requests">
          <thead>
            <tr>
              <th rowSpan={2} className="left">name</th><th rowSpan={2} className="left">method</th><th rowSpan={2}>requests</th><th rowSpan={2}>failed</th><th rowSpan={2}>error rate</th>
              <th colSpan={6} className="group">latency from intended start</th><th colSpan={3} className="group">duration from send (k6)</th><th rowSpan={2} className="left">distribution</th>
            </tr>
            <tr><th>min</th><th>mean</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>p50</th><th>p90</th><th>p99</th></tr>
          </thead>
          <tbody>
            {view.requests.map((r, i) => (
              <tr key={i} data-row={i}>
                <td className="left name" data-cell="name">{r.name}</td>
                <td className="left">{r.methods.join(', ')}</td>
                <td data-cell="requests">{formatCount(r.requests)}</td>
                <td data-cell="failed">{formatCount(r.failed)}</td>
                <td data-cell="error-rate" className={r.errorRate ? 'bad' : ''}>{formatPercent(r.errorRate)}</td>
                <td data-cell="latency-min">{formatMs(r.latency.min)}</td>
                <td data-cell="latency-mean">{formatMs(r.latency.mean)}</td>
                <td data-cell="latency-p50">{formatMs(r.latency.p50)}</td>
                <td data-cell="latency-p90">{formatMs(r.latency.p90)}</td>
                <td data-cell="latency-p99">{formatMs(r.latency.p99)}</td>
                <td data-cell="latency-max">{formatMs(r.latency.max)}</td>
                <td data-cell="duration-p50">{formatMs(r.duration.p50)}</td>
                <td data-cell="duration-p90">{formatMs(r.duration.p90)}</td>
                <td data-cell="duration-p99">{formatMs(r.duration.p99)}</td>
                <td className="left"><MiniDistribution row={r} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Gatling's error list: each distinct message with its count and share of the failures. */
export function ErrorTable({ view }: { view: RunView }) {
  const total = view.errorMessages.reduce((a, e) => a + e.count, 0);
  return (
    <section id="error-messages">
      <h2>Errors</h2>
      {view.errorMessages.length === 0 ? (
        <p className="explain" data-testid="no-errors">{view.hasErrorMessages ? 'No request failed in this run.' : 'This result was written before error messages were recorded.'}</p>
      ) : (
        <div className="table-wrap">
          <table className="data" data-table="errors">
            <thead><tr><th className="left">message</th><th className="left">request</th><th className="left">kind</th><th>count</th><th>share of failures</th><th>first – last seen</th></tr></thead>
            <tbody>
              {view.errorMessages.map((e, i) => (
                <tr key={i} data-row={i}>
                  <td className="left mono" data-cell="message">{e.message}</td>
                  <td className="left name" data-cell="request">{e.method && !e.name.startsWith(`${e.method} `) ? `${e.method} ${e.name}` : e.name}</td>
                  <td className="left" data-cell="kind">{e.kind}</td>
                  <td data-cell="count">{formatCount(e.count)}</td>
                  <td>{formatPercent(total ? e.count / total : null)}</td>
                  <td>{formatClock(e.firstT)} – {formatClock(e.lastT)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function observed(t: ThresholdRow): string {
  if (t.observed === null) return 'no samples';
  if (t.unit === 'ms') return formatMs(t.observed);
  if (t.unit === 'ratio') return `${t.observed} (${formatPercent(t.observed)})`;
  return String(t.observed);
}

export function ThresholdTable({ view }: { view: RunView }) {
  return (
    <section id="thresholds">
      <h2>Thresholds</h2>
      {view.thresholds.length === 0 ? <p className="explain">This scenario defines no thresholds.</p> : (
        <table className="data" data-table="thresholds">
          <thead><tr><th className="left">verdict</th><th className="left">metric</th><th className="left">threshold</th><th>observed</th><th className="left">notes</th></tr></thead>
          <tbody>
            {view.thresholds.map((t, i) => (
              <tr key={i} data-row={i} className={t.ok ? '' : 'row-bad'}>
                <td className="left"><Verdict ok={t.ok} /></td>
                <td className="left mono" data-cell="key">{t.key}</td>
                <td className="left mono" data-cell="source">{t.source}</td>
                <td data-cell="observed">{observed(t)}</td>
                <td className="left" data-cell="notes">{[t.aborted ? 'stopped the run (abortOnFail)' : t.abortOnFail ? 'abortOnFail' : '', t.note ?? ''].filter(Boolean).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function CheckTable({ view }: { view: RunView }) {
  return (
    <section id="checks">
      <h2>Checks</h2>
      {view.checks.length === 0 ? <p className="explain">This scenario made no checks.</p> : (
        <table className="data" data-table="checks">
          <thead><tr><th className="left">verdict</th><th className="left">check</th><th className="left">scenario</th><th>passed</th><th>failed</th><th>pass rate</th></tr></thead>
          <tbody>
            {view.checks.map((c, i) => (
              <tr key={i} data-row={i}>
                <td className="left"><Verdict ok={c.ok} /></td>
                <td className="left" data-cell="name" title={c.path}>{c.name}</td>
                <td className="left">{c.scenario ?? ''}</td>
                <td data-cell="passes">{formatCount(c.passes)}</td>
                <td data-cell="fails" className={c.fails ? 'bad' : ''}>{formatCount(c.fails)}</td>
                <td data-cell="pass-rate">{formatPercent(c.passRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
