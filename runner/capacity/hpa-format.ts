// A text view of an HPA simulation: one row per sync period (or any step), plus the verdict.
// For `stampede capacity --peak` and for anyone reading the simulation in a terminal.
import type { HpaSimulation } from './hpa.ts';

function pad(s: string, width: number): string {
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

const seconds = (ms: number) => (ms === Infinity ? '∞' : (ms / 1000).toFixed(1));

export function formatHpaTimeline(sim: HpaSimulation, everySeconds = sim.params.syncPeriodMs / 1000): string {
  const { params: p, summary: s } = sim;
  const head = [
    `HPA simulation: target ${Math.round(p.targetUtilization * 100)} % of MST, tolerance ${p.tolerance}, sync ${p.syncPeriodMs / 1000} s, ` +
      `pod start-up ${p.podStartupMs / 1000} s, replicas ${p.minReplicas}–${p.maxReplicas}, scale-down window ${p.scaleDown.stabilizationWindowSeconds} s`,
    '',
    `  ${pad('t (s)', 6)} ${pad('offered/s', 10)} ${pad('ready', 6)} ${pad('replicas', 9)} ${pad('util.', 7)} ${pad('backlog', 9)} ${pad('queue (s)', 10)}`,
  ];
  const rows = sim.series
    .filter((x, i) => x.t % everySeconds === 0 || i === sim.series.length - 1)
    .map(
      (x) =>
        `  ${pad(String(x.t), 6)} ${pad(x.offered.toFixed(0), 10)} ${pad(String(x.ready), 6)} ${pad(String(x.replicas), 9)} ` +
        `${pad(Number.isFinite(x.utilisation) ? `${Math.round(x.utilisation * 100)} %` : '∞', 7)} ${pad(x.backlog.toFixed(0), 9)} ${pad(seconds(x.queueingDelayMs), 10)}`,
    );
  return [...head, ...rows, '', s.verdict].join('\n');
}
