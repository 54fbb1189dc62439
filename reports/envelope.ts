// The report's embedded data envelope (dashboard/model/embedded.ts), encoded in Node with
// node:zlib: CompressionStream would load Node's fetch/web-streams stack (~15 ms) at the end of
// every run just to gzip one document. Decoded by the page with DecompressionStream as before.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { envelopeOf, type EmbeddedEnvelope } from '../dashboard/model/embedded.ts';

const gzipAsync = promisify(gzip);

export async function encodeEnvelopeInNode(kind: EmbeddedEnvelope['kind'], doc: unknown): Promise<EmbeddedEnvelope> {
  return envelopeOf(kind, (await gzipAsync(JSON.stringify(doc))).toString('base64'));
}
