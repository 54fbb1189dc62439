// Latency over time, both definitions side by side on one shared log axis, so the
// coordinated-omission gap between them is visible at a glance.
import type { RunView } from '../view/run.ts';
import { formatMs, formatMsTick } from '../view/format.ts';
import { DURATION, LATENCY } from '../view/labels.ts';
import type { PercentileSeries } from '../view/timeline.ts';
import { PERCENTILE_COLORS } from './colors.ts';
import { TimeChart, type SeriesDef } from './TimeChart.tsx';

const SERIES: SeriesDef[] = [
  { key: 'p50', name: 'p50', color: PERCENTILE_COLORS.p50 },
  { key: 'p90', name: 'p90', color: PERCENTILE_COLORS.p90 },
  { key: 'p99', name: 'p99', color: PERCENTILE_COLORS.p99 },
  { key: 'p999', name: 'p99.9', color: PERCENTILE_COLORS.p999 },
];

function chart(id: string, def: typeof LATENCY | typeof DURATION, s: PercentileSeries, view: RunView) {
  return (
    <TimeChart
      id={id}
      title={def.label}
      note={<><code>{def.metric}</code> · {s.percentileNote}; gaps = no request completed</>}
      points={s.points}
      series={SERIES}
      durationS={view.durationS}
      y={{ label: 'ms (log scale)', scale: 'log', ticks: view.latencyAxis.ticks, domain: view.latencyAxis.domain, tickFormat: formatMsTick, valueFormat: formatMs }}
    />
  );
}

export function LatencySection({ view }: { view: RunView }) {
  return (
    <section id="latency">
      <h2>Latency over time</h2>
      <p className="explain">
        Left: measured from when each request <em>should</em> have started by the schedule, so time spent waiting for a free connection or VU counts (what users see).
        Right: measured from when it was actually sent (k6&apos;s <code>http_req_duration</code>). A gap between them means requests queued in the generator.
      </p>
      <div className="grid-2">
        {chart('latency', LATENCY, view.latency, view)}
        {chart('duration', DURATION, view.duration, view)}
      </div>
    </section>
  );
}
