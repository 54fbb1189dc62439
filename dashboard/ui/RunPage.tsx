// One run, everything the result says, in reading order: verdict and banner first, then
// latency, throughput, errors, the spectrum, tables, the generator and the target.
import { useMemo } from 'react';
import type { RunResult } from '../../runner/result/schema.ts';
import { buildRunView } from '../view/run.ts';
import { GeneratorSection } from './GeneratorSection.tsx';
import { Header } from './Header.tsx';
import { LatencySection } from './LatencySection.tsx';
import { ServerSection } from './ServerSection.tsx';
import { SpectrumSection } from './SpectrumSection.tsx';
import { CheckTable, RequestTable, ThresholdTable } from './Tables.tsx';
import { ThroughputSection } from './ThroughputSection.tsx';

/** `live` marks a run still streaming ('running') or just finished ('ended') on the dashboard. */
export function RunPage({ result, live }: { result: RunResult; live?: 'running' | 'ended' }) {
  const view = useMemo(() => buildRunView(result), [result]);
  return (
    <main className="page run-page">
      <Header view={view} live={live} />
      <ThresholdTable view={view} />
      <LatencySection view={view} />
      <ThroughputSection view={view} />
      <SpectrumSection view={view} />
      <RequestTable view={view} />
      <CheckTable view={view} />
      <GeneratorSection view={view} />
      <ServerSection view={view} />
      <footer>Stampede {result.meta.tool.version} · schema v{result.schemaVersion} · times in ms unless marked</footer>
    </main>
  );
}
