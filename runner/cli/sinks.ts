// The output sinks a command hands down to the run and comparison layers: the single-file
// report builder and the live dashboard's producer. Both sit above those layers (reports/,
// dashboard/live/), so the CLI chooses them and passes them in; each is imported only when
// used (start-up time is CPU the generator pays).
import type { ReportWriter } from '../run/outputs.ts';
import type { LiveConnector } from '../run/live.ts';

/** report.html with reports/build.ts. */
export const writeRunReport: ReportWriter = async (result, file) => (await import('../../reports/build.ts')).writeRunReport(result, file);

/** The live dashboard's producer (dashboard/live/producer.ts). */
export const connectLiveDashboard: LiveConnector = async (ingestUrl, runId) => (await import('../../dashboard/live/producer.ts')).connectLiveProducer(ingestUrl, runId);
