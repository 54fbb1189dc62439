// The percentile spectrum: where the tail goes, from p0 to p99.999, on log–log axes.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunView } from '../view/run.ts';
import { formatMs, formatMsTick } from '../view/format.ts';
import { ChartCard } from './TimeChart.tsx';

const COLORS = ['#c53030', '#2b6cb0'];

export function SpectrumSection({ view }: { view: RunView }) {
  const sp = view.spectrum;
  const labelOf = new Map(sp.xTicks.map((t) => [t.oneIn, t.label]));
  const pct = (oneIn: number) => labelOf.get(oneIn) ?? `p${+(100 * (1 - 1 / oneIn)).toPrecision(6)}`;
  return (
    <section id="spectrum">
      <h2>Percentile spectrum</h2>
      {sp.missing ? (
        <p className="explain">{sp.missing}</p>
      ) : (
        <ChartCard id="spectrum" title="Latency by percentile, whole run (from the HDR histograms)" note="both axes log scale">
          <ResponsiveContainer width="100%" height={320}>
            <LineChart margin={{ top: 4, right: 24, bottom: 4, left: 4 }}>
              <CartesianGrid stroke="#e2e8f0" />
              <XAxis dataKey="oneIn" type="number" scale="log" domain={[1, 100000]} ticks={sp.xTicks.map((t) => t.oneIn)} interval={0}
                tickFormatter={(v: number) => pct(v)} allowDuplicatedCategory={false} height={40} fontSize={12}
                label={{ value: 'percentile (log scale of 1 ÷ (1 − p))', position: 'insideBottom', offset: -2, className: 'axis-label' }} />
              <YAxis type="number" scale="log" domain={sp.yDomain} ticks={sp.yTicks} interval={0} allowDataOverflow tickFormatter={formatMsTick} width={72} fontSize={12}
                label={{ value: 'ms (log scale)', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' }, className: 'axis-label' }} />
              <Tooltip isAnimationActive={false} labelFormatter={(v) => pct(Number(v))} formatter={(v) => (typeof v === 'number' ? formatMs(v) : String(v))} />
              <Legend verticalAlign="top" height={28} iconType="plainline" />
              {sp.series.map((s, i) => (
                <Line key={s.metric} data={s.points} dataKey="valueMs" name={`${s.label} (${s.metric})`} stroke={COLORS[i % COLORS.length]} strokeWidth={1.8} dot={false} isAnimationActive={false} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </ChartCard>
      )}
    </section>
  );
}
