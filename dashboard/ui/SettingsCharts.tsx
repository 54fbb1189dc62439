// Latency against the settings (dashboard/view/settings.ts): per numeric knob, p50/p90/p99 of
// both latency definitions and the achieved rate against the knob's value, one line per value of
// the other knobs that vary, the repeats' range as a band; two numeric knobs add a p99 heatmap.
// Strings from the document (knob names and values) are rendered as text, never used as keys.
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ComparisonReport } from '../model/compare.ts';
import { formatMs, formatMsTick, formatRate } from '../view/format.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import { tickFormatter } from '../view/scale.ts';
import { buildSettingsView, heatColor, SETTINGS_METRICS, type HeatmapView, type KnobView, type SettingsChart } from '../view/settings.ts';
import { colorAt } from './colors.ts';
import { ChartCard, EmptyChart } from './TimeChart.tsx';

function MetricChart({ knob, chart, id }: { knob: KnobView; chart: SettingsChart; id: string }) {
  const def = SETTINGS_METRICS.find((m) => m.key === chart.metric)!;
  const title = def.definition === 'latency' ? `${def.title} ${LATENCY.short}` : def.definition === 'duration' ? `${def.title} ${DURATION.short}` : 'achieved rate';
  const note = def.definition ? <code>{def.definition === 'latency' ? LATENCY.metric : DURATION.metric}</code> : 'requests answered per second';
  if (chart.empty) return <EmptyChart id={id} title={title} note={note} text="none in this comparison (written before this percentile was recorded)" />;
  const ms = def.unit === 'ms';
  const values = knob.values;
  const stepOf = values.length > 1 ? Math.min(...values.slice(1).map((v, i) => v - values[i]!)) : 1;
  const xFormat = tickFormatter(stepOf >= 1 ? 1 : stepOf);
  return (
    <ChartCard id={id} title={title} note={note}>
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={chart.points} margin={{ top: 8, right: 20, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" />
          <XAxis dataKey="x" type="number" scale={knob.xScale} domain={[values[0]!, values.at(-1)!]} ticks={values} interval={0} tickFormatter={xFormat} fontSize={12} height={38}
            label={{ value: knob.knob, position: 'insideBottom', offset: -2, className: 'axis-label' }} allowDataOverflow />
          <YAxis type="number" scale={chart.axis.scale} domain={chart.axis.domain} ticks={chart.axis.ticks} interval={0} allowDataOverflow width={64} fontSize={12}
            tickFormatter={(v: number) => (ms ? formatMsTick(v) : tickFormatter(chart.axis.ticks[1] ?? 1)(v))}
            label={{ value: ms ? `ms${chart.axis.scale === 'log' ? ' (log)' : ''}` : 'req/s', angle: -90, position: 'insideLeft', style: { textAnchor: 'middle' }, className: 'axis-label' }} />
          <Tooltip isAnimationActive={false} labelFormatter={(x) => `${knob.knob} = ${String(x)}`}
            formatter={(v, name) => [Array.isArray(v) ? v.map((x) => (ms ? formatMs(Number(x)) : formatRate(Number(x), ''))).join(' – ') : ms ? formatMs(Number(v)) : formatRate(Number(v), ' req/s'), String(name)]} />
          {knob.lines.map((l) => (
            <Area key={`${l.key}-band`} dataKey={`${l.key}_band`} name={`${l.label} (range)`} stroke="none" fill={colorAt(l.colorIndex)} fillOpacity={0.18} isAnimationActive={false} connectNulls legendType="none" />
          ))}
          {knob.lines.map((l) => (
            <Line key={l.key} dataKey={l.key} name={l.label} stroke={colorAt(l.colorIndex)} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
          ))}
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

function Heatmap({ h }: { h: HeatmapView }) {
  return (
    <figure className="chart heatmap" data-chart="p99-heatmap">
      <figcaption><span className="chart-title">p99 {LATENCY.short}: {h.y.knob} × {h.x.knob}</span><span className="chart-note">median over repeats{h.mixed.length ? `; each cell also mixes ${h.mixed.join(', ')}` : ''}</span></figcaption>
      <table className="data heat" data-table="heatmap">
        <thead><tr><th className="left">{h.y.knob} ↓ / {h.x.knob} →</th>{h.x.values.map((x) => <th key={x}>{x}</th>)}</tr></thead>
        <tbody>
          {[...h.y.values].reverse().map((y) => (
            <tr key={y}>
              <th className="left">{y}</th>
              {h.x.values.map((x) => {
                const c = h.cells.find((q) => q.x === x && q.y === y)!;
                return <td key={x} data-cell={`${x}x${y}`} style={{ background: heatColor(c.p99, h.range) }} title={c.n ? `${c.n} run(s)` : 'not run'}>{c.p99 === null ? '—' : formatMs(c.p99)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function SettingsSection({ report }: { report: ComparisonReport }) {
  const v = buildSettingsView(report);
  return (
    <section id="settings">
      <h2>Latency against the settings</h2>
      {v.missing ? <p className="explain" data-testid="settings-missing">No chart against a setting: {v.missing}.</p> : null}
      {v.knobs.map((k, ki) => (
        <div key={ki} className="knob" data-knob={ki}>
          <h3>against <code>{k.knob}</code></h3>
          <p className="explain">
            x = the value of <code>{k.knob}</code>{k.xScale === 'log' ? ' (log scale)' : ''}; {k.by.length ? <>one line per {k.by.map((b, i) => <span key={i}>{i ? ', ' : ''}<code>{b}</code></span>)}</> : 'one line'}; the band is the range over repeats (min–max), the line its median.
          </p>
          <ul className="run-notes" data-testid={`settings-legend-${ki}`}>{k.lines.map((l) => <li key={l.key}><span className="swatch" style={{ background: colorAt(l.colorIndex) }} />{l.label}</li>)}</ul>
          <div className="grid-3">
            {k.charts.map((c) => <MetricChart key={c.metric} knob={k} chart={c} id={`settings-${ki}-${c.metric}`} />)}
          </div>
        </div>
      ))}
      {v.heatmap ? <Heatmap h={v.heatmap} /> : null}
    </section>
  );
}
