// The target's own metrics (scraped /metrics), one small chart per series.
import type { RunView } from '../view/run.ts';
import { formatBytes, formatCompact } from '../view/format.ts';
import { linearTicks } from '../view/scale.ts';
import { colorAt } from './colors.ts';
import { TimeChart } from './TimeChart.tsx';

function formatter(unit: string): (v: number) => string {
  if (unit === 'bytes') return (v) => formatBytes(v);
  if (unit === '%') return (v) => `${+v.toFixed(1)} %`;
  if (unit === 'ms') return (v) => `${+v.toPrecision(3)} ms`;
  if (unit === '/s') return (v) => `${+v.toPrecision(3)}/s`;
  if (unit === 'ratio') return (v) => `${+v.toFixed(2)}`;
  if (unit === '') return (v) => formatCompact(v);
  return (v) => `${formatCompact(v)} ${unit}`;
}

export function ServerSection({ view }: { view: RunView }) {
  const s = view.server;
  // a target without /metrics: its /proc resources have their own section
  if (!s || !s.scraped) return null;
  return (
    <section id="server">
      <h2>Target server metrics</h2>
      <p className="explain">Scraped from <code>{s.url}</code> during the run.{s.diedAt !== null ? ` The target stopped answering at ${s.diedAt} s.` : ''}</p>
      {s.charts.length === 0 ? <p className="explain">No series were scraped.</p> : (
        <div className="grid-3">
          {s.charts.map((c, i) => {
            const f = formatter(c.unit);
            const axis = linearTicks(Math.max(0, ...c.points.map((p) => p.v)));
            return (
              <TimeChart key={i} id={`server-${i}`} legend={false} title={<code>{c.name}</code>} note={c.note} points={c.points} durationS={view.durationS} height={200}
                series={[{ key: 'v', name: c.unit || 'count', color: colorAt(i) }]}
                y={{ label: c.unit || 'count', ...axis, valueFormat: f, ...(c.unit === 'bytes' ? { tickFormat: (v: number) => formatBytes(v) } : {}) }}
                emptyText={c.points.length > 0 ? '0 throughout this run' : 'none in this run'} />
            );
          })}
        </div>
      )}
    </section>
  );
}
