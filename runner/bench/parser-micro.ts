// Micro-benchmark: our response parser (parser.ts) vs Node's llhttp binding (HTTPParser from
// the internal `_http_common` module) on the same response, as the client uses them: parse a
// hello-world response and build the lower-cased header record. `npx tsx runner/bench/parser-micro.ts`.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { ResponseParser } from '../engine/http/parser.ts';

const require = createRequire(import.meta.url);
interface LlhttpParser {
  initialize(type: number, resource: object): void;
  execute(b: Buffer): number | Error;
  [k: number]: unknown;
}
const { HTTPParser } = require('_http_common') as { HTTPParser: { new (): LlhttpParser; RESPONSE: number; kOnHeadersComplete: number; kOnBody: number; kOnMessageComplete: number } };

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nDate: Wed, 25 Nov 2026 10:42:03 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok', 'latin1');
const N = Number(process.argv[2] ?? 2_000_000);
let sink = 0;

function ours(): number {
  const p = new ResponseParser();
  const bodySink = { onBody: (_b: Buffer, s: number, e: number) => (sink += e - s) };
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    p.reset(false);
    p.execute(RESPONSE, 0, RESPONSE.length, bodySink);
    if (!p.done) throw new Error('not done');
    sink += p.status + (p.headers['content-length'] as string).length;
  }
  return ((performance.now() - t) * 1000) / N;
}

function llhttp(): number {
  const p = new HTTPParser();
  let status = 0;
  let headers: Record<string, string> = {};
  let done = false;
  p[HTTPParser.kOnHeadersComplete] = (_maj: number, _min: number, raw: string[], _m: unknown, _u: unknown, code: number) => {
    status = code;
    const h: Record<string, string> = {};
    for (let i = 0; i < raw.length; i += 2) h[(raw[i] as string).toLowerCase()] = raw[i + 1] as string;
    headers = h;
  };
  p[HTTPParser.kOnBody] = (b: Buffer) => (sink += b.length);
  p[HTTPParser.kOnMessageComplete] = () => (done = true);
  p.initialize(HTTPParser.RESPONSE, {});
  const t = performance.now();
  for (let i = 0; i < N; i++) {
    done = false;
    const r = p.execute(RESPONSE);
    if (r instanceof Error || !done) throw new Error('llhttp failed');
    sink += status + (headers['content-length'] as string).length;
  }
  return ((performance.now() - t) * 1000) / N;
}

for (let round = 0; round < 3; round++) {
  process.stdout.write(`ours ${ours().toFixed(3)} µs/response   llhttp ${llhttp().toFixed(3)} µs/response\n`);
}
if (sink === 0) process.stdout.write('\n');
