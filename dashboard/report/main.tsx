// The UI's one entry. A page with embedded data (#stampede-data) is a report: read it,
// validate it, render the page for its kind (a run, a capacity study), no network. A page
// without it is the live dashboard served by `stampede dashboard`.
import { z } from 'zod';
import { createRoot } from 'react-dom/client';
import { StrictMode, type ReactElement } from 'react';
import { EMBED_ELEMENT_ID, decodeEnvelope, embeddedEnvelopeSchema } from '../model/embedded.ts';
import { parseRunResult } from '../model/document.ts';
import { parseCapacityDocument } from '../model/capacity.ts';
import { DashboardApp } from '../ui/DashboardApp.tsx';
import { RunPage } from '../ui/RunPage.tsx';
import { CapacityPage } from '../ui/CapacityPage.tsx';
import { parseComparisonReport } from '../model/compare.ts';
import { ComparePage } from '../ui/ComparePage.tsx';
import { reportFileHref } from '../view/compare.ts';
import '../ui/styles.css';

// zod's JIT probes `new Function`, which the pages' CSP forbids (and reports as a violation)
z.config({ jitless: true });

/** The page for the embedded document, and its title. */
async function load(el: HTMLElement, done: () => void): Promise<{ title: string; page: ReactElement }> {
  const envelope = embeddedEnvelopeSchema.parse(JSON.parse(el.textContent ?? ''));
  const doc = await decodeEnvelope(envelope);
  performance.mark('stampede:decoded');
  if (envelope.kind === 'capacity') {
    const capacity = parseCapacityDocument(doc, 'embedded capacity document');
    performance.mark('stampede:validated');
    return { title: `${capacity.meta.scenarioName} — Stampede capacity report`, page: <CapacityPage doc={capacity} onComplete={done} /> };
  }
  if (envelope.kind === 'comparison') {
    const report = parseComparisonReport(doc, 'embedded comparison');
    performance.mark('stampede:validated');
    return { title: `${report.comparison.meta.scenarioName} — Stampede comparison`, page: <ComparePage report={report} onComplete={done} runHref={reportFileHref} /> };
  }
  const result = parseRunResult(doc, 'embedded run result');
  performance.mark('stampede:validated');
  return { title: `${result.meta.scenarioName} — Stampede run report`, page: <RunPage result={result} onComplete={done} /> };
}

const root = createRoot(document.getElementById('root')!);
const data = document.getElementById(EMBED_ELEMENT_ID);
if (!data) {
  root.render(<StrictMode><DashboardApp /></StrictMode>);
  document.documentElement.dataset.ready = 'true';
} else {
  // data-ready tells tests (and anyone scripting the page) that every section is drawn
  const done = () => (document.documentElement.dataset.ready = 'true');
  load(data, done).then(
    ({ title, page }) => {
      document.title = title;
      root.render(<StrictMode>{page}</StrictMode>);
    },
    (e: unknown) => {
      root.render(<pre className="load-error" data-testid="load-error">{`This report could not be read: ${e instanceof Error ? e.message : String(e)}`}</pre>);
      document.documentElement.dataset.ready = 'error';
    },
  );
}
