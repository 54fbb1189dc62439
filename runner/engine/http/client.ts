// The per-request hot path of the load engine: a lean, complete HTTP/1.1 client.
//
// Why our own client on net.Socket for http: generic clients (undici's Pool/Client, autocannon's)
// spend most of a generator's CPU on per-request machinery, and an open-model schedule needs that
// CPU to send on time (figures and how they were taken: docs/benchmarks.md). The cost is the
// response parser and per-request allocations, so here:
//  - the request head of a header-less request is built once per (URL, method, agent profile)
//    and written as a ready Buffer (head.ts);
//  - reads go through `onread` into one reusable 64 KiB buffer, bypassing the Readable stream
//    machinery; bytes are copied only when the body is kept;
//  - the response head is parsed by hand from one latin1 string (parser.ts): status, headers,
//    Content-Length / Transfer-Encoding / Connection; chunked and close-delimited bodies too;
//    the last head per connection is recognised by one byte comparison and its parse reused;
//  - the whole-request timer is one Timeout per connection re-armed with refresh();
//  - callbacks instead of a promise per request; the exchange is its own result and timings.
// Node's internal llhttp binding (`HTTPParser` from `_http_common`) was the alternative: slower
// on small responses (the JS↔C++ crossing and its header array cost more than parsing a short
// head in JS) and an internal API. So: hand-written.
// https: URLs go through undici (https.ts): TLS costs dominate there, and undici's TLS and
// ALPN handling is complete.
//
// Semantics: keep-alive per origin (a VU normally has one request in flight; a concurrent
// request opens another connection — no queueing, no pipelining); `Connection: close` and
// HTTP/1.0 honoured; HEAD/204/304 bodiless; 1xx skipped; redirects only when maxRedirects > 0;
// a kept-alive connection the server closed before any response byte is retried once on a
// fresh connection for idempotent methods (as browsers and undici do), not counted as an error.
import net from 'node:net';
import { nowUs } from '../../time/clock.ts';
import { errorKind, errorMessage } from './errors.ts';
import { buildHead, cachedHead, HeaderError, headProfile, targetOf } from './head.ts';
import type { HeadProfile, Target } from './head.ts';
import type { HttpsPool } from './https.ts';
import { Body, headerRecord, ResponseParser } from './parser.ts';
import type { BodySink } from './parser.ts';
import { followRedirects } from './redirects.ts';
import { clampTimeout } from './timeout.ts';
import type { HttpAgentOptions, HttpErrorKind, HttpRequest, HttpResult, HttpTimings } from './types.ts';

export type { HttpAgentOptions, HttpErrorKind, HttpRequest, HttpResult, HttpTimings } from './types.ts';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

// One read buffer for every connection of this thread: `onread` callbacks run synchronously
// one at a time, and whatever is kept is copied out before the callback returns.
const READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
// Body pieces up to this size are copied byte by byte (see onBody).
const SMALL_COPY = 32;
// Bodies up to this size with a known Content-Length are copied into one preallocated Buffer.
const MAX_PREALLOC = 64 * 1024 * 1024;

/** https.ts (and undici with it), loaded on the first https request of this thread. */
let httpsModule: Promise<typeof import('./https.ts')> | null = null;
let httpsLoaded = false;

/**
 * One request on its way; moves to a fresh connection if a stale kept-alive one is retried.
 * Once complete it is also the result and its own timings (HttpResult and HttpTimings): no
 * result or timings object per request. Its header record is built from the head on first use
 * (parser.ts headerRecord): most journeys never read most headers.
 */
class Exchange implements HttpResult, HttpTimings {
  readonly method: string;
  readonly target: Target;
  readonly payload: Buffer;
  readonly keepBody: boolean;
  readonly isHead: boolean;
  readonly timeoutMs: number;
  /** epoch µs (clock.ts) at which the whole request times out: its start + the timeout */
  readonly deadlineUs: number;
  readonly resolve: (r: HttpResult) => void;
  start: number;
  connectStart = 0;
  tcpStart = 0;
  tcpConnected = 0;
  connected = 0;
  sent = 0;
  firstByte = 0;
  bytesSent = 0;
  bytesReceived = 0;
  reused = false;
  retried = false;
  settled = false;
  // kept body: one preallocated buffer (Content-Length) or a list of copies
  bodyBuf: Buffer | null = null;
  bodyLen = 0;
  chunks: Buffer[] | null = null;
  // the result, set when the response is complete (errors settle with an errorResult instead)
  status = 0;
  head = '';
  body: Buffer | null = null;
  end = 0;
  readonly error = null;
  private record: Record<string, string> | undefined;

  constructor(
    method: string,
    target: Target,
    payload: Buffer,
    keepBody: boolean,
    timeoutMs: number,
    start: number,
    resolve: (r: HttpResult) => void,
  ) {
    this.method = method;
    this.target = target;
    this.payload = payload;
    this.keepBody = keepBody;
    this.isHead = method === 'HEAD';
    this.timeoutMs = clampTimeout(timeoutMs);
    this.deadlineUs = start + this.timeoutMs * 1000;
    this.start = start;
    this.resolve = resolve;
  }

  get headers(): Record<string, string> {
    return (this.record ??= headerRecord(this.head));
  }

  get timings(): HttpTimings {
    return this;
  }
}

/** A kept-alive HTTP/1.1 connection to one origin, one exchange at a time. */
class Conn implements BodySink {
  readonly socket: net.Socket;
  readonly parser = new ResponseParser();
  readonly agent: HttpAgent;
  readonly idle: Conn[];
  ex: Exchange | null = null;
  connecting = true;
  /** has completed a response: a failure before any byte on it may be a stale keep-alive */
  used = false;
  dead = false;
  private timer: NodeJS.Timeout | null = null;
  /** epoch µs at which the pending timer fires (0: none pending) */
  private timerDueUs = 0;
  private connectTimer: NodeJS.Timeout | null = null;

  constructor(agent: HttpAgent, t: Target, idle: Conn[], ex: Exchange) {
    this.agent = agent;
    this.idle = idle;
    this.ex = ex;
    ex.connectStart = nowUs();
    ex.tcpStart = ex.connectStart;
    this.socket = net.connect({
      host: t.hostname,
      port: t.port,
      noDelay: true,
      onread: { buffer: READ_BUFFER, callback: (n: number, buf: Uint8Array): boolean => this.onRead(n, buf as Buffer) },
    });
    // emitted for a host name once resolved (not for an IP address): TCP connect starts then
    this.socket.on('lookup', () => this.onLookup());
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('end', () => this.onGone(null));
    this.socket.on('error', (err: Error) => this.onGone(err));
    this.socket.on('close', () => this.onGone(null));
    this.arm(ex, ex.connectStart);
    const ct = agent.connectTimeoutMs;
    if (ct !== undefined && ct < (ex.deadlineUs - ex.connectStart) / 1000) {
      this.connectTimer = setTimeout(() => this.onConnectTimeout(), ct);
      this.connectTimer.unref();
    }
  }

  /** Send an exchange on this connection (connected, idle); `now` is a nowUs() just taken. */
  send(ex: Exchange, now: number): void {
    this.ex = ex;
    this.parser.reset(ex.isHead);
    this.arm(ex, now);
    this.socket.write(ex.payload);
    ex.bytesSent += ex.payload.length;
    ex.sent = nowUs();
  }

  onBody(buf: Buffer, start: number, end: number): void {
    const ex = this.ex;
    if (ex === null || !ex.keepBody) return;
    const n = end - start;
    if (ex.bodyBuf === null && ex.chunks === null) {
      const cl = this.parser.bodyKind === Body.Length ? this.parser.contentLength : -1;
      if (cl > 0 && cl <= MAX_PREALLOC) ex.bodyBuf = Buffer.allocUnsafe(cl);
      else ex.chunks = [];
    }
    if (ex.bodyBuf !== null) {
      const dst = ex.bodyBuf;
      if (n <= SMALL_COPY) {
        // a byte loop: Buffer#copy's argument checks and typed-array view cost more than the copy
        for (let k = 0, at = ex.bodyLen; k < n; k++) dst[at + k] = buf[start + k] as number;
      } else buf.copy(dst, ex.bodyLen, start, end);
      ex.bodyLen += n;
    } else if (ex.chunks !== null) {
      const c = Buffer.allocUnsafe(n);
      buf.copy(c, 0, start, end);
      ex.chunks.push(c);
      ex.bodyLen += n;
    }
  }

  destroy(): void {
    if (this.dead) return;
    this.dead = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.connectTimer !== null) clearTimeout(this.connectTimer);
    this.timer = null;
    this.socket.destroy();
    const i = this.idle.indexOf(this);
    if (i >= 0) this.idle.splice(i, 1);
    this.agent.conns.delete(this);
  }

  /** Settle the exchange with an error; the connection is not reused. */
  fail(ex: Exchange, kind: HttpErrorKind, message: string): void {
    this.ex = null;
    this.destroy();
    settle(ex, errorResult(ex, kind, message));
  }

  private onLookup(): void {
    if (this.ex !== null) this.ex.tcpStart = nowUs();
  }

  private onConnect(): void {
    this.connecting = false;
    if (this.connectTimer !== null) {
      clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
    const ex = this.ex;
    if (ex === null) {
      this.destroy();
      return;
    }
    ex.connected = nowUs();
    ex.tcpConnected = ex.connected;
    this.send(ex, ex.connected);
  }

  /** Always true: returning false would pause the socket. */
  private onRead(n: number, buf: Buffer): boolean {
    const ex = this.ex;
    if (ex === null) {
      // Bytes with no request outstanding (e.g. a 408 before the server closes): not reusable.
      this.destroy();
      return true;
    }
    // one clock reading per read: a response that arrives in one read (the usual case) ends
    // when its first byte arrived — its bytes came together; parsing them is not the target's time
    const now = nowUs();
    if (ex.firstByte === 0) ex.firstByte = now;
    ex.bytesReceived += n;
    const p = this.parser;
    const at = p.execute(buf, 0, n, this);
    if (p.error !== null) this.fail(ex, 'protocol', p.error);
    else if (p.done) this.complete(ex, at < n, now);
    return true;
  }

  private complete(ex: Exchange, extraBytes: boolean, end = nowUs()): void {
    this.ex = null;
    this.used = true;
    const p = this.parser;
    if (this.agent.keepAlive && !p.closeAfter && !extraBytes && !this.agent.closed && !this.dead) this.idle.push(this);
    else this.destroy();
    let body: Buffer | null = null;
    if (ex.bodyBuf !== null) body = ex.bodyLen === ex.bodyBuf.length ? ex.bodyBuf : ex.bodyBuf.subarray(0, ex.bodyLen);
    else if (ex.chunks !== null) body = ex.chunks.length === 1 ? (ex.chunks[0] as Buffer) : Buffer.concat(ex.chunks, ex.bodyLen);
    ex.status = p.status;
    ex.head = p.head;
    ex.body = body;
    ex.end = end;
    settle(ex, ex);
  }

  /** The socket ended, errored or closed. */
  private onGone(err: Error | null): void {
    const ex = this.ex;
    if (ex === null) {
      this.destroy();
      return;
    }
    if (err === null && this.parser.finishOnEof()) {
      // A close-delimited body is complete at EOF.
      this.complete(ex, false);
      return;
    }
    const stale =
      this.used &&
      ex.bytesReceived === 0 &&
      !ex.retried &&
      IDEMPOTENT.has(ex.method) &&
      !this.agent.closed &&
      (err === null || (err as NodeJS.ErrnoException).code === 'ECONNRESET' || (err as NodeJS.ErrnoException).code === 'EPIPE');
    if (stale) {
      // The server closed an idle kept-alive connection as we reused it: retry once, fresh.
      this.ex = null;
      this.destroy();
      ex.retried = true;
      ex.reused = false;
      ex.tcpConnected = ex.connected = ex.sent = ex.firstByte = 0;
      this.agent.connectFresh(ex);
      return;
    }
    if (err !== null) this.fail(ex, errorKind(err, this.connecting), errorMessage(err));
    else if (this.connecting) this.fail(ex, 'reset', 'connection closed while connecting');
    else this.fail(ex, 'reset', ex.bytesReceived === 0 ? 'server closed the connection without a response' : 'server closed the connection before the response was complete');
  }

  /**
   * Makes sure the connection's timer fires by the exchange's deadline. A pending timer that
   * fires no later is kept as it is: when it fires, onTimer re-arms it for what is left of the
   * then-current exchange. So back-to-back requests with a long timeout touch no timer at all
   * (refreshing one per request was ~0.1 µs of the hot path).
   */
  private arm(ex: Exchange, now: number): void {
    if (this.timer !== null && this.timerDueUs > now && this.timerDueUs <= ex.deadlineUs) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.setTimer(Math.max(1, (ex.deadlineUs - now) / 1000), now);
  }

  private setTimer(ms: number, now: number): void {
    this.timer = setTimeout(this.onTimer, ms);
    this.timer.unref();
    this.timerDueUs = now + ms * 1000;
  }

  private readonly onTimer = (): void => {
    const ex = this.ex;
    this.timerDueUs = 0;
    if (ex === null) return; // idle connection: the timer just lapses
    const now = nowUs();
    const left = (ex.deadlineUs - now) / 1000;
    if (left > 0.5) {
      this.setTimer(left, now);
      return;
    }
    this.fail(ex, this.connecting ? 'connect_timeout' : 'timeout', `request timed out after ${ex.timeoutMs} ms`);
  };

  private onConnectTimeout(): void {
    this.connectTimer = null;
    const ex = this.ex;
    if (ex !== null && this.connecting) this.fail(ex, 'connect_timeout', `connect timed out after ${this.agent.connectTimeoutMs} ms`);
  }
}

function settle(ex: Exchange, r: HttpResult): void {
  if (ex.settled) return;
  ex.settled = true;
  ex.resolve(r);
}

function errorResult(ex: Exchange | null, kind: HttpErrorKind, message: string, start = 0): HttpResult {
  const end = nowUs();
  const s = ex !== null ? ex.start : start;
  // Phases not reached take the end time, so each phase's duration is the time spent in it.
  const connectStart = ex !== null && ex.connectStart !== 0 ? ex.connectStart : end;
  const tcpStart = ex !== null && ex.tcpStart !== 0 ? ex.tcpStart : end;
  const tcpConnected = ex !== null && ex.tcpConnected !== 0 ? ex.tcpConnected : end;
  const connected = ex !== null && ex.connected !== 0 ? ex.connected : end;
  const sent = ex !== null && ex.sent !== 0 ? ex.sent : end;
  const firstByte = ex !== null && ex.firstByte !== 0 ? ex.firstByte : end;
  return {
    status: 0,
    headers: {},
    body: null,
    error: { kind, message },
    timings: { start: s, connectStart, tcpStart, tcpConnected, connected, sent, firstByte, end },
    bytesSent: ex !== null ? ex.bytesSent : 0,
    bytesReceived: ex !== null ? ex.bytesReceived : 0,
    reused: ex !== null ? ex.reused : false,
  };
}

/** Connections of one virtual user (as k6: each VU has its own). */
export class HttpAgent {
  readonly keepAlive: boolean;
  readonly userAgent: string | undefined;
  readonly connectTimeoutMs: number | undefined;
  readonly maxRedirects: number;
  closed = false;
  /** every open http connection (idle or busy) */
  readonly conns = new Set<Conn>();
  private readonly idleByOrigin = new Map<string, Conn[]>();
  private readonly profile: HeadProfile;
  private https: HttpsPool | null = null;
  private readonly opts: HttpAgentOptions;
  /**
   * The last plain request (no headers, no body) sent: its URL object, target, request bytes
   * and idle list. A VU sends the same URL object again and again (vu.ts caches them; a URL
   * object is not changed once requested): the next such request skips four Map lookups
   * (target, head by profile and method, idle list by origin).
   */
  private last: { url: URL; method: string; target: Target; payload: Buffer; idle: Conn[] } | null = null;

  constructor(opts: HttpAgentOptions) {
    this.opts = opts;
    this.keepAlive = opts.keepAlive;
    this.userAgent = opts.userAgent;
    this.connectTimeoutMs = opts.connectTimeoutMs;
    this.maxRedirects = opts.maxRedirects ?? 0;
    this.profile = headProfile(opts.keepAlive, opts.userAgent);
  }

  /** Never rejects: failures come back in `error`. */
  request(req: HttpRequest): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => this.requestThen(req, resolve));
  }

  /**
   * request() with a callback instead of a promise: `done` gets the result (never an error
   * thrown). A VU turns it into its own Response promise directly — one promise and one
   * microtask less per request than awaiting request().
   */
  requestThen(req: HttpRequest, done: (r: HttpResult) => void): void {
    const start = nowUs();
    if (this.maxRedirects > 0) {
      followRedirects(req, this.maxRedirects, (r) => this.requestOnce(r, nowUs())).then(done, (e: unknown) => done(errorResult(null, 'other', errorMessage(e), start)));
      return;
    }
    this.send(req, start, done);
  }

  /** One request, no redirects. `start` lets a redirect chain keep its first start time. */
  requestOnce(req: HttpRequest, start: number): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => this.send(req, start, resolve));
  }

  /** One request, no redirects, settled through `done`. */
  private send(req: HttpRequest, start: number, done: (r: HttpResult) => void): void {
    const plain = req.headers === undefined && (req.body === undefined || req.body === null);
    const last = this.last;
    if (plain && last !== null && req.url === last.url && req.method === last.method && !this.closed) {
      this.dispatch(req, last.target, last.payload, last.idle, start, done);
      return;
    }
    const t = this.plainTarget(req, start, done);
    if (t === null) return;
    const payload = this.payloadOf(req, t, start, done);
    if (payload === null) return;
    const idle = this.idleFor(t.origin);
    if (plain) this.last = { url: req.url, method: req.method, target: t, payload, idle };
    this.dispatch(req, t, payload, idle, start, done);
  }

  /** The target of a plain-http request; anything else (https, bad URL, closed agent) is settled here and gives null. */
  private plainTarget(req: HttpRequest, start: number, done: (r: HttpResult) => void): Target | null {
    let t: Target;
    try {
      t = targetOf(req.url);
    } catch (e) {
      done(errorResult(null, 'other', errorMessage(e), start));
      return null;
    }
    if (this.closed) {
      done(errorResult(null, 'aborted', 'the agent is closed', start));
      return null;
    }
    if (t.protocol === 'https:') {
      (this.https !== null ? this.https.request(req, t, start) : this.requestHttpsFirst(req, t, start)).then(done, (e: unknown) => done(errorResult(null, 'other', errorMessage(e), start)));
      return null;
    }
    if (t.protocol !== 'http:') {
      done(errorResult(null, 'other', `unsupported protocol ${t.protocol}`, start));
      return null;
    }
    return t;
  }

  /** The request's bytes (a cached head when it has no headers or body); null when settled with an error. */
  private payloadOf(req: HttpRequest, t: Target, start: number, done: (r: HttpResult) => void): Buffer | null {
    const body = req.body;
    try {
      if (req.headers === undefined && (body === undefined || body === null)) return cachedHead(req.method, t, this.profile);
      return this.buildPayload(req.method, t, req.headers, body);
    } catch (e) {
      if (e instanceof HeaderError) {
        done(errorResult(null, 'other', e.message, start));
        return null;
      }
      throw e;
    }
  }

  /** Onto an idle kept-alive connection of the origin (`idle`: its list), or a new one. */
  private dispatch(req: HttpRequest, t: Target, payload: Buffer, idle: Conn[], start: number, done: (r: HttpResult) => void): void {
    const ex = new Exchange(req.method, t, payload, req.discardBody !== true, req.timeoutMs, start, done);
    const conn = idle.pop();
    if (conn !== undefined) {
      ex.reused = true;
      ex.connectStart = start;
      ex.tcpStart = start;
      ex.tcpConnected = start;
      ex.connected = start;
      conn.send(ex, start);
    } else {
      this.conns.add(new Conn(this, t, idle, ex));
    }
  }

  /**
   * The first https request of this agent. undici (https.ts) is loaded on first use: it is
   * ~100 ms of CPU at start-up that a plain-http run never needs. The time spent waiting for
   * the module is taken out of the request's clock (its start moves forward by it): loading
   * code is the generator's delay, not the target's.
   */
  private async requestHttpsFirst(req: HttpRequest, t: Target, start: number): Promise<HttpResult> {
    const waitFrom = httpsLoaded ? 0 : nowUs();
    const { HttpsPool: Pool } = await (httpsModule ??= import('./https.ts').then((m) => ((httpsLoaded = true), m)));
    if (this.closed) return errorResult(null, 'aborted', 'the agent is closed', start);
    this.https ??= new Pool(this.opts);
    return this.https.request(req, t, waitFrom === 0 ? start : start + (nowUs() - waitFrom));
  }

  /** Open a new connection for an exchange (a retry after a stale keep-alive). */
  connectFresh(ex: Exchange): void {
    this.conns.add(new Conn(this, ex.target, this.idleFor(ex.target.origin), ex));
  }

  /** Destroys every connection; requests in flight end with error kind 'aborted'. */
  close(): void {
    this.closed = true;
    for (const c of [...this.conns]) {
      const ex = c.ex;
      if (ex !== null) c.fail(ex, 'aborted', 'the agent was closed');
      else c.destroy();
    }
    this.idleByOrigin.clear();
    this.last = null;
    this.https?.close();
  }

  private idleFor(origin: string): Conn[] {
    let idle = this.idleByOrigin.get(origin);
    if (idle === undefined) {
      idle = [];
      this.idleByOrigin.set(origin, idle);
    }
    return idle;
  }

  private buildPayload(method: string, t: Target, headers: Record<string, string> | undefined, body: string | Uint8Array | null | undefined): Buffer {
    const bodyLen = body === undefined || body === null ? -1 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
    const head = buildHead(method, t, headers, bodyLen, this.keepAlive, this.userAgent);
    if (bodyLen <= 0) return Buffer.from(head, 'latin1');
    // Head and body in one buffer: one write, one syscall.
    const out = Buffer.allocUnsafe(head.length + bodyLen);
    out.write(head, 0, 'latin1');
    if (typeof body === 'string') out.write(body, head.length, 'utf8');
    else if (body) out.set(body, head.length);
    return out;
  }
}
