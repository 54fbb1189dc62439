// Capacity documents for tests of the capacity view and capacity.html: real ones, written by
// `stampede capacity` on this machine against the flash-sale shop (product-read.ts; the async
// and sync variants, each with --peak 3000) and a closed-model VU sweep against a test server
// with 4 slots of 20 ms. `full` joins the async search (probes, answer, peak, HPA) and the
// sweep (points, USL fit) into one document, so one page shows every section.
import { readFileSync } from 'node:fs';
import { capacityDocumentSchema, type CapacityDocument } from '../../runner/result/capacity-schema.ts';

const read = (name: string): CapacityDocument =>
  capacityDocumentSchema.parse(JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')));

export const capacityAsync = (): CapacityDocument => read('capacity-async.json');
export const capacitySync = (): CapacityDocument => read('capacity-sync.json');
export const capacitySweep = (): CapacityDocument => read('capacity-sweep.json');

/** The async search with the sweep attached; `hostile` is appended to every string that comes from the user or the run. */
export function capacityFull(opts: { hostile?: string } = {}): CapacityDocument {
  const doc: CapacityDocument = { ...capacityAsync(), sweep: capacitySweep().sweep };
  const h = opts.hostile;
  if (h === undefined) return doc;
  return {
    ...doc,
    meta: { ...doc.meta, scenarioName: doc.meta.scenarioName + h, exec: doc.meta.exec + h, scenarioFile: doc.meta.scenarioFile + h, target: `${doc.meta.target}${h}`, env: { ...doc.meta.env, [`K${h}`]: `v${h}` } },
    answer: doc.answer ? { ...doc.answer, message: doc.answer.message + h } : null,
    probes: doc.probes.map((p) => ({ ...p, reasons: p.reasons.map((r) => r + h), idle: { ...p.idle, detail: p.idle.detail + h } })),
    peak: doc.peak?.hpa ? { ...doc.peak, hpa: { ...doc.peak.hpa, summary: { ...doc.peak.hpa.summary, verdict: doc.peak.hpa.summary.verdict + h } } } : doc.peak,
    sweep: doc.sweep ? { ...doc.sweep, usl: doc.sweep.usl ? { ...doc.sweep.usl, notes: [...doc.sweep.usl.notes, `note${h}`] } : null } : null,
    warnings: [...doc.warnings, `warning${h}`],
  };
}
