// The target's cost per configuration (a target Stampede started, read from /proc): CPU-seconds
// per 1,000 requests, requests per target core-second and peak RSS, as a table in rank order and
// as bars, with what ranked them (--rank cost: the cheapest configuration that meets the SLO).
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BarDatum, CostView } from '../view/compare.ts';
import { formatCompact, formatCount } from '../view/format.ts';
import { linearTicks } from '../view/scale.ts';
import { colorAt } from './colors.ts';
import { ChartCard } from './TimeChart.tsx';

const cpuText = (v: number | null) => (v === null ? '—' : v.toFixed(3));
const rssText = (v: number | null) => (v === null ? '—' : `${v.toFixed(v < 10 ? 1 : 0)} MB`);

function CostBars({ id, title, note, rows, unit, format }: { id: string; title: string; note: string; rows: BarDatum[]; unit: string; format: (v: number) => string }) {
  if (rows.length === 0) return <div className="chart empty" data-chart={id}><p>No configuration has it.</p></div>;
  const axis = linearTicks(Math.max(...rows.map((r) => r.value + (r.spread?.[1] ?? 0))) * 1.18);
  return (
    <ChartCard id={id} title={title} note={note}>
      <ResponsiveContainer width="100%" height={56 + rows.length * 34}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 40, bottom: 4, left: 4 }} barCategoryGap="22%">
          <CartesianGrid stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" domain={axis.domain} ticks={axis.ticks} tickFormatter={(v: number) => formatCompact(v)} fontSize={12} height={36}
            label={{ value: unit, position: 'insideBottomRight', offset: 0, className: 'axis-label' }} />
          <YAxis type="category" dataKey="label" width={220} fontSize={12} interval={0} />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
          <Bar dataKey="value" name={title} fill="#4a5568" isAnimationActive={false}>
            {rows.map((r, i) => <Cell key={i} fill={colorAt(r.colorIndex)} />)}
            <ErrorBar dataKey="spread" direction="x" width={6} stroke="#1a202c" isAnimationActive={false} />
            <LabelList dataKey="value" position="right" formatter={(v: unknown) => (typeof v === 'number' ? format(v) : '')} fontSize={11} fill="#1a202c" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function CostSection({ cost, repeats }: { cost: CostView | null; repeats: number }) {
  if (!cost) return null;
  const note = repeats > 1 ? 'median over repeats; whiskers: min–max' : 'one run each';
  return (
    <section id="cost">
      <h2>Target cost</h2>
      <p className="explain" data-testid="rank-by">
        {cost.rankBy === 'cost'
          ? <>Ranked by cost (<code>--rank cost</code>): among the configurations that met the scenario’s thresholds, the one using the fewest target CPU-seconds per 1,000 requests first.</>
          : <>Ranked by latency; <code>--rank cost</code> ranks by the target’s CPU-seconds per 1,000 requests instead (the cheapest configuration that meets the thresholds first).</>}
        {' '}Measured from <code>/proc</code> over the target’s whole process tree while each run went.
      </p>
      <div className="table-wrap">
        <table className="data compare" data-table="cost">
          <thead>
            <tr><th>#</th><th className="left config-col">configuration</th><th>CPU-s per<br />1,000 requests</th><th>requests per<br />target core-second</th><th>peak RSS</th></tr>
          </thead>
          <tbody>
            {cost.rows.map((r, i) => (
              <tr key={r.id} data-row={i}>
                <td data-cell="rank">{r.rank ?? '–'}</td>
                <td className="left name" data-cell="label"><span className="swatch" style={{ background: colorAt(r.colorIndex) }} />{r.label}</td>
                <td data-cell="cpu-per-1k" className={r.best.cpu ? 'winner' : ''}>{cpuText(r.cpuSecondsPer1000Requests)}</td>
                <td data-cell="req-per-core" className={r.best.perCore ? 'winner' : ''}>{formatCount(r.requestsPerCoreSecond)}</td>
                <td data-cell="peak-rss" className={r.best.rss ? 'winner' : ''}>{rssText(r.peakRssMb)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="grid-2">
        <CostBars id="cost-cpu-bars" title="Target CPU-s per 1,000 requests" note={`lower is cheaper; ${note}`} rows={cost.cpuBars} unit="CPU-s" format={(v) => v.toFixed(3)} />
        <CostBars id="cost-rss-bars" title="Target peak RSS" note={`all of its processes; ${note}`} rows={cost.rssBars} unit="MB" format={(v) => `${formatCompact(v)} MB`} />
      </div>
    </section>
  );
}
