// The data a report carries: a small JSON envelope in <script type="application/json"
// id="stampede-data"> whose `data` is the document, gzip-compressed and base64-encoded.
// Browser and Node both have CompressionStream/DecompressionStream, so one codec serves the
// report builder (Node), the report page and the tests.
import { z } from 'zod';

export const EMBED_ELEMENT_ID = 'stampede-data';

export const embeddedEnvelopeSchema = z.object({
  format: z.literal('stampede-embed'),
  version: z.literal(1),
  kind: z.enum(['run', 'capacity', 'comparison']),
  encoding: z.literal('gzip+base64'),
  data: z.string(),
});
export type EmbeddedEnvelope = z.infer<typeof embeddedEnvelopeSchema>;

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function pipe(bytes: Uint8Array<ArrayBuffer>, stream: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The envelope of a document already gzip-compressed and base64-encoded. */
export function envelopeOf(kind: EmbeddedEnvelope['kind'], gzipBase64: string): EmbeddedEnvelope {
  return { format: 'stampede-embed', version: 1, kind, encoding: 'gzip+base64', data: gzipBase64 };
}

/**
 * Compresses a document into the envelope a report embeds (any JavaScript runtime). The report
 * builder, in Node, uses reports/envelope.ts instead: the same bytes through node:zlib, without
 * loading the fetch/web-streams stack this needs (~15 ms of every run's end).
 */
export async function encodeEnvelope(kind: EmbeddedEnvelope['kind'], doc: unknown): Promise<EmbeddedEnvelope> {
  const json = new TextEncoder().encode(JSON.stringify(doc));
  const gz = await pipe(json, new CompressionStream('gzip'));
  return envelopeOf(kind, toBase64(gz));
}

/** Decompresses an envelope back into the (still unvalidated) document. */
export async function decodeEnvelope(envelope: EmbeddedEnvelope): Promise<unknown> {
  const bytes = await pipe(fromBase64(envelope.data), new DecompressionStream('gzip'));
  return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
}

/**
 * JSON for the inside of a <script> element: `<`, `>` and `&` become \u escapes, so no value
 * can close the element or open a comment, and U+2028/2029 are escaped for old JS parsers.
 */
export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
