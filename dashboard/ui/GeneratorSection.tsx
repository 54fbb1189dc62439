// The load generator's own health over the run: its event-loop lag and CPU.
import type { RunView } from '../view/run.ts';
import { linearTicks } from '../view/scale.ts';
import { TimeChart } from './TimeChart.tsx';

export function GeneratorSection({ view }: { view: RunView }) {
  const r = view.rates;
  const lagMax = Math.max(1, ...r.points.map((p) => p.eventLoopLagP99));
  const fmt1 = (u: string) => (v: number) => `${+v.toFixed(1)}${u}`;
  return (
    <section id="generator">
      <h2>Load generator</h2>
      <dl className="facts">
        {view.generator.map((s) => (
          <div key={s.label}><dt>{s.label}</dt><dd>{s.value}</dd></div>
        ))}
      </dl>
      <div className="grid-2">
        <TimeChart id="generator-lag" title="Generator event-loop lag, p99" note={r.bucketS > 1 ? `max of each ${r.bucketS} s` : 'per second'} points={r.points} durationS={view.durationS}
          legend={false} series={[{ key: 'eventLoopLagP99', name: 'event-loop lag p99', color: '#b7791f' }]} y={{ label: 'ms', ...linearTicks(lagMax), valueFormat: fmt1(' ms'), tickFormat: fmt1('') }} height={200} />
        <TimeChart id="generator-cpu" title="Generator CPU (% of one core)" note={r.bucketS > 1 ? `max of each ${r.bucketS} s` : 'per second'} points={r.points} durationS={view.durationS}
          legend={false} series={[{ key: 'generatorCpuPercent', name: 'CPU %', color: '#319795' }]} y={{ label: '% of one core', ...linearTicks(Math.max(100, ...r.points.map((p) => p.generatorCpuPercent))), valueFormat: fmt1(' %'), tickFormat: fmt1('') }} height={200} />
      </div>
    </section>
  );
}
