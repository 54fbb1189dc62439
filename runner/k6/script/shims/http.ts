// `k6/http` on the native VU: k6's request forms (bodies as form fields or multipart with
// http.file, params, batch), k6's Response (canonical header names, timings, json(selector),
// cookies, error and error_code) and a per-VU cookie jar as k6 keeps one.
import { STATUS_CODES } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { RequestParams, Response as NativeResponse } from '../../../scenario/api.ts';
import { rawOptions, type ScriptContext, type ScriptVu } from '../runtime.ts';
import { CookieJar, parseSetCookie } from './cookies.ts';
import { gjson } from './gjson.ts';

export { CookieJar };

const OCSP_STATUS_GOOD = 'good';
const TLS_1_2 = 'tls1.2';
const TLS_1_3 = 'tls1.3';

interface K6Params {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  responseType?: 'text' | 'binary' | 'none';
  redirects?: number;
  cookies?: Record<string, unknown>;
  jar?: CookieJar | null;
  compression?: string;
  auth?: string;
  /** k6's per-request response callback (an http.expectedStatuses() value; null: every status expected) */
  responseCallback?: ExpectedStatuses | null;
}

export interface FileData {
  data: string | ArrayBuffer | Uint8Array;
  filename?: string;
  content_type: string;
}

const FILE = Symbol('k6.file');

export function file(data: string | ArrayBuffer | Uint8Array, filename?: string, contentType?: string): FileData {
  const f = { data, filename, content_type: contentType ?? 'application/octet-stream' };
  Object.defineProperty(f, FILE, { value: true });
  return f;
}

function isFile(v: unknown): v is FileData {
  return v !== null && typeof v === 'object' && (v as Record<symbol, unknown>)[FILE] === true;
}

function bytesOf(v: string | ArrayBuffer | Uint8Array | ArrayBufferView): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** k6 bodies: a string or bytes as they are; an object as form fields, multipart when it holds an http.file. */
function encodeBody(body: unknown, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return bytesOf(body as ArrayBuffer);
  if (typeof body !== 'object') return String(body);
  const fields = Object.entries(body as Record<string, unknown>);
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  if (fields.some(([, v]) => isFile(v))) {
    const boundary = `----stampede${randomBytes(12).toString('hex')}`;
    const parts: Buffer[] = [];
    for (const [k, v] of fields) {
      if (isFile(v)) {
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${v.filename ?? k}"\r\nContent-Type: ${v.content_type}\r\n\r\n`));
        parts.push(bytesOf(v.data), Buffer.from('\r\n'));
      } else parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`));
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    if (!hasType) headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    return Buffer.concat(parts);
  }
  if (!hasType) headers['Content-Type'] = 'application/x-www-form-urlencoded';
  return fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
}

function vuJar(ctx: ScriptContext): CookieJar {
  return ((ctx.state.jar as CookieJar | undefined) ??= new CookieJar());
}

const ERROR_CODES: Record<string, [number, string]> = {
  connect_refused: [1212, 'dial: connection refused'],
  timeout: [1050, 'request timeout'],
  reset: [1220, 'read: connection reset by peer'],
  dns: [1101, 'lookup: no such host'],
  tls: [1300, 'tls: handshake error'],
  protocol: [1000, 'malformed HTTP response'],
  aborted: [1000, 'request aborted'],
  other: [1000, 'request failed'],
};

/** Go's canonical header name (k6 shows `Content-Type`, not `content-type`). */
export function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, d: string, c: string) => d + c.toUpperCase());
}

interface RequestInfo {
  method: string;
  url: string;
  headers: Record<string, string[]>;
  body: string;
  cookies: Record<string, Array<{ name: string; value: string; replace: boolean }>>;
}

/** What a Response's `request` is built from (on first use). */
interface SentRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload: string | Uint8Array | undefined;
}

type Follow = (method: string, url: string, body: unknown, params: K6Params | undefined) => Promise<Response>;

/**
 * k6's Response. Headers, body, timings, cookies and request are built on first use: most
 * scripts read the status and one or two fields of most responses.
 */
export class Response {
  readonly status: number;
  readonly proto = 'HTTP/1.1';
  readonly url: string;
  readonly error: string;
  readonly error_code: number;
  readonly remote_ip = '';
  readonly remote_port = 0;
  readonly tls_version = '';
  readonly ocsp = { status: 'unknown' };
  readonly #r: NativeResponse;
  readonly #responseType: string;
  readonly #sent: SentRequest;
  /** a request from this response's VU (submitForm, clickLink) */
  readonly #follow: Follow;
  #headers: Record<string, string> | undefined;
  #timings: Record<string, number> | undefined;
  #cookies: Record<string, Array<Record<string, unknown>>> | undefined;
  #request: RequestInfo | undefined;

  constructor(r: NativeResponse, responseType: string, sent: SentRequest, follow: Follow) {
    this.#r = r;
    this.#follow = follow;
    this.#responseType = responseType;
    this.#sent = sent;
    this.status = r.status;
    this.url = r.url;
    if (r.error !== '') [this.error_code, this.error] = ERROR_CODES[r.error] ?? [1000, r.error];
    else if (r.status >= 400) [this.error_code, this.error] = [1000 + r.status, ''];
    else [this.error_code, this.error] = [0, ''];
  }

  get status_text(): string {
    return this.status === 0 ? '' : `${this.status} ${STATUS_CODES[this.status] ?? ''}`.trim();
  }

  /** canonical names (`Content-Type`), repeated headers joined with ', ' */
  get headers(): Record<string, string> {
    if (this.#headers === undefined) {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(this.#r.headers)) headers[canonicalHeader(k)] = k === 'set-cookie' ? v.split('\n').join(', ') : v;
      this.#headers = headers;
    }
    return this.#headers;
  }

  /** text; null with responseType 'none'; with 'binary' an ArrayBuffer of the bytes as received (a copy: the script may keep it) */
  get body(): string | ArrayBuffer | null {
    if (this.#responseType === 'none') return null;
    if (this.#responseType === 'binary') return bytesToArrayBuffer(this.#r.bytes);
    return this.#r.body;
  }

  get timings(): Record<string, number> {
    if (this.#timings === undefined) {
      const t = this.#r.timings;
      this.#timings = { blocked: t.blocked, connecting: t.connecting, tls_handshaking: t.tlsHandshaking, sending: t.sending, waiting: t.waiting, receiving: t.receiving, duration: t.duration };
    }
    return this.#timings;
  }

  /** what http.setResponseCallback()'s statuses say of this response (k6's expected_response tag) */
  get expected(): boolean {
    return this.status !== 0 && isExpected(this.status);
  }

  get cookies(): Record<string, Array<Record<string, unknown>>> {
    if (this.#cookies === undefined) {
      const cookies: Record<string, Array<Record<string, unknown>>> = {};
      for (const line of (this.#r.headers['set-cookie'] ?? '').split('\n')) {
        const c = line === '' ? null : parseSetCookie(line);
        if (c) (cookies[c.name] ??= []).push({ name: c.name, value: c.value, domain: c.domain ?? '', path: c.path ?? '', http_only: c.httpOnly, secure: c.secure, max_age: c.maxAge ?? 0, expires: c.expires ?? 0 });
      }
      this.#cookies = cookies;
    }
    return this.#cookies;
  }

  get request(): RequestInfo {
    if (this.#request === undefined) {
      const s = this.#sent;
      const headers: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(s.headers)) headers[canonicalHeader(k)] = [v];
      this.#request = { method: s.method, url: s.url, headers, body: typeof s.payload === 'string' ? s.payload : s.payload ? Buffer.from(s.payload).toString('latin1') : '', cookies: {} };
    }
    return this.#request;
  }

  toJSON(): Record<string, unknown> {
    return { status: this.status, status_text: this.status_text, url: this.url, headers: this.headers, body: this.body, timings: this.timings, error: this.error, error_code: this.error_code };
  }

  /** k6: the body parsed as JSON; with a selector, gjson's path syntax (`items.#.id`, `items.0.name`). */
  json(selector?: string): unknown {
    if (typeof this.body !== 'string') throw new Error('json(): the response has no text body (responseType is not "text")');
    let v: unknown;
    try {
      v = JSON.parse(this.body);
    } catch (e) {
      throw new Error(`json(): cannot parse the body of ${this.request.method} ${this.url} as JSON: ${(e as Error).message}`);
    }
    return selector === undefined ? v : gjson(v, selector);
  }

  /** k6: the body parsed as HTML (k6/html's Selection, its URL this response's); with a selector, what it finds */
  html(selector?: string): unknown {
    if (htmlParser === null) throw new Error('Response.html(): the HTML parser is loaded for scripts that call html() by name (res.html()) or import k6/html');
    if (typeof this.body !== 'string') throw new Error('html(): the response has no text body (responseType is not "text")');
    const doc = htmlParser(this.body, this.url);
    return selector === undefined ? doc : doc.find(String(selector));
  }

  /**
   * k6 submitForm({ formSelector = 'form', submitSelector = '[type="submit"]', fields, params }):
   * the form's fields (serializeObject), the submit button's name and value, then `fields`, sent
   * to the form's action (resolved against this URL; none: this URL) with its method (GET: in
   * the query, replacing it; otherwise as a form body).
   */
  submitForm(args?: { formSelector?: unknown; submitSelector?: unknown; fields?: Record<string, unknown>; params?: K6Params }): Promise<Response> {
    const formSelector = args?.formSelector === undefined ? 'form' : String(args.formSelector);
    const submitSelector = args?.submitSelector === undefined ? '[type="submit"]' : String(args.submitSelector);
    const form = this.html(formSelector) as HtmlSelection;
    if (form.size() === 0) throw new Error(`no form found for selector '${formSelector}' in response '${this.url}'`);
    const methodAttr = form.attr('method');
    const method = methodAttr === undefined ? 'GET' : String(methodAttr).toUpperCase();
    const actionAttr = form.attr('action');
    const target = new URL(actionAttr === undefined ? this.url : String(actionAttr), this.url);
    const values = form.serializeObject();
    const submit = form.find(submitSelector);
    const submitName = submit.attr('name');
    const submitValue = submit.val();
    if (submitName !== undefined && submitValue !== undefined) values[String(submitName)] = submitValue;
    Object.assign(values, args?.fields ?? {});
    // as Go's url.Values (k6): the fields sorted by name
    const sorted = Object.fromEntries(Object.keys(values).sort().map((k) => [k, String(values[k])]));
    if (method === 'GET') {
      target.search = new URLSearchParams(sorted).toString();
      return this.#follow('GET', target.href, undefined, args?.params);
    }
    return this.#follow(method, target.href, sorted, args?.params);
  }

  /** k6 clickLink({ selector = 'a[href]', params }): GET of the first match's href, resolved against this URL */
  clickLink(args?: { selector?: unknown; params?: K6Params }): Promise<Response> {
    const selector = args?.selector === undefined ? 'a[href]' : String(args.selector);
    const el = this.html(selector) as HtmlSelection;
    if (el.size() === 0) throw new Error(`no element found for selector '${selector}' in response '${this.url}'`);
    const href = el.attr('href');
    if (href === undefined) throw new Error(`no valid href attribute value found for element '${selector}' in response '${this.url}'`);
    return this.#follow('GET', new URL(String(href), this.url).href, undefined, args?.params);
  }
}

/** What Response.html() and the form helpers use of a k6/html Selection. */
interface HtmlSelection {
  size(): number;
  find(selector: string): HtmlSelection;
  attr(name: string): unknown;
  val(): unknown;
  serializeObject(): Record<string, unknown>;
}

let htmlParser: ((body: string, url: string) => HtmlSelection) | null = null;

/** Set by the k6/html shim when a script has it (only those scripts load the parser). */
export function useHtmlParser(parse: (body: string, url: string) => HtmlSelection): void {
  htmlParser = parse;
}

function bytesToArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

let responseCallback: ExpectedStatuses | null = null;

export interface ExpectedStatuses {
  readonly statuses: Array<number | { min: number; max: number }>;
}

/** k6 http.expectedStatuses(200, { min: 300, max: 399 }). */
export function expectedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses {
  for (const s of statuses) {
    if (typeof s === 'number' ? !Number.isInteger(s) : !(s && Number.isInteger(s.min) && Number.isInteger(s.max))) throw new Error('expectedStatuses(): expected integers or { min, max } ranges');
  }
  return { statuses };
}

/**
 * k6 http.setResponseCallback(): the statuses that count as expected for this script's following
 * requests — http_req_failed and Response.expected follow it, as in k6 (a request's own
 * `responseCallback` param wins). Handed to the native request as its expectedStatuses, whose
 * compiled table is cached by the list's identity (one per callback, not per request).
 */
export function setResponseCallback(cb: ExpectedStatuses | null): void {
  responseCallback = cb;
}

export function isExpected(status: number, cb: ExpectedStatuses | null = responseCallback): boolean {
  if (cb === null) return status >= 200 && status < 400;
  return cb.statuses.some((s) => (typeof s === 'number' ? s === status : status >= s.min && status <= s.max));
}

function toNativeParams(params: K6Params | undefined, headers: Record<string, string>, discard: boolean): RequestParams | undefined {
  // no headers at all: the native client sends a cached request head
  const hasHeaders = Object.keys(headers).length > 0;
  const cb = responseCallback;
  if (!params) {
    if (!hasHeaders && !discard && cb === null) return undefined;
    return { headers: hasHeaders ? headers : undefined, ...(discard ? { responseType: 'none' as const } : {}), ...(cb ? { expectedStatuses: cb.statuses } : {}) };
  }
  const out: RequestParams = hasHeaders ? { headers } : {};
  if (cb) out.expectedStatuses = cb.statuses;
  if (params.tags) {
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(params.tags)) if (k !== 'name') tags[k] = String(v);
    if (params.tags.name !== undefined) out.name = String(params.tags.name);
    if (Object.keys(tags).length > 0) out.tags = tags;
  }
  if (params.timeout !== undefined) out.timeout = params.timeout;
  if (params.responseCallback) out.expectedStatuses = params.responseCallback.statuses;
  if (params.responseType === 'none' || (params.responseType === undefined && discard)) out.responseType = 'none';
  return out;
}

/** k6 follows redirects itself (each hop is a request of its own in the metrics, as in k6). */
function redirectLimit(params: K6Params | undefined): number {
  if (params?.redirects !== undefined) return params.redirects;
  const o = rawOptions() as { maxRedirects?: unknown } | undefined;
  return typeof o?.maxRedirects === 'number' ? o.maxRedirects : 10;
}

async function send(ctx: ScriptContext, method: string, url: unknown, body: unknown, params: K6Params | undefined): Promise<Response> {
  const vu = ctx.currentVu(`http.${method.toLowerCase()}()`);
  let u = String(url);
  if (!/^https?:\/\//i.test(u)) throw new Error(`${method} ${JSON.stringify(u)}: expected an absolute http:// or https:// URL`);
  const given: Record<string, string> = {};
  for (const [k, v] of Object.entries(params?.headers ?? {})) given[k] = String(v);
  let payload = encodeBody(body, given);
  if (params?.compression) throw new Error(`${method} ${u}: params.compression is not supported by Stampede; send the body compressed yourself with a Content-Encoding header`);
  if (params?.auth) throw new Error(`${method} ${u}: params.auth ('digest', 'ntlm') is not supported; put basic credentials in the URL or an Authorization header`);
  const jar = params?.jar === null ? null : (params?.jar ?? vuJar(ctx));
  const extraCookies = Object.entries(params?.cookies ?? {}).map(([k, v]) => `${k}=${typeof v === 'object' && v !== null ? String((v as { value: unknown }).value) : String(v)}`);
  let hopsLeft = redirectLimit(params);
  const discard = (rawOptions() as { discardResponseBodies?: unknown } | undefined)?.discardResponseBodies === true;
  for (;;) {
    let headers = given;
    const fromJar = jar ? jar.header(u) : '';
    const cookieHeader = extraCookies.length === 0 ? fromJar : [fromJar, ...extraCookies].filter((x) => x).join('; ');
    if (cookieHeader !== '') {
      headers = { ...given };
      const existing = Object.keys(headers).find((h) => h.toLowerCase() === 'cookie');
      if (existing) headers[existing] = `${headers[existing]}; ${cookieHeader}`;
      else headers.Cookie = cookieHeader;
    }
    const r = await vu.http.request(method, u, payload, toNativeParams(params, headers, discard));
    recordPhases(vu, r, method, params?.tags);
    // k6's `throw` option: a request that got no response throws
    if (r.error !== '' && (rawOptions() as { throw?: unknown } | undefined)?.throw === true) throw new Error(`${method} ${u}: ${ERROR_CODES[r.error]?.[1] ?? r.error} (options.throw)`);
    const setCookie = r.headers['set-cookie'];
    if (jar && setCookie) for (const line of setCookie.split('\n')) jar.fromSetCookie(u, line);
    const location = r.headers.location;
    if (r.status >= 300 && r.status < 400 && r.status !== 304 && location && hopsLeft > 0) {
      hopsLeft--;
      u = new URL(location, u).href;
      // as Go's client (k6): 301/302/303 continue as GET without a body; 307/308 repeat the request
      if (r.status !== 307 && r.status !== 308) {
        if (method !== 'GET' && method !== 'HEAD') method = 'GET';
        payload = undefined;
        for (const h of Object.keys(given)) if (h.toLowerCase() === 'content-type') delete given[h];
      }
      continue;
    }
    return new Response(r, params?.responseType ?? (discard ? 'none' : 'text'), { method, url: u, headers, payload }, (m, to, b, p) => send(ctx, m, to, b, p));
  }
}

/**
 * k6's http_req_blocked, http_req_tls_handshaking, http_req_sending and http_req_receiving,
 * recorded for k6 scripts only (a native run does not pay for four more histograms per
 * request) from the engine's timestamps, with k6's definitions (see Response.timings);
 * http_req_connecting (TCP), http_req_waiting and http_req_duration the engine records itself.
 */
function recordPhases(vu: ScriptVu, r: NativeResponse, method: string, tags: Record<string, unknown> | undefined): void {
  if (r.error !== '' || !vu.metric) return;
  const t = r.timings;
  const sample: Record<string, string> = { method, status: String(r.status) };
  if (tags) for (const [k, v] of Object.entries(tags)) sample[k] = String(v);
  vu.metric('trend', 'http_req_blocked', t.blocked, sample);
  vu.metric('trend', 'http_req_tls_handshaking', t.tlsHandshaking, sample);
  vu.metric('trend', 'http_req_sending', t.sending, sample);
  vu.metric('trend', 'http_req_receiving', t.receiving, sample);
}

type BatchItem = string | [string, string, unknown?, K6Params?] | { method?: string; url: string; body?: unknown; params?: K6Params };

function hostOf(item: BatchItem): string {
  const url = typeof item === 'string' ? item : Array.isArray(item) ? item[1] : item?.url;
  try {
    return new URL(String(url)).host;
  } catch {
    return '';
  }
}

/** Runs the batch with k6's limits: `batch` in flight in all, `batchPerHost` per host (0: no limit). */
function limited(items: readonly BatchItem[], run: (item: BatchItem) => Promise<Response>): Promise<Response[]> {
  const o = (rawOptions() ?? {}) as { batch?: unknown; batchPerHost?: unknown };
  const total = typeof o.batch === 'number' && o.batch > 0 ? o.batch : 20;
  const perHost = typeof o.batchPerHost === 'number' ? o.batchPerHost : 6;
  const out = new Array<Response>(items.length);
  const started = new Array<boolean>(items.length).fill(false);
  const hosts = items.map(hostOf);
  const inFlight = new Map<string, number>();
  let running = 0;
  let done = 0;
  return new Promise<Response[]>((resolve, reject) => {
    if (items.length === 0) return resolve(out);
    const pump = () => {
      for (let i = 0; i < items.length && running < total; i++) {
        const host = hosts[i] ?? '';
        if (started[i] || (perHost > 0 && (inFlight.get(host) ?? 0) >= perHost)) continue;
        started[i] = true;
        running++;
        inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
        run(items[i] as BatchItem).then((r) => {
          out[i] = r;
          running--;
          inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
          if (++done === items.length) resolve(out);
          else pump();
        }, reject);
      }
    };
    pump();
  });
}

/** The module as one script instance sees it. */
export function bind(ctx: ScriptContext): Record<string, unknown> {
  const request = (method: string, url: unknown, body?: unknown, params?: K6Params) => send(ctx, String(method).toUpperCase(), url, body, params);
  const batchRequest = (item: BatchItem): Promise<Response> => {
    if (typeof item === 'string') return send(ctx, 'GET', item, undefined, undefined);
    if (Array.isArray(item)) return request(item[0], item[1], item[2], item[3]);
    if (item && typeof item === 'object') return request(item.method ?? 'GET', item.url, item.body, item.params);
    throw new Error('http.batch(): each request is a URL, an array [method, url, body, params] or an object { method, url, body, params }');
  };
  const ns = {
    request,
    asyncRequest: request,
    get: (url: unknown, params?: K6Params) => send(ctx, 'GET', url, undefined, params),
    head: (url: unknown, params?: K6Params) => send(ctx, 'HEAD', url, undefined, params),
    post: (url: unknown, body?: unknown, params?: K6Params) => send(ctx, 'POST', url, body, params),
    put: (url: unknown, body?: unknown, params?: K6Params) => send(ctx, 'PUT', url, body, params),
    patch: (url: unknown, body?: unknown, params?: K6Params) => send(ctx, 'PATCH', url, body, params),
    del: (url: unknown, body?: unknown, params?: K6Params) => send(ctx, 'DELETE', url, body, params),
    options: (url: unknown, body?: unknown, params?: K6Params) => send(ctx, 'OPTIONS', url, body, params),
    /**
     * k6 http.batch(): the requests in parallel — at most options.batch at once (k6's default 20)
     * and options.batchPerHost to one host (default 6) — the responses in the same shape
     */
    async batch(requests: BatchItem[] | Record<string, BatchItem>): Promise<Response[] | Record<string, Response>> {
      const keys = Array.isArray(requests) ? null : Object.keys(requests);
      const items: BatchItem[] = Array.isArray(requests) ? requests : (keys ?? []).map((k) => requests[k] as BatchItem);
      const responses = await limited(items, batchRequest);
      if (keys === null) return responses;
      return Object.fromEntries(keys.map((k, i) => [k, responses[i] as Response]));
    },
    cookieJar: () => vuJar(ctx),
    file,
    expectedStatuses,
    setResponseCallback,
    url,
    CookieJar,
    Response,
    OCSP_STATUS_GOOD,
    TLS_1_2,
    TLS_1_3,
  };
  return { ...ns, default: ns };
}

/** http.url`...`: k6 names the request by the template; here the URL string (name it with tags.name). */
export function url(strings: TemplateStringsArray, ...values: unknown[]): string {
  return strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
}


