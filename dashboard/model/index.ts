// The model layer: documents in, validated and decoded.
export { parseRunResult, type RunResult } from './document.ts';
export { EMBED_ELEMENT_ID, decodeEnvelope, encodeEnvelope, embeddedEnvelopeSchema, jsonForScriptTag, type EmbeddedEnvelope } from './embedded.ts';
export { decodeHistogram, mergedPercentiles, type DecodedHistogram, type SpectrumPoint } from './histogram.ts';
