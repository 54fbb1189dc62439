// A target Stampede started, measured from /proc: its CPU in cores (in total, its busiest
// processes, and the load generator's beside it), its memory and its open file descriptors.
import type { RunView } from '../view/run.ts';
import { formatCompact } from '../view/format.ts';
import { linearTicks } from '../view/scale.ts';
import { colorAt } from './colors.ts';
import { TimeChart, type SeriesDef } from './TimeChart.tsx';

const TOTAL = '#2b6cb0';
const GENERATOR = '#c53030';
// the palette without the total's blue and the generator's red
const PROCESS_COLORS = [1, 2, 3, 5, 6, 7].map(colorAt);

export function ResourcesSection({ view }: { view: RunView }) {
  const r = view.resources;
  if (!r) return null;
  const died = view.server?.diedAt ?? null;
  const series: SeriesDef[] = r.cpu.lines.map((l, i) =>
    l.kind === 'total' ? { key: l.key, name: l.name, color: TOTAL } : l.kind === 'generator' ? { key: l.key, name: l.name, color: GENERATOR, dashed: true } : { key: l.key, name: l.name, color: PROCESS_COLORS[(i - 1) % PROCESS_COLORS.length] ?? TOTAL },
  );
  const cores = (v: number) => `${+v.toFixed(2)} cores`;
  const per = r.bucketS > 1 ? `max of each ${r.bucketS} s` : 'per second';
  return (
    <section id="resources" data-testid="resources">
      <h2>Target resources</h2>
      <p className="explain">
        The target's whole process tree, read from <code>/proc</code> once a second: {r.cpuSeconds.toFixed(2)} CPU-seconds (user + system) over {r.processes} process{r.processes === 1 ? '' : 'es'}.
        {died !== null ? ` The target stopped at ${died} s.` : ''}
      </p>
      {r.machine ? <p className="explain" data-testid="machine">Machine: {r.machine}.</p> : null}
      {r.sharedCores ? <ul className="warnings" data-testid="shared-cores"><li>{r.sharedCores}</li></ul> : null}
      <TimeChart id="target-cpu" title="CPU: target and load generator" note={r.cpu.note} points={r.cpu.points} durationS={view.durationS} height={260}
        series={series} y={{ label: 'cores', ...linearTicks(Math.max(0.1, r.cpu.max)), valueFormat: cores }} emptyText="no CPU used in this run" />
      <div className="grid-2">
        <TimeChart id="target-rss" title="Target memory (RSS, all processes)" note={per} points={r.rss.points} durationS={view.durationS} height={200} legend={false}
          series={[{ key: 'v', name: 'RSS', color: TOTAL }]} y={{ label: 'MB', ...linearTicks(Math.max(1, r.rss.max)), valueFormat: (v) => `${formatCompact(v)} MB` }} emptyText="none recorded" />
        <TimeChart id="target-fds" title="Target open file descriptors" note={per} points={r.fds.points} durationS={view.durationS} height={200} legend={false}
          series={[{ key: 'v', name: 'fds', color: colorAt(2) }]} y={{ label: 'fds', ...linearTicks(Math.max(1, r.fds.max)), valueFormat: (v) => formatCompact(v) }} emptyText="not readable (/proc/PID/fd)" />
      </div>
    </section>
  );
}
