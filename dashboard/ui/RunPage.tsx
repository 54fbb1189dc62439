// One run, everything the result says, in reading order: verdict and banner first, then
// latency, throughput, errors, the spectrum, tables, the generator and the target.
import { useEffect, useMemo, useState } from 'react';
import type { RunResult } from '../../runner/result/schema.ts';
import { buildRunView } from '../view/run.ts';
import { GeneratorSection } from './GeneratorSection.tsx';
import { Header } from './Header.tsx';
import { LatencySection } from './LatencySection.tsx';
import { ServerSection } from './ServerSection.tsx';
import { ResourcesSection } from './ResourcesSection.tsx';
import { SpectrumSection } from './SpectrumSection.tsx';
import { CheckTable, ErrorTable, RequestTable, ThresholdTable } from './Tables.tsx';
import { DistributionSection } from './DistributionSection.tsx';
import { ThroughputSection } from './ThroughputSection.tsx';

const STAGES = 3;

/**
 * `live` marks a run still streaming ('running') or just finished ('ended') on the dashboard.
 * The page mounts in stages (the verdict and latency first, then the rest a frame later) so
 * the first chart shows before some twenty others are laid out; `onComplete` fires once all are.
 */
export function RunPage({ result, live, onComplete }: { result: RunResult; live?: 'running' | 'ended'; onComplete?: () => void }) {
  const view = useMemo(() => buildRunView(result), [result]);
  const [stage, setStage] = useState(1);
  useEffect(() => {
    if (stage === 1) performance.mark('stampede:first-chart');
    if (stage < STAGES) {
      const id = setTimeout(() => setStage(stage + 1), 0);
      return () => clearTimeout(id);
    }
    performance.mark('stampede:all-charts');
    onComplete?.();
    return undefined;
  }, [stage, onComplete]);
  return (
    <main className="page run-page">
      <Header view={view} live={live} />
      <ThresholdTable view={view} />
      <LatencySection view={view} />
      {stage >= 2 ? (
        <>
          <ThroughputSection view={view} />
          <SpectrumSection view={view} />
          <RequestTable view={view} />
          <DistributionSection view={view} />
          <ErrorTable view={view} />
          <CheckTable view={view} />
        </>
      ) : null}
      {stage >= 3 ? (
        <>
          <GeneratorSection view={view} />
          <ResourcesSection view={view} />
          <ServerSection view={view} />
        </>
      ) : null}
      <footer>Stampede {result.meta.tool.version} · schema v{result.schemaVersion} · times in ms unless marked</footer>
    </main>
  );
}
