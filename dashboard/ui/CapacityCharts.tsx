// The capacity page's charts, in the run page's conventions (a titled card, labelled axes with
// round ticks, no animation): latency against offered rate with the SLO and the answer
// marked, the HPA simulation over time, and a sweep's points with the fitted USL curve.
import { CartesianGrid, ComposedChart, Legend, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurveView, PeakView, SweepView } from '../view/capacity.ts';
import { formatClock, formatCompact, formatCount, formatMs, formatMsTick, formatRate } from '../view/format.ts';
import { timeTicks } from '../view/scale.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import { PERCENTILE_COLORS } from './colors.ts';
import { ChartCard } from './TimeChart.tsx';

export const VERDICT_COLORS = { pass: '#2f855a', fail: '#c53030', 'generator-limited': '#718096' } as const;
const SLO_COLOR = '#c53030';
/** axis numbers grouped as the tables group them (1,000), compact from 10k (12k) */
const tick = (v: number) => (Math.abs(v) >= 10_000 ? formatCompact(v) : Number.isInteger(v) ? formatCount(v) : String(+v.toPrecision(3)));
const KNEE_COLOR = '#553c9a';

const axisLabel = (value: string) => ({ value, position: 'insideBottom' as const, offset: -2, className: 'axis-label' });
const yLabel = (value: string) => ({ value, angle: -90, position: 'insideLeft' as const, style: { textAnchor: 'middle' as const }, className: 'axis-label' });

const LINES = [
  { key: 'latencyP50', name: `p50 ${LATENCY.short}`, color: PERCENTILE_COLORS.p50, dashed: false },
  { key: 'latencyP90', name: `p90 ${LATENCY.short}`, color: PERCENTILE_COLORS.p90, dashed: false },
  { key: 'latencyP99', name: `p99 ${LATENCY.short}`, color: PERCENTILE_COLORS.p99, dashed: false },
  { key: 'durationP50', name: `p50 ${DURATION.short}`, color: PERCENTILE_COLORS.p50, dashed: true },
  { key: 'durationP90', name: `p90 ${DURATION.short}`, color: PERCENTILE_COLORS.p90, dashed: true },
  { key: 'durationP99', name: `p99 ${DURATION.short}`, color: PERCENTILE_COLORS.p99, dashed: true },
] as const;

function LineSwatch({ color, dashed, dotted }: { color: string; dashed?: boolean; dotted?: boolean }) {
  return (
    <svg width="26" height="10" aria-hidden="true">
      <line x1="1" y1="5" x2="25" y2="5" stroke={color} strokeWidth="2" {...(dashed ? { strokeDasharray: '6 4' } : dotted ? { strokeDasharray: '2 3' } : {})} />
    </svg>
  );
}

function MarkerSwatch({ verdict }: { verdict: 'pass' | 'fail' | 'generator-limited' }) {
  const c = VERDICT_COLORS[verdict];
  return (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      {verdict === 'pass' ? <circle cx="6" cy="6" r="4.5" fill={c} /> : verdict === 'fail' ? <path d="M4 0h4v4h4v4h-4v4h-4v-4h-4v-4h4z" fill={c} /> : <path d="M6 0.5L11.5 11H0.5z" fill={c} />}
    </svg>
  );
}

/**
 * The curve's legend in HTML, grouped by what a line means (Recharts' own legend lists twelve
 * entries in drawing order, which reads as noise): one row per latency definition, one for
 * the probe markers and the reference lines.
 */
function CurveLegend({ hasKnee, hasSlo }: { hasKnee: boolean; hasSlo: boolean }) {
  const pcts = [['p50', PERCENTILE_COLORS.p50], ['p90', PERCENTILE_COLORS.p90], ['p99', PERCENTILE_COLORS.p99]] as const;
  return (
    <div className="curve-legend" data-testid="curve-legend">
      <div><span className="legend-group">{LATENCY.short}:</span>{pcts.map(([p, c]) => <span key={p} className="legend-item"><LineSwatch color={c} />{p}</span>)}</div>
      <div><span className="legend-group">{DURATION.short}:</span>{pcts.map(([p, c]) => <span key={p} className="legend-item"><LineSwatch color={c} dashed />{p}</span>)}</div>
      <div>
        <span className="legend-group">each probe&apos;s p99:</span>
        <span className="legend-item"><MarkerSwatch verdict="pass" />pass</span>
        <span className="legend-item"><MarkerSwatch verdict="fail" />fail</span>
        <span className="legend-item"><MarkerSwatch verdict="generator-limited" />generator-limited</span>
        {hasSlo ? <span className="legend-item"><LineSwatch color={SLO_COLOR} dotted />SLO</span> : null}
        {hasKnee ? <span className="legend-item"><LineSwatch color={KNEE_COLOR} />answer (MST), shaded: pass…fail bracket</span> : null}
      </div>
    </div>
  );
}

export function LatencyThroughputChart({ curve }: { curve: CurveView }) {
  const markers = (verdict: 'pass' | 'fail' | 'generator-limited') => curve.markers.filter((m) => m.verdict === verdict && m.latencyP99 !== null);
  const k = curve.knee;
  return (
    <ChartCard
      id="latency-throughput"
      title="Latency against offered rate"
      note={<>solid: <code>{LATENCY.metric}</code> (from intended start, what the SLO judges) · dashed: <code>{DURATION.metric}</code> (service time, from send) · dots: every probe&apos;s p99 by verdict · y log scale</>}
    >
      <CurveLegend hasKnee={k !== null} hasSlo={curve.slo.length > 0} />
      <ResponsiveContainer width="100%" height={380}>
        <ComposedChart margin={{ top: 4, right: 28, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" />
          <XAxis dataKey="rate" type="number" domain={curve.x.domain} ticks={curve.x.ticks} interval={0} allowDuplicatedCategory={false} tickFormatter={tick} height={40} fontSize={12} label={axisLabel('offered rate (iterations/s)')} />
          <YAxis type="number" scale="log" domain={curve.y.domain} ticks={curve.y.ticks} interval={0} allowDataOverflow tickFormatter={formatMsTick} width={72} fontSize={12} label={yLabel('ms (log scale)')} />
          <Tooltip isAnimationActive={false} labelFormatter={(v) => `offered ${formatRate(Number(v))}`} formatter={(v) => (typeof v === 'number' ? formatMs(v) : String(v))} />
          {k && k.lower !== null && k.upper !== null && k.upper > k.lower ? <ReferenceArea x1={k.lower} x2={k.upper} fill={KNEE_COLOR} fillOpacity={0.08} ifOverflow="extendDomain" /> : null}
          {curve.slo.map((s) => (
            <ReferenceLine key={s.source} y={s.boundMs} stroke={SLO_COLOR} strokeDasharray="2 3" strokeWidth={1.5} label={{ value: `SLO ${s.stat} < ${formatMs(s.boundMs)}`, position: 'insideTopLeft', fill: SLO_COLOR, fontSize: 12 }} />
          ))}
          {k ? <ReferenceLine x={k.mst} stroke={KNEE_COLOR} strokeWidth={1.5} label={{ value: k.label, position: 'insideTopRight', fill: KNEE_COLOR, fontSize: 12 }} /> : null}
          {LINES.map((l) => (
            <Line key={l.key} data={curve.points} dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={1.8} dot={{ r: 2.5 }} isAnimationActive={false} connectNulls={false} {...(l.dashed ? { strokeDasharray: '6 4' } : {})} />
          ))}
          <Scatter data={markers('pass')} dataKey="latencyP99" name="probe passed (p99)" fill={VERDICT_COLORS.pass} shape="circle" isAnimationActive={false} legendType="circle" />
          <Scatter data={markers('fail')} dataKey="latencyP99" name="probe failed (p99)" fill={VERDICT_COLORS.fail} shape="cross" isAnimationActive={false} legendType="cross" />
          <Scatter data={markers('generator-limited')} dataKey="latencyP99" name="generator-limited (p99)" fill={VERDICT_COLORS['generator-limited']} shape="triangle" isAnimationActive={false} legendType="triangle" />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

type Hpa = NonNullable<PeakView['hpa']>;

function HpaTimeChart(props: {
  id: string;
  title: string;
  note: string;
  hpa: Hpa;
  axis: { ticks: number[]; domain: [number, number] };
  yLabel: string;
  valueFormat: (v: number) => string;
  series: Array<{ key: string; name: string; color: string; step?: boolean; dashed?: boolean }>;
  reference?: { y: number; label: string } | undefined;
}) {
  const { hpa } = props;
  return (
    <ChartCard id={props.id} title={props.title} note={props.note}>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={hpa.points} margin={{ top: 4, right: 28, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" vertical={false} />
          <XAxis dataKey="t" type="number" domain={[0, hpa.durationS]} ticks={timeTicks(hpa.durationS)} tickFormatter={(v: number) => formatClock(v)} height={40} fontSize={12} label={axisLabel('simulated time (m:ss)')} />
          <YAxis type="number" domain={props.axis.domain} ticks={props.axis.ticks} interval={0} allowDataOverflow tickFormatter={tick} width={72} fontSize={12} label={yLabel(props.yLabel)} />
          <Tooltip isAnimationActive={false} labelFormatter={(t) => `t = ${formatClock(Number(t))} (${String(t)} s)`} formatter={(v) => (typeof v === 'number' ? props.valueFormat(v) : String(v))} />
          <Legend verticalAlign="top" height={28} iconType="plainline" />
          {props.reference ? <ReferenceLine y={props.reference.y} stroke={KNEE_COLOR} strokeDasharray="4 3" label={{ value: props.reference.label, position: 'insideTopLeft', fill: KNEE_COLOR, fontSize: 12 }} /> : null}
          {props.series.map((s) => (
            <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={1.8} dot={false} isAnimationActive={false} connectNulls={false} type={s.step ? 'stepAfter' : 'linear'} {...(s.dashed ? { strokeDasharray: '6 4' } : {})} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function HpaCharts({ hpa }: { hpa: Hpa }) {
  return (
    <div className="grid-3">
      <HpaTimeChart id="hpa-load" title="Offered load and ready capacity" note="capacity = ready pods × MST" hpa={hpa} axis={hpa.rateAxis} yLabel="iterations/s" valueFormat={(v) => formatRate(v)}
        series={[{ key: 'offered', name: 'offered', color: '#dd6b20' }, { key: 'capacity', name: 'ready capacity', color: '#2b6cb0', step: true }]} />
      <HpaTimeChart id="hpa-pods" title="Pods: replicas asked for and ready" note="a new pod serves only after its start-up time" hpa={hpa} axis={hpa.podAxis} yLabel="pods" valueFormat={(v) => String(v)}
        series={[{ key: 'replicas', name: 'replicas (HPA)', color: '#805ad5', step: true, dashed: true }, { key: 'ready', name: 'ready pods', color: '#2f855a', step: true }]}
        reference={{ y: hpa.preScaleReplicas, label: `pre-scale: ${hpa.preScaleReplicas}` }} />
      <HpaTimeChart id="hpa-delay" title="Queueing delay users see" note={hpa.unboundedSeconds > 0 ? `gaps: ${hpa.unboundedSeconds} s with no pod ready (unbounded)` : 'backlog ÷ ready capacity'} hpa={hpa} axis={hpa.delayAxis} yLabel="seconds" valueFormat={(v) => `${+v.toFixed(2)} s`}
        series={[{ key: 'queueingDelayS', name: 'queueing delay', color: '#c53030' }]} />
    </div>
  );
}

export function UslChart({ sweep }: { sweep: SweepView }) {
  const inRange = sweep.peakN !== null && sweep.peakN <= sweep.x.domain[1];
  return (
    <ChartCard id="usl" title={`Throughput against ${sweep.unit}`} note="dots: measured (closed model, mean over the window) · line: fitted Universal Scalability Law X(N) = γN / (1 + α(N−1) + βN(N−1))">
      <ResponsiveContainer width="100%" height={340}>
        <ComposedChart margin={{ top: 4, right: 28, bottom: 4, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" />
          <XAxis dataKey="n" type="number" domain={sweep.x.domain} ticks={sweep.x.ticks} interval={0} allowDuplicatedCategory={false} tickFormatter={tick} height={40} fontSize={12} label={axisLabel(`N (${sweep.unit})`)} />
          <YAxis type="number" domain={sweep.y.domain} ticks={sweep.y.ticks} interval={0} tickFormatter={tick} width={72} fontSize={12} label={yLabel('throughput (iterations/s)')} />
          <Tooltip isAnimationActive={false} labelFormatter={(v) => `N = ${+Number(v).toFixed(2)}`} formatter={(v) => (typeof v === 'number' ? formatRate(v) : String(v))} />
          <Legend verticalAlign="top" height={28} />
          {inRange ? <ReferenceLine x={sweep.peakN!} stroke={KNEE_COLOR} strokeDasharray="4 3" label={{ value: `N* ≈ ${+sweep.peakN!.toFixed(2)}`, position: 'insideTopRight', fill: KNEE_COLOR, fontSize: 12 }} /> : null}
          {sweep.curve.length ? <Line data={sweep.curve} dataKey="fitted" name="USL fit" stroke="#2b6cb0" strokeWidth={1.8} dot={false} isAnimationActive={false} legendType="plainline" /> : null}
          <Scatter data={sweep.measured} dataKey="throughput" name="measured" fill="#dd6b20" shape="circle" isAnimationActive={false} legendType="circle" />
        </ComposedChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
