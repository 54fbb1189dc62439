// The response-time distribution (Gatling's chart): requests per 1-2-5 ms band over the whole
// run, both latency definitions side by side on the same bands, from the HDR histograms.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunView } from '../view/run.ts';
import { formatCount } from '../view/format.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import { linearTicks, tickFormatter } from '../view/scale.ts';
import { ChartCard, EmptyChart } from './TimeChart.tsx';

export function DistributionSection({ view }: { view: RunView }) {
  const d = view.distribution;
  const title = 'Response-time distribution';
  if (!d || d.count === 0) return <section id="distribution"><h2>{title}</h2><EmptyChart id="distribution" title={title} text={d ? 'none in this run' : 'no histograms in this result'} /></section>;
  const axis = linearTicks(Math.max(...d.buckets.flatMap((b) => [b.latency, b.duration])), { integer: true });
  return (
    <section id="distribution">
      <h2>{title}</h2>
      <ChartCard id="distribution" title="Requests per response-time band" note={`${formatCount(d.count)} requests; bands are 1-2-5 ms steps (a band holds lo ≤ t < hi)`}>
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={d.buckets} margin={{ top: 4, right: 28, bottom: 4, left: 4 }} barGap={1}>
            <CartesianGrid stroke="#e2e8f0" vertical={false} />
            <XAxis dataKey="label" interval={0} fontSize={11} height={40} label={{ value: 'response time', position: 'insideBottom', offset: -2, className: 'axis-label' }} />
            <YAxis type="number" domain={axis.domain} ticks={axis.ticks} interval={0} tickFormatter={tickFormatter(axis.step)} width={72} fontSize={12}
              label={{ value: 'requests', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' }, className: 'axis-label' }} />
            <Tooltip isAnimationActive={false} formatter={(v) => (typeof v === 'number' ? formatCount(v) : String(v))} />
            <Legend verticalAlign="top" height={28} iconType="square" />
            <Bar dataKey="latency" name={LATENCY.label} fill="#2b6cb0" isAnimationActive={false} />
            <Bar dataKey="duration" name={DURATION.label} fill="#a0aec0" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </ChartCard>
    </section>
  );
}
