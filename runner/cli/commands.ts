// The registry of CLI commands: name → one-line summary and a lazy loader of its module.
// A command module exports `run(argv): Promise<number>` (the exit code).
export interface CommandModule {
  run(argv: string[]): Promise<number>;
}

interface CommandEntry {
  summary: string;
  load(): Promise<CommandModule>;
}

export const COMMANDS = {
  run: { summary: 'run a scenario and write result.json + report.html', load: () => import('./run.ts') },
  demo: { summary: 'the demo that `npm start` runs', load: () => import('./demo.ts') },
  usl: { summary: 'fit the Universal Scalability Law to n,throughput points', load: () => import('./usl.ts') },
  report: { summary: 'rebuild report.html from a result/comparison/capacity document', load: () => import('./report.ts') },
  target: { summary: 'start the reference flash-sale shop (architecture knobs as flags)', load: () => import('./target.ts') },
  dashboard: { summary: 'serve the dashboard: runs under reports/out/ and live runs', load: () => import('./dashboard.ts') },
  export: { summary: 'write a k6 script of a scenario (options, journeys on k6 APIs) for k6 / the k6 operator', load: () => import('./export.ts') },
  import: { summary: 'import k6 results (--out json files, one per runner, or a summary) into result.json + report.html', load: () => import('./import.ts') },
  capacity: { summary: 'find the max sustainable rate under an SLO; instances for a peak; autoscaler simulation', load: () => import('./capacity.ts') },
  compare: { summary: 'run a scenario against several target configurations and rank them', load: () => import('./compare.ts') },
  history: { summary: 'the runs recorded (newest first), their change points; import and export', load: () => import('./history.ts') },
  diff: { summary: 'compare two runs per metric and request name, with confidence intervals', load: () => import('./diff.ts') },
  baseline: { summary: 'set or show the baseline run of a scenario and target', load: () => import('./baseline.ts') },
} satisfies Record<string, CommandEntry>;

export type CommandName = keyof typeof COMMANDS;
