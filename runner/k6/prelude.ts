// The helpers an exported k6 script carries, each only when the rewritten code uses it. They
// bridge the few places where Stampede's VU API and k6's differ in shape, not in meaning.
import type { Need } from './transform.ts';

const HELPERS: Array<{ need: Need; code: string }> = [
  {
    need: 'params',
    code: `// Stampede request params → k6 params: \`name\` becomes the request's name tag; a JSON body gets its content type.
/**
 * @param {Record<string, any> | undefined} params
 * @param {unknown} [body]
 * @returns {import('k6/http').Params}
 */
function __k6Params(params, body) {
  /** @type {Record<string, any>} */
  const out = Object.assign({}, params);
  if (out.name !== undefined) {
    out.tags = Object.assign({}, out.tags, { name: out.name });
    delete out.name;
  }
  // Stampede's per-request expectedStatuses is k6's responseCallback
  if (out.expectedStatuses !== undefined) {
    out.responseCallback = http.expectedStatuses(...out.expectedStatuses);
    delete out.expectedStatuses;
  }
  if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof ArrayBuffer) && !(body instanceof Uint8Array)) {
    const headers = Object.assign({}, out.headers);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
    out.headers = headers;
  }
  return out;
}`,
  },
  {
    need: 'body',
    code: `// Stampede request bodies → k6: strings and bytes as they are, anything else as JSON.
/**
 * @param {unknown} body
 * @returns {string | ArrayBuffer | null}
 */
function __k6Body(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof ArrayBuffer) return body;
  if (body instanceof Uint8Array) return /** @type {ArrayBuffer} */ (body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  return JSON.stringify(body);
}`,
  },
  {
    need: 'send',
    code: `// A request whose body expression has side effects: the body is evaluated once.
/**
 * @param {string} method
 * @param {string} url
 * @param {unknown} body
 * @param {Record<string, any> | undefined} params
 */
function __k6Send(method, url, body, params) {
  return http.request(method, url, __k6Body(body), __k6Params(params, body));
}`,
  },
  {
    need: 'tag',
    code: `// vu.tag(key, value): a tag on every later sample of this VU; undefined removes it.
/**
 * @param {string} key
 * @param {string | undefined} value
 */
function __k6Tag(key, value) {
  if (value === undefined) delete exec.vu.metrics.tags[key];
  else exec.vu.metrics.tags[key] = value;
}`,
  },
  {
    need: 'state',
    code: `// vu.state: every k6 VU has its own JS runtime, so module scope is per VU and survives iterations.
/** @type {Record<string, any>} */
const __vuState = {};`,
  },
];

export function importsFor(needs: Set<Need>, timers: ReadonlySet<string> = new Set()): string[] {
  const lines: string[] = [];
  if (timers.size > 0) lines.push(`import { ${[...timers].sort().join(', ')} } from 'k6/timers';`);
  if (needs.has('http') || needs.has('send')) lines.push("import http from 'k6/http';");
  const k6 = (['check', 'group', 'sleep'] as const).filter((n) => needs.has(n));
  if (k6.length > 0) lines.push(`import { ${k6.join(', ')} } from 'k6';`);
  if (needs.has('exec') || needs.has('tag')) lines.push("import exec from 'k6/execution';");
  return lines;
}

export function helpersFor(needs: Set<Need>): string[] {
  return HELPERS.filter((h) => needs.has(h.need)).map((h) => h.code);
}
