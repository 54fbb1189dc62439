// A virtual user: its own HTTP connections (as k6: one keep-alive connection per origin), its
// own state that survives iterations, and the journey API (http, check, sleep, group, tag).
// Every request is recorded with both latency definitions:
//   http_req_duration = end − when the request began on its connection (k6's meaning);
//   http_req_latency  = end − when the request was *meant* to start: the request's call time
//                       shifted back by how late the generator started this iteration
//                       (coordinated omission corrected; 0 shift in a closed model).
import { Buffer } from 'node:buffer';
import type { NormalisedOptions } from '../scenario/types.ts';
import type { CheckFn, ExpectedStatuses, Http, RequestBody, RequestParams, Response, ResponseTimings, VU } from '../scenario/api.ts';
import type { HttpCell, IntervalRecorder, IterationCell } from '../recorder/interval.ts';
import { tagsKey, type Tags } from '../recorder/series.ts';
import { parseDurationMs } from '../time/duration.ts';
import { nowUs } from '../time/clock.ts';
import type { IterationCounters } from './iteration-counters.ts';
import { HttpAgent, type HttpResult, type HttpTimings } from './http/client.ts';
import { DEFAULT_EXPECTED, isExpected, statusTable, unexpectedStatusKind, type StatusTable } from './expected-statuses.ts';

/** Parsed URLs are cached per thread: scenarios request the same few URLs millions of times. */
const urlCache = new Map<string, URL>();
function parseUrl(raw: string): URL {
  let u = urlCache.get(raw);
  if (!u) {
    u = new URL(raw);
    if (urlCache.size > 50_000) urlCache.clear();
    urlCache.set(raw, u);
  }
  return u;
}

const EMPTY_BODY = Buffer.alloc(0);

interface CellSlot {
  method: string;
  status: number;
  cell: HttpCell;
  next: CellSlot | undefined;
}

/**
 * Distinct request names of one engine thread. A request's `name` defaults to its URL, so a URL
 * with an id in it would make every request its own series and memory would grow with the run
 * (k6's cardinality trap). Past MAX_REQUEST_NAMES, new names are recorded under OVERFLOW_NAME,
 * and the result says so.
 */
export const MAX_REQUEST_NAMES = 1000;
export const OVERFLOW_NAME = '(other URLs: too many distinct names, give requests a name)';

export class RequestNames {
  private readonly seen = new Set<string>();

  bound(name: string): string {
    if (this.seen.has(name)) return name;
    if (this.seen.size >= MAX_REQUEST_NAMES) return OVERFLOW_NAME;
    this.seen.add(name);
    return name;
  }
}

export interface VuContext {
  recorder: IntervalRecorder;
  options: NormalisedOptions;
  /** --env merged with the scenario's env */
  env: Record<string, string>;
  /** false for setup()/teardown(): their requests are not part of the measured load (checks are) */
  recordHttp: boolean;
  /** this thread's request names (shared by its VUs) */
  names: RequestNames;
  /** the engine thread (its segment index) and the run's iteration counters; absent for setup()/teardown()'s VU */
  thread?: { index: number; iterations: IterationCounters };
}

export class VirtualUser implements VU {
  readonly id: number;
  readonly idInTest: number;
  iteration = -1;
  scenario = '';
  env: Record<string, string>;
  readonly state: Record<string, unknown> = {};
  readonly http: Http;
  /** set when the scenario's graceful stop expired: everything this VU does now is a no-op */
  interrupted = false;
  /** an iteration is running (the executor's in-flight count) */
  iterating = false;

  private readonly agent: HttpAgent;
  private readonly recorder: IntervalRecorder;
  private readonly options: NormalisedOptions;
  private readonly recordHttp: boolean;
  private readonly names: RequestNames;
  private readonly thread: { index: number; iterations: IterationCounters } | undefined;
  private scenarioTags: Tags = {};
  private groupPath = '';
  private userTags: Tags = {};
  private baseTags: Tags = {};
  private baseKey = '';
  /** recorder cells of this interval by request name (then method, status); see cachedCell() */
  private cells = new Map<string, CellSlot>();
  private iterCell: IterationCell | null = null;
  private cellGen = -1;
  /**
   * The current iteration's intended start (epoch µs; 0 in a closed model) until its first
   * request starts: that request's http_req_latency is measured from it, and how late the
   * request started (lagUs) is added to the duration of the iteration's later requests.
   */
  private intendedUs = 0;
  /** how late (µs) the current iteration's first request started */
  private lagUs = 0;
  private sleepTimers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  /** the cell of this VU's last recorded request, and what it was for (finish()) */
  private lastCell: { rawName: string; method: string; status: number; gen: number; cell: HttpCell } | null = null;
  private lastRawUrl = '';
  private lastUrl: URL | null = null;
  /** this VU's expected statuses (setResponseCallback), and the last per-request list seen with its table */
  private expected: StatusTable = DEFAULT_EXPECTED;
  private expectedList: ExpectedStatuses | null = null;
  private lastParamsList: ExpectedStatuses | null = null;
  private lastParamsTable: StatusTable = DEFAULT_EXPECTED;

  constructor(id: number, idInTest: number, ctx: VuContext) {
    this.id = id;
    this.idInTest = idInTest;
    this.recorder = ctx.recorder;
    this.options = ctx.options;
    this.env = ctx.env;
    this.recordHttp = ctx.recordHttp;
    this.names = ctx.names;
    this.thread = ctx.thread;
    this.agent = new HttpAgent({
      keepAlive: !ctx.options.noConnectionReuse,
      userAgent: ctx.options.userAgent,
      maxRedirects: ctx.options.maxRedirects,
      insecureSkipTLSVerify: ctx.options.insecureSkipTLSVerify,
    });
    this.http = makeHttp(
      (method, url, body, params) => this.request(method, url, body, params),
      (statuses) => this.setExpected(statuses),
    );
  }

  /** setResponseCallback(): the same list again is a no-op (journeys call it every iteration). */
  private setExpected(statuses: ExpectedStatuses): void {
    if (statuses === this.expectedList) return;
    this.expected = statusTable(statuses);
    this.expectedList = statuses;
  }

  /** The table of a request: its own list (cached by identity), else this VU's. */
  private tableOf(params: RequestParams | undefined): StatusTable {
    const list = params?.expectedStatuses;
    if (list === undefined) return this.expected;
    if (list !== this.lastParamsList) {
      this.lastParamsTable = statusTable(list);
      this.lastParamsList = list;
    }
    return this.lastParamsTable;
  }

  /** Called by the executor before each iteration. */
  /** `intendedUs`: when the schedule wanted this iteration to start (epoch µs), 0 when there is no schedule (closed model, setup, teardown). */
  beginIteration(scenario: string, scenarioTags: Tags, env: Record<string, string>, intendedUs: number): void {
    this.iteration++;
    if (scenario !== this.scenario) {
      this.scenario = scenario;
      this.iteration = 0;
    }
    this.env = env;
    this.intendedUs = intendedUs > 0 ? intendedUs : 0;
    this.lagUs = 0;
    // the base tag set only changes with the scenario, a group or vu.tag(): rebuilding it (and
    // its sorted key) on every iteration was a measurable share of the hot path
    if (this.groupPath !== '' || scenarioTags !== this.scenarioTags || this.baseTags.scenario !== scenario) {
      this.scenarioTags = scenarioTags;
      this.groupPath = '';
      this.refreshBase();
    }
  }

  /** The engine thread this VU runs on (its segment index; 0 in the main thread). */
  get threadIndex(): number {
    return this.thread?.index ?? 0;
  }

  /**
   * The next test-wide number of this VU's scenario (k6's exec.scenario.iterationInTest): shared
   * by every engine thread, so unique and gapless over the test; -1 outside the load (setup, teardown).
   */
  nextIterationInTest(): number {
    return this.thread ? this.thread.iterations.next(this.scenario) : -1;
  }

  /** Tags of iteration-level samples (iterations, iteration_duration). */
  iterationTags(): Tags {
    return this.baseTags;
  }

  private refreshBase(): void {
    this.baseTags = { ...this.options.tags, ...this.scenarioTags, ...this.userTags, scenario: this.scenario, group: this.groupPath };
    this.baseKey = tagsKey(this.baseTags);
    this.cells.clear();
    this.iterCell = null;
    this.lastCell = null;
  }

  tag(key: string, value: string | undefined): void {
    if (value === undefined) delete this.userTags[key];
    else this.userTags[key] = String(value);
    this.refreshBase();
  }

  check<T>(value: T, checks: Record<string, CheckFn<T>>, tags?: Record<string, string>): boolean {
    let all = true;
    for (const name of Object.keys(checks)) {
      let ok = false;
      try {
        ok = Boolean(checks[name]?.(value));
      } catch {
        ok = false;
      }
      all &&= ok;
      if (!this.interrupted) this.recorder.check({ ...this.baseTags, ...tags, check: name }, ok);
    }
    return all;
  }

  /** A custom metric sample (k6/metrics in a k6 script) under this VU's tags: scenario, group, vu.tag() and `tags`. Trends in ms. */
  metric(kind: 'trend' | 'counter' | 'rate' | 'gauge', name: string, value: number, tags?: Record<string, string>): void {
    if (!this.interrupted) this.recorder.custom(kind, name, value, tags ? { ...this.baseTags, ...tags } : this.baseTags);
  }

  sleep(seconds: number): Promise<void> {
    if (this.interrupted || !(seconds > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const entry = {
        resolve,
        timer: setTimeout(() => {
          this.sleepTimers.delete(entry);
          resolve();
        }, seconds * 1000),
      };
      this.sleepTimers.add(entry);
    });
  }

  async group<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const outer = this.groupPath;
    this.groupPath = `${outer}::${name}`;
    this.refreshBase();
    try {
      return await fn();
    } finally {
      this.groupPath = outer;
      this.refreshBase();
    }
  }

  /** Stops this VU now: in-flight requests are aborted, sleeps end, later calls do nothing. */
  interrupt(): void {
    this.interrupted = true;
    for (const e of this.sleepTimers) {
      clearTimeout(e.timer);
      e.resolve();
    }
    this.sleepTimers.clear();
    this.agent.close();
  }

  close(): void {
    this.agent.close();
  }

  private request(method: string, rawUrl: string, body: RequestBody, params: RequestParams | undefined): Promise<Response> {
    // the same URL as this VU's last request (the usual case) skips even the cache lookup
    const raw = typeof rawUrl === 'string' ? rawUrl : String(rawUrl);
    let url: URL;
    if (raw === this.lastRawUrl && this.lastUrl !== null) url = this.lastUrl;
    else {
      url = parseUrl(raw);
      this.lastRawUrl = raw;
      this.lastUrl = url;
    }
    let headers = params?.headers;
    let payload: string | Uint8Array | null = null;
    if (body !== undefined && body !== null) {
      if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
      else {
        payload = JSON.stringify(body);
        if (!headers || !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers = { ...headers, 'content-type': 'application/json' };
      }
    }
    const timeoutMs = params?.timeout === undefined ? this.options.httpTimeoutMs : typeof params.timeout === 'number' ? params.timeout : parseDurationMs(params.timeout);
    if (this.interrupted) return Promise.resolve(abortedResponse(method, url.href));
    const discard = params?.responseType === 'none' || this.options.discardResponseBodies;
    const req = { method, url, headers, body: payload, timeoutMs, discardBody: discard };
    // the iteration's first request is measured from the intended start itself; the ones after
    // it (and any started alongside it) add how late that one started
    const fromUs = this.intendedUs;
    if (fromUs !== 0) {
      this.intendedUs = 0;
      this.lagUs = Math.max(0, nowUs() - fromUs);
    }
    return new Promise<Response>((resolve) => this.agent.requestThen(req, (r) => resolve(this.finish(method, url, params, r, fromUs))));
  }

  /**
   * A request's result recorded (unless this VU was interrupted meanwhile) and made a Response.
   * `fromUs`: the intended start it is measured from, when it was its iteration's first request.
   */
  private finish(method: string, url: URL, params: RequestParams | undefined, r: HttpResult, fromUs: number): Response {
    const t = r.timings;
    const lagUs = fromUs !== 0 ? Math.max(0, t.start - fromUs) : this.lagUs;
    if (!this.interrupted && this.recordHttp) {
      const err = r.error;
      const status = r.status;
      // one definition of a failed request everywhere: no response, or a status not expected
      const errorKind = err !== null ? err.kind : isExpected(this.tableOf(params), status) ? '' : unexpectedStatusKind(status);
      const rawName = params?.name ?? url.href;
      const extra = params?.tags;
      let cell: HttpCell;
      const last = this.lastCell;
      if (err === null && extra === undefined) {
        // the same name, method and status as this VU's previous request in this interval (a
        // journey's usual case; `url.href` is the same string each time): no Set or Map lookup
        if (last !== null && last.rawName === rawName && last.method === method && last.status === status && last.gen === this.recorder.generation) cell = last.cell;
        else {
          cell = this.cachedCell(this.names.bound(rawName), method, status);
          this.lastCell = { rawName, method, status, gen: this.recorder.generation, cell };
        }
      } else cell = this.slowCell(this.names.bound(rawName), method, status, extra, err?.kind);
      this.recorder.recordHttp(
        cell,
        errorKind !== '',
        errorKind,
        t.end - t.connected,
        t.end - t.start + lagUs,
        t.firstByte - t.sent,
        t.tcpConnected - t.tcpStart,
        r.bytesSent,
        r.bytesReceived,
      );
      if (errorKind !== '') this.recorder.errorMessage(this.names.bound(rawName), method, errorKind, err !== null ? err.message : '', status);
    }
    return new HttpResponse(method, url.href, r, lagUs);
  }

  /**
   * The recorder's cell for (base tags, name, method, status) without building a tag object or
   * key per request: cached per VU until the recorder's interval rotates or the base tags change.
   */
  private cachedCell(name: string, method: string, status: number): HttpCell {
    const gen = this.recorder.generation;
    if (gen !== this.cellGen) {
      this.cellGen = gen;
      this.cells.clear();
      this.iterCell = null;
    }
    let slot = this.cells.get(name);
    for (let s = slot; s !== undefined; s = s.next) if (s.method === method && s.status === status) return s.cell;
    const base = this.baseTags;
    const st = String(status);
    const cell = this.recorder.httpCell(() => ({ ...base, name, method, status: st }), `${this.baseKey}\x1e${name}\x1e${method}\x1e${st}`);
    slot = { method, status, cell, next: slot };
    this.cells.set(name, slot);
    return cell;
  }

  /** Requests with their own tags or a network error: the tag set is built and keyed each time. */
  private slowCell(name: string, method: string, status: number, extra: Record<string, string> | undefined, error: string | undefined): HttpCell {
    const tags: Tags = extra ? { ...this.baseTags, ...extra, name, method, status: String(status) } : { ...this.baseTags, name, method, status: String(status) };
    if (error) tags.error = error;
    return this.recorder.httpCell(tags, tagsKey(tags));
  }

  /** The cell iteration samples go to (the base tag set), cached like the HTTP cells. */
  iterationCell(): IterationCell {
    const gen = this.recorder.generation;
    if (gen !== this.cellGen) {
      this.cellGen = gen;
      this.cells.clear();
      this.iterCell = null;
    }
    return (this.iterCell ??= this.recorder.iterationCell(this.baseTags, this.baseKey));
  }
}

class HttpResponse implements Response {
  readonly status: number;
  readonly error: string;
  readonly url: string;
  readonly method: string;
  private readonly raw: Buffer;
  private readonly r: HttpResult;
  private readonly t: HttpTimings;
  private readonly lagUs: number;
  private text: string | undefined;
  private timingsMs: ResponseTimings | undefined;

  constructor(method: string, url: string, r: HttpResult, lagUs: number) {
    this.method = method;
    this.url = url;
    this.status = r.status;
    this.r = r;
    this.t = r.timings;
    this.lagUs = lagUs;
    this.error = r.error ? r.error.kind : '';
    this.raw = r.body ?? EMPTY_BODY;
  }

  /** built on first use (from the response head): most journeys never look at them */
  get headers(): Record<string, string> {
    return this.r.headers;
  }

  /** in ms, built on first use: most journeys never look at them */
  get timings(): ResponseTimings {
    if (this.timingsMs === undefined) {
      const t = this.t;
      this.timingsMs = {
        blocked: (t.connected - t.connectStart) / 1000,
        connecting: (t.tcpConnected - t.tcpStart) / 1000,
        tlsHandshaking: (t.connected - t.tcpConnected) / 1000,
        sending: (t.sent - t.connected) / 1000,
        waiting: (t.firstByte - t.sent) / 1000,
        receiving: (t.end - t.firstByte) / 1000,
        duration: (t.end - t.connected) / 1000,
        latency: (t.end - t.start + this.lagUs) / 1000,
      };
    }
    return this.timingsMs;
  }

  get bytes(): Uint8Array {
    return this.raw;
  }

  /** decoded on first use: most journeys never read most bodies */
  get body(): string {
    return (this.text ??= this.raw.toString('utf8'));
  }

  json<T = unknown>(): T {
    try {
      return JSON.parse(this.body) as T;
    } catch {
      throw new Error(`${this.method} ${this.url}: response body is not JSON (status ${this.status}, ${this.raw.length} bytes)`);
    }
  }

  /** JSON.stringify(response) still shows the timings (a getter now) */
  toJSON(): Record<string, unknown> {
    return { status: this.status, headers: this.headers, timings: this.timings, error: this.error, url: this.url, method: this.method };
  }
}

function abortedResponse(method: string, url: string): Response {
  const zero = { start: 0, connectStart: 0, tcpStart: 0, tcpConnected: 0, connected: 0, sent: 0, firstByte: 0, end: 0 };
  return new HttpResponse(method, url, { status: 0, headers: {}, body: null, error: { kind: 'aborted', message: 'VU interrupted' }, timings: zero, bytesSent: 0, bytesReceived: 0, reused: false }, 0);
}

type Requester = (method: string, url: string, body: RequestBody, params: RequestParams | undefined) => Promise<Response>;

function checkedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses {
  statusTable(statuses); // throws a clear error on a bad entry, here where the scenario wrote it
  return statuses;
}

export function makeHttp(request: Requester, setExpected: (statuses: ExpectedStatuses) => void): Http {
  return {
    expectedStatuses: checkedStatuses,
    setResponseCallback: setExpected,
    get: (url, params) => request('GET', url, undefined, params),
    head: (url, params) => request('HEAD', url, undefined, params),
    post: (url, body, params) => request('POST', url, body, params),
    put: (url, body, params) => request('PUT', url, body, params),
    patch: (url, body, params) => request('PATCH', url, body, params),
    del: (url, body, params) => request('DELETE', url, body, params),
    request: (method, url, body, params) => request(method.toUpperCase(), url, body, params),
  };
}
