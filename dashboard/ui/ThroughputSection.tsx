// Offered vs achieved rate, VUs, errors by kind and dropped iterations over time.
import type { RunView } from '../view/run.ts';
import { formatCount, formatRate } from '../view/format.ts';
import { linearTicks } from '../view/scale.ts';
import { colorAt } from './colors.ts';
import { EmptyChart, TimeChart, type SeriesDef } from './TimeChart.tsx';

const rate = (v: number) => formatRate(v);

export function ThroughputSection({ view }: { view: RunView }) {
  const r = view.rates;
  const rateSeries: SeriesDef[] = [
    ...(r.hasOffered ? [{ key: 'offered', name: 'offered (scheduled iterations/s)', color: '#4a5568', dashed: true }] : []),
    { key: 'started', name: 'iterations started/s', color: '#2b6cb0' },
    { key: 'requests', name: 'requests completed/s', color: '#2f855a' },
  ];
  const rateMax = Math.max(0, ...r.points.flatMap((p) => [p.offered ?? 0, p.started, p.requests]));
  const vuMax = Math.max(0, ...r.points.flatMap((p) => [p.vus, p.vusMax]));
  const droppedMax = Math.max(0, ...r.points.flatMap((p) => [p.dropped, p.failed]));
  const e = view.errors;
  const errMax = Math.max(0, ...e.points.map((p) => e.kinds.reduce((a, _k, i) => a + (p[`k${i}`] ?? 0), 0)));
  return (
    <>
      <section id="throughput">
        <h2>Throughput</h2>
        <div className="grid-2">
          <TimeChart id="rate" title={r.hasOffered ? 'Offered vs achieved rate' : 'Achieved rate'} note={r.rateNote} points={r.points} series={rateSeries} durationS={view.durationS}
            y={{ label: 'per second', ...linearTicks(rateMax), valueFormat: rate }} />
          <TimeChart id="vus" title="Virtual users" note={r.bucketS > 1 ? `max of each ${r.bucketS} s` : 'per second'} points={r.points} durationS={view.durationS}
            series={[{ key: 'vus', name: 'VUs busy', color: '#805ad5' }, { key: 'vusMax', name: 'VUs allocated (max)', color: '#a0aec0', dashed: true }]}
            y={{ label: 'VUs', ...linearTicks(vuMax, { integer: true }), valueFormat: formatCount }} />
        </div>
      </section>
      <section id="errors">
        <h2>Errors and dropped iterations</h2>
        <div className="grid-2">
          {e.kinds.length > 0 ? (
            <TimeChart id="errors-by-kind" kind="stacked-bar" title="Failed requests by error kind" note={e.rateNote} points={e.points} durationS={view.durationS}
              series={e.kinds.map((k, i) => ({ key: `k${i}`, name: `${k.kind} (${formatCount(k.total)})`, color: colorAt(i + 4) }))}
              y={{ label: 'failed requests/s', ...linearTicks(errMax), valueFormat: rate }} />
          ) : (
            <EmptyChart id="errors-by-kind" title="Failed requests by error kind" text="No failed requests in this run." />
          )}
          <TimeChart id="dropped" kind="bar" title="Dropped iterations (no free VU at the scheduled time)" note={r.rateNote} points={r.points} durationS={view.durationS}
            series={[{ key: 'dropped', name: 'dropped iterations/s', color: '#c53030' }]}
            y={{ label: 'iterations/s', ...linearTicks(droppedMax), valueFormat: rate }} emptyText="No dropped iterations in this run." />
        </div>
      </section>
    </>
  );
}
