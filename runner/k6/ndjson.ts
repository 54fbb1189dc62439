// Reading k6's `--out json` files: NDJSON, one envelope a line (internal/output/json/wrapper.go):
//   {"type":"Metric","data":{"name","type","contains","thresholds","submetrics"},"metric":"<name>"}
//   {"type":"Point","data":{"time":"<RFC 3339, ns>","value":<n>,"tags":{..}|null,"metadata"?},"metric":"<name>"}
// gzip-compressed when k6 was given a .gz name: detected by the magic bytes, not the name.
// Every bad line is an error naming the file and the line number.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { StampedeError } from '../errors.ts';
import { issueLines } from '../result/validate.ts';

const metricTypeSchema = z.enum(['trend', 'counter', 'rate', 'gauge']);

const thresholdEntry = z.union([
  z.string(),
  z.object({ threshold: z.string(), abortOnFail: z.boolean().optional(), delayAbortEval: z.union([z.string(), z.number()]).optional() }).loose(),
]);

const submetricSchema = z
  .object({ name: z.string(), suffix: z.string().optional(), tags: z.record(z.string(), z.string()).nullable().optional(), thresholds: z.array(thresholdEntry).nullable().optional() })
  .loose();

export const metricLineSchema = z.object({
  type: z.literal('Metric'),
  metric: z.string().min(1),
  data: z
    .object({
      name: z.string().optional(),
      type: metricTypeSchema,
      contains: z.enum(['default', 'time', 'data']).default('default'),
      thresholds: z.array(thresholdEntry).nullable().optional(),
      submetrics: z.array(submetricSchema).nullable().optional(),
    })
    .loose(),
});

export const pointLineSchema = z.object({
  type: z.literal('Point'),
  metric: z.string().min(1),
  data: z
    .object({
      time: z.string(),
      value: z.number(),
      tags: z.record(z.string(), z.string()).nullable().optional(),
      metadata: z.record(z.string(), z.string()).nullable().optional(),
    })
    .loose(),
});

export type MetricLine = z.infer<typeof metricLineSchema>;
export type PointLine = z.infer<typeof pointLineSchema>;
export type K6Line = MetricLine | PointLine;

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/;

/** k6's RFC 3339 time with up to nanoseconds → epoch ms (fractional); undefined when malformed. */
export function parseK6Time(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(whole)) return undefined;
  const frac = m[2] ? Number(`0.${m[2]}`) * 1000 : 0;
  return whole + frac;
}

/** Parses one NDJSON line; throws a StampedeError naming `file:line`. */
export function parseLine(text: string, file: string, line: number): K6Line {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: not valid JSON (${(e as Error).message}); expected one k6 --out json envelope per line`);
  }
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = type === 'Metric' ? metricLineSchema : type === 'Point' ? pointLineSchema : undefined;
  if (!schema) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: type: expected "Metric" or "Point" (a k6 --out json line), got ${JSON.stringify(type) ?? 'nothing'}`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const lines = issueLines(parsed.error);
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line}: ${lines[0] ?? 'invalid'}`, lines.slice(1));
  }
  return parsed.data;
}

/** True when the file starts with gzip's magic bytes. */
export async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === 0x1f && buf[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Streams a file's lines (gunzipped when compressed) with 1-based line numbers; blank lines skipped. */
export async function* readLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  let line = 0;
  // the gzip sniff opens the file first: a missing or unreadable file fails here, before a
  // stream exists whose 'error' nobody would be listening to
  let gz: boolean;
  try {
    gz = await isGzip(file);
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const raw = createReadStream(file);
  const input = gz ? raw.pipe(createGunzip()) : raw;
  // readline's iterator rejects on its input's errors; a read error of the file itself must reach the gunzip stream
  if (input !== raw) raw.on('error', (e) => input.destroy(e));
  const rl = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const text of rl) {
      line++;
      if (text.trim() === '') continue;
      yield { text, line };
    }
  } catch (e) {
    throw new StampedeError('STAMPEDE_E_INPUT_INVALID', `${file}:${line + 1}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  } finally {
    rl.close();
    raw.destroy();
  }
}
