// https: requests go through undici's low-level Client (one Client = one connection, no
// pipelining), kept in the same per-origin idle stacks as the plain-http connections, so
// keep-alive reuse and "a concurrent request opens another connection" hold for TLS too.
// undici does the TLS and HTTP/1.1 work; this adapts its dispatch handler to HttpResult.
//
// Timings: each Client connects through undici's own connector (buildConnector: its TLS
// options, connect timeout and session handling) wrapped to note when the DNS lookup ended
// ('lookup'), the TCP connection was made ('connect') and the TLS handshake was done (the
// connector's callback, on 'secureConnect'): tcpStart, tcpConnected and connected of a new
// connection. `sent` is the same instant as `connected` on a new connection, and the request's
// start on a reused one (undici writes the request right away and does not report the flush);
// `firstByte` is when the response head was parsed. Byte counts are computed from the head
// fields and body (undici does not expose the wire bytes).
import { Socket } from 'node:net';
import { buildConnector, Client } from 'undici';
import type { Dispatcher } from 'undici';
import { nowUs } from '../../time/clock.ts';
import { clampTimeout } from './timeout.ts';
import type { HttpAgentOptions, HttpErrorKind, HttpRequest, HttpResult } from './types.ts';
import { errorKind, errorMessage } from './errors.ts';
import type { Target } from './head.ts';

/** One undici Client (one connection) and when its connection's phases ended (epoch µs, 0: not yet). */
class TlsConn {
  readonly client: Client;
  connected = false;
  dead = false;
  /** the connector was called: TCP connect starts now for an IP address, after the lookup for a name */
  dialAt = 0;
  lookedUpAt = 0;
  tcpAt = 0;
  secureAt = 0;
  constructor(origin: string, connect: buildConnector.connector) {
    const client = new Client(origin, {
      pipelining: 1,
      connect: this.timed(connect),
      // Our own whole-request timer governs; don't let undici's 300 s defaults interfere.
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    this.client = client;
    client.on('connect', () => {
      this.connected = true;
    });
    client.on('disconnect', () => {
      this.connected = false;
    });
  }

  /** undici's connector with the phases noted; its socket is the one it returns (a TLSSocket is a net.Socket). */
  private timed(connect: buildConnector.connector): buildConnector.connector {
    return (options, callback) => {
      this.dialAt = nowUs();
      this.lookedUpAt = this.tcpAt = this.secureAt = 0;
      const socket: unknown = connect(options, (...args) => {
        if (args[0] === null) this.secureAt = nowUs();
        callback(...args);
      });
      if (socket instanceof Socket) {
        socket.once('lookup', () => (this.lookedUpAt = nowUs()));
        socket.once('connect', () => (this.tcpAt = nowUs()));
      }
    };
  }
}

function within(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export class HttpsPool {
  private readonly idle = new Map<string, TlsConn[]>();
  private readonly all = new Set<TlsConn>();
  private readonly opts: HttpAgentOptions;
  private closed = false;

  constructor(opts: HttpAgentOptions) {
    this.opts = opts;
  }

  request(req: HttpRequest, t: Target, start: number): Promise<HttpResult> {
    return new Promise<HttpResult>((resolve) => {
      let idle = this.idle.get(t.origin);
      if (idle === undefined) {
        idle = [];
        this.idle.set(t.origin, idle);
      }
      let conn = idle.pop();
      while (conn !== undefined && conn.dead) conn = idle.pop();
      if (conn === undefined) {
        conn = this.open(t);
      }
      const c = conn;
      const reused = c.connected;
      const keepBody = req.discardBody !== true;
      const method = req.method;
      const headers: Record<string, string> = {};
      let hasUa = false;
      for (const k in req.headers ?? {}) {
        const v = req.headers?.[k];
        if (v === undefined) continue;
        const lk = k.toLowerCase();
        if (lk === 'content-length' || lk === 'transfer-encoding' || lk === 'connection' || lk === 'keep-alive') continue;
        if (lk === 'user-agent') hasUa = true;
        headers[k] = v;
      }
      if (!hasUa && this.opts.userAgent !== undefined) headers['user-agent'] = this.opts.userAgent;
      const body = req.body ?? null;
      const bodyLen = body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      let headLen = method.length + t.path.length + 11 + 8 + t.host.length; // request line + Host
      for (const k in headers) headLen += k.length + (headers[k] ?? '').length + 4;

      let connected = 0;
      let firstByte = 0;
      let status = 0;
      let resHeaders: Record<string, string> = {};
      let received = 0;
      const chunks: Buffer[] = [];
      let bodyBytes = 0;
      let settled = false;
      const finish = (kind: HttpErrorKind | null, message: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const end = nowUs();
        const ok = kind === null;
        const con = connected !== 0 ? connected : end;
        // a new connection's phases (the connector's times, each at least the one before); a
        // reused connection has none: all at its start
        const tcpStart = reused ? start : within(c.lookedUpAt !== 0 ? c.lookedUpAt : c.dialAt !== 0 ? c.dialAt : end, start, con);
        const tcpConnected = reused ? start : within(c.tcpAt !== 0 ? c.tcpAt : end, tcpStart, con);
        if (ok && this.opts.keepAlive && !this.closed && !c.dead) idle.push(c);
        else if (!ok) this.drop(c);
        else if (!this.opts.keepAlive) this.drop(c);
        resolve({
          status: ok ? status : 0,
          headers: ok ? resHeaders : {},
          body: ok && keepBody && bodyBytes > 0 ? (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, bodyBytes)) : null,
          error: ok ? null : { kind, message },
          timings: {
            start,
            connectStart: start,
            tcpStart,
            tcpConnected,
            connected: con,
            sent: con,
            firstByte: firstByte !== 0 ? firstByte : end,
            end,
          },
          bytesSent: connected !== 0 ? headLen + 2 + bodyLen : 0,
          bytesReceived: received,
          reused,
        });
      };
      const timer = setTimeout(() => {
        finish(connected === 0 && !reused ? 'connect_timeout' : 'timeout', `request timed out after ${req.timeoutMs} ms`);
        this.drop(c);
      }, clampTimeout(req.timeoutMs));

      const handler: Dispatcher.DispatchHandler = {
        onConnect: () => {
          connected = reused ? start : c.secureAt !== 0 ? c.secureAt : nowUs();
          if (connected < start) connected = start;
        },
        onHeaders: (statusCode: number, raw: Buffer[], _resume: () => void, statusText: string): boolean => {
          if (statusCode < 200) return true; // 1xx: the final response follows
          firstByte = nowUs();
          status = statusCode;
          received += 15 + statusText.length; // "HTTP/1.1 200 " + reason + CRLF
          const h: Record<string, string> = {};
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
            const value = (raw[i + 1] as Buffer).toString('latin1');
            received += name.length + value.length + 4;
            if (name === '__proto__') continue;
            const prev = h[name];
            h[name] = prev === undefined ? value : name === 'set-cookie' ? `${prev}\n${value}` : `${prev}, ${value}`;
          }
          received += 2;
          resHeaders = h;
          return true;
        },
        onData: (chunk: Buffer): boolean => {
          received += chunk.length;
          bodyBytes += chunk.length;
          if (keepBody) chunks.push(chunk);
          return true;
        },
        onComplete: () => finish(null, ''),
        onError: (err: Error) => finish(errorKind(err, connected === 0 && !reused), errorMessage(err)),
      };
      try {
        c.client.dispatch(
          {
            path: t.path,
            method: method as Dispatcher.HttpMethod,
            headers,
            body: body === null ? null : typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
            reset: !this.opts.keepAlive,
          },
          handler,
        );
      } catch (e) {
        finish('other', errorMessage(e));
      }
    });
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.all]) this.drop(c);
    this.idle.clear();
  }

  private open(t: Target): TlsConn {
    const ca = this.opts.tlsCa;
    const connector = buildConnector({
      rejectUnauthorized: this.opts.insecureSkipTLSVerify !== true,
      ...(ca !== undefined ? { ca: Array.isArray(ca) ? ca : [ca] } : {}),
      ...(this.opts.connectTimeoutMs !== undefined ? { timeout: this.opts.connectTimeoutMs } : {}),
    });
    // one connector per connection, as undici builds it for a Client given options (its TLS
    // session cache is then per connection: a new connection makes a full handshake)
    const c = new TlsConn(`https://${t.host}`, connector);
    this.all.add(c);
    return c;
  }

  private drop(c: TlsConn): void {
    if (c.dead) return;
    c.dead = true;
    this.all.delete(c);
    c.client.destroy().catch(() => {});
  }
}
