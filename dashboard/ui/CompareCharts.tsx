// The compare page's charts: p99 and achieved-rate bars per configuration (median, with the
// range over repeats as an error bar), and the p99-over-time overlay, one line per configuration.
// Configuration labels come from the document: they are rendered as SVG text (React escapes
// them) and never used as data keys (series are c0, c1, ... by configuration index).
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BarDatum, CompareView } from '../view/compare.ts';
import { formatCompact, formatCount, formatMs, formatMsTick, formatRate } from '../view/format.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import { linearTicks } from '../view/scale.ts';
import { colorAt } from './colors.ts';
import { ChartCard, TimeChart } from './TimeChart.tsx';

const MAX_LABEL = 30;

/** A y-axis label: the configuration, shortened to fit, the whole of it in a tooltip. */
function ConfigTick(props: { x?: number; y?: number; payload?: { value?: unknown } }) {
  const full = String(props.payload?.value ?? '');
  const short = full.length > MAX_LABEL ? `${full.slice(0, MAX_LABEL - 1)}…` : full;
  return (
    <text x={props.x} y={props.y} dy={4} textAnchor="end" fontSize={12} fill="#1a202c" className="config-tick">
      <title>{full}</title>
      {short}
    </text>
  );
}

const barHeight = (n: number, perRow: number) => 56 + n * perRow;

interface P99Row {
  label: string;
  colorIndex: number;
  latency: number | null;
  latencySpread: [number, number] | null;
  duration: number | null;
  durationSpread: [number, number] | null;
}

export function P99Bars({ view }: { view: CompareView }) {
  const dur = new Map(view.bars.durationP99.map((b) => [b.id, b]));
  const rows: P99Row[] = view.bars.latencyP99.map((b) => ({ label: b.label, colorIndex: b.colorIndex, latency: b.value, latencySpread: b.spread, duration: dur.get(b.id)?.value ?? null, durationSpread: dur.get(b.id)?.spread ?? null }));
  if (rows.length === 0) return <div className="chart empty" data-chart="p99-bars"><p>No configuration has a p99.</p></div>;
  const axis = linearTicks(view.bars.latencyMax * 1.18);
  return (
    <ChartCard id="p99-bars" title="p99 per configuration" note={view.repeats > 1 ? 'median over repeats; whiskers: min–max' : 'one run each'}>
      <ResponsiveContainer width="100%" height={barHeight(rows.length, 50)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 4 }} barCategoryGap="22%" barGap={2}>
          <CartesianGrid stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" domain={axis.domain} ticks={axis.ticks} tickFormatter={(v: number) => formatMsTick(v)} fontSize={12} height={36}
            label={{ value: 'ms', position: 'insideBottomRight', offset: 0, className: 'axis-label' }} />
          <YAxis type="category" dataKey="label" width={220} tick={<ConfigTick />} interval={0} />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? formatMs(v) : String(v))} />
          <Legend verticalAlign="top" height={28} iconType="square" itemSorter={null} />
          <Bar dataKey="latency" name={`p99 ${LATENCY.short}`} fill="#4a5568" isAnimationActive={false}>
            {rows.map((r, i) => <Cell key={i} fill={colorAt(r.colorIndex)} />)}
            <ErrorBar dataKey="latencySpread" direction="x" width={6} stroke="#1a202c" isAnimationActive={false} />
            <LabelList dataKey="latency" position="right" formatter={(v: unknown) => (typeof v === 'number' ? formatMs(v) : '')} fontSize={11} fill="#1a202c" />
          </Bar>
          <Bar dataKey="duration" name={`p99 ${DURATION.short}`} fill="#a0aec0" isAnimationActive={false}>
            {rows.map((r, i) => <Cell key={i} fill={colorAt(r.colorIndex)} fillOpacity={0.4} />)}
            <ErrorBar dataKey="durationSpread" direction="x" width={6} stroke="#4a5568" isAnimationActive={false} />
            <LabelList dataKey="duration" position="right" formatter={(v: unknown) => (typeof v === 'number' ? formatMs(v) : '')} fontSize={11} fill="#4a5568" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function RateBars({ view }: { view: CompareView }) {
  const rows: BarDatum[] = view.bars.rate;
  if (rows.length === 0) return <div className="chart empty" data-chart="rate-bars"><p>No configuration has an achieved rate.</p></div>;
  const axis = linearTicks(view.bars.rateAxis.domain[1] * 1.15);
  return (
    <ChartCard id="rate-bars" title="Achieved rate per configuration" note={`requests answered per second (failed requests excluded)${view.repeats > 1 ? '; median, whiskers: min–max' : ''}`}>
      <ResponsiveContainer width="100%" height={barHeight(rows.length, 34)}>
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 30, bottom: 4, left: 4 }} barCategoryGap="22%">
          <CartesianGrid stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" domain={axis.domain} ticks={axis.ticks} tickFormatter={(v: number) => formatCompact(v)} fontSize={12} height={36}
            label={{ value: 'req/s', position: 'insideBottomRight', offset: 0, className: 'axis-label' }} />
          <YAxis type="category" dataKey="label" width={220} tick={<ConfigTick />} interval={0} />
          <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? formatRate(v, ' req/s') : String(v))} />
          <Bar dataKey="value" name="achieved rate" fill="#4a5568" isAnimationActive={false}>
            {rows.map((r, i) => <Cell key={i} fill={colorAt(r.colorIndex)} />)}
            <ErrorBar dataKey="spread" direction="x" width={6} stroke="#1a202c" isAnimationActive={false} />
            <LabelList dataKey="value" position="right" formatter={(v: unknown) => (typeof v === 'number' ? formatRate(v, '') : '')} fontSize={11} fill="#1a202c" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function OverTimeCharts({ view }: { view: CompareView }) {
  const o = view.overlay;
  if (o.series.length === 0) return <div className="chart empty" data-chart="p99-over-time"><p>No run timeline is available for this comparison.</p></div>;
  const series = o.series.map((s) => ({ key: s.key, name: s.label, color: colorAt(s.colorIndex) }));
  return (
    <div className="grid-2">
      <TimeChart id="p99-over-time" title={`p99 ${LATENCY.short} over time`} note={<><code>{LATENCY.metric}</code> · per second, one line per configuration; gaps = no request completed</>}
        points={o.points} series={series} durationS={o.durationS} legend={false}
        y={{ label: 'ms (log scale)', scale: 'log', ticks: o.latencyAxis.ticks, domain: o.latencyAxis.domain, tickFormat: formatMsTick, valueFormat: formatMs }} />
      <TimeChart id="rate-over-time" title="Requests completed over time" note="per second, one line per configuration"
        points={o.points} series={o.series.map((s) => ({ key: `r${s.key.slice(1)}`, name: s.label, color: colorAt(s.colorIndex) }))} durationS={o.durationS} legend={false}
        y={{ label: 'per second', ...o.rateAxis, valueFormat: (v) => formatRate(v) }} />
    </div>
  );
}
