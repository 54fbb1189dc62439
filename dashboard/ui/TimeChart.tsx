// A line/bar chart over the run's time axis: the one chart shape most views use. Every
// chart has a titled card, a time x axis in m:ss with round ticks, a y axis with its unit,
// and no animation (a report should draw once, fast, and screenshot the same every time).
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatClock } from '../view/format.ts';
import { isEmptySeries, tickFormatter, timeTicks } from '../view/scale.ts';

export interface SeriesDef {
  /** data key in the points (never a string from the run) */
  key: string;
  /** legend text (may come from the run: React renders it as text) */
  name: string;
  color: string;
  dashed?: boolean;
}

export interface YAxisDef {
  label: string;
  scale?: 'linear' | 'log';
  ticks?: number[];
  domain?: [number, number];
  /** the tick step of linear ticks (linearTicks): labels get the decimals it needs */
  step?: number;
  tickFormat?: (v: number) => string;
  valueFormat: (v: number) => string;
}

export interface TimeChartProps {
  id: string;
  title: ReactNode;
  note?: ReactNode;
  points: ReadonlyArray<object>;
  series: SeriesDef[];
  y: YAxisDef;
  durationS: number;
  kind?: 'line' | 'stacked-bar' | 'bar';
  height?: number;
  /** false hides the legend (single-series charts whose title says it all) */
  legend?: boolean;
  /** what an empty chart (every value null or 0) says instead of drawing flat lines */
  emptyText?: string;
}

/** The card of a chart with nothing to draw: it says so, in words. */
export function EmptyChart({ id, title, note, text }: { id: string; title: ReactNode; note?: ReactNode | undefined; text: string }) {
  return (
    <ChartCard id={id} title={title} note={note}>
      <div className="chart-empty" data-empty="true"><p>{text}</p></div>
    </ChartCard>
  );
}

export function ChartCard(props: { id: string; title: ReactNode; note?: ReactNode | undefined; children: ReactNode }) {
  return (
    <figure className="chart" data-chart={props.id}>
      <figcaption>
        <span className="chart-title">{props.title}</span>
        {props.note ? <span className="chart-note">{props.note}</span> : null}
      </figcaption>
      {props.children}
    </figure>
  );
}

export function TimeChart({ id, title, note, points, series, y, durationS, kind = 'line', height = 260, legend = true, emptyText }: TimeChartProps) {
  if (isEmptySeries(points, series.map((s) => s.key))) return <EmptyChart id={id} title={title} note={note} text={emptyText ?? 'none in this run'} />;
  const xTicks = timeTicks(durationS);
  const tickFormat = y.tickFormat ?? (y.step !== undefined && (y.scale ?? 'linear') === 'linear' ? tickFormatter(y.step) : y.valueFormat);
  const axes = [
    <CartesianGrid key="grid" stroke="#e2e8f0" vertical={false} />,
    <XAxis
      key="x"
      dataKey="t"
      type="number"
      domain={[0, durationS]}
      ticks={xTicks}
      tickFormatter={(v: number) => formatClock(v)}
      label={{ value: durationS >= 3600 ? 'time since start (h:mm:ss)' : 'time since start (m:ss)', position: 'insideBottom', offset: -2, className: 'axis-label' }}
      height={40}
      fontSize={12}
    />,
    <YAxis
      key="y"
      type="number"
      scale={y.scale ?? 'linear'}
      {...(y.domain ? { domain: y.domain, allowDataOverflow: true } : {})}
      {...(y.ticks ? { ticks: y.ticks, interval: 0 } : {})}
      tickFormatter={(v: number) => tickFormat(v)}
      label={{ value: y.label, angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' }, className: 'axis-label' }}
      width={72}
      fontSize={12}
    />,
    <Tooltip
      key="tip"
      isAnimationActive={false}
      labelFormatter={(t) => `t = ${formatClock(Number(t))} (${String(t)} s)`}
      formatter={(v) => (typeof v === 'number' ? y.valueFormat(v) : String(v))}
    />,
    legend ? <Legend key="legend" verticalAlign="top" height={28} iconType={kind === 'line' ? 'plainline' : 'square'} /> : null,
  ];
  const margin = { top: legend ? 4 : 12, right: 28, bottom: 4, left: 4 };
  return (
    <ChartCard id={id} title={title} note={note}>
      <ResponsiveContainer width="100%" height={height}>
        {kind === 'line' ? (
          <LineChart data={points as object[]} margin={margin}>
            {axes}
            {series.map((s) => (
              <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={1.6} dot={false} isAnimationActive={false} connectNulls={false} {...(s.dashed ? { strokeDasharray: '6 4' } : {})} />
            ))}
          </LineChart>
        ) : (
          <BarChart data={points as object[]} margin={margin} barCategoryGap={0}>
            {axes}
            {series.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} {...(kind === 'stacked-bar' ? { stackId: 'a' } : {})} />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </ChartCard>
  );
}
