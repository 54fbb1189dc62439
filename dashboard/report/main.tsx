// The report page's entry: read the embedded document, validate it, render the run page.
// Everything is in the file; there is nothing to fetch.
import { z } from 'zod';
import { createRoot } from 'react-dom/client';
import { StrictMode } from 'react';
import { EMBED_ELEMENT_ID, decodeEnvelope, embeddedEnvelopeSchema } from '../model/embedded.ts';
import { parseRunResult } from '../model/document.ts';
import { RunPage } from '../ui/RunPage.tsx';
import '../ui/styles.css';

// zod's JIT probes `new Function`, which the report's CSP forbids (and reports as a violation)
z.config({ jitless: true });

async function load() {
  const el = document.getElementById(EMBED_ELEMENT_ID);
  if (!el?.textContent) throw new Error(`this page has no embedded data (#${EMBED_ELEMENT_ID})`);
  const envelope = embeddedEnvelopeSchema.parse(JSON.parse(el.textContent));
  const doc = await decodeEnvelope(envelope);
  return parseRunResult(doc, 'embedded run result');
}

const root = createRoot(document.getElementById('root')!);
load().then(
  (result) => {
    document.title = `${result.meta.scenarioName} — Stampede run report`;
    root.render(<StrictMode><RunPage result={result} /></StrictMode>);
    document.documentElement.dataset.ready = 'true';
  },
  (e: unknown) => {
    root.render(<pre className="load-error" data-testid="load-error">{`This report could not be read: ${e instanceof Error ? e.message : String(e)}`}</pre>);
    document.documentElement.dataset.ready = 'error';
  },
);
