// Following redirects (only when maxRedirects > 0; off by default, as a load test usually
// wants to see the 3xx). Method rules as browsers and the Fetch standard: 303 → GET (HEAD
// stays HEAD); 301/302 turn POST into GET; 307/308 keep method and body. Credentials
// (Authorization, Cookie) are not forwarded to another origin.
//
// The result is the final hop's, with `timings.start` = the first call (so the chain's time
// counts), byte counts summed over all hops, `finalUrl` and `redirects` set.
import { nowUs } from '../../time/clock.ts';
import type { HttpRequest, HttpResult, HttpTimings } from './types.ts';

const REDIRECT = new Set([301, 302, 303, 307, 308]);
const DROP_ON_ORIGIN_CHANGE = new Set(['authorization', 'cookie', 'proxy-authorization']);
const DROP_WITH_BODY = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);

export async function followRedirects(
  req: HttpRequest,
  maxRedirects: number,
  once: (r: HttpRequest, start: number) => Promise<HttpResult>,
): Promise<HttpResult> {
  const start = nowUs();
  let cur = req;
  let res = await once(cur, start);
  let sent = res.bytesSent;
  let received = res.bytesReceived;
  let n = 0;
  while (n < maxRedirects && REDIRECT.has(res.status) && res.headers.location !== undefined) {
    let next: URL;
    try {
      next = new URL(res.headers.location, cur.url);
    } catch {
      break; // an unparseable Location: hand back the 3xx itself
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') break;
    const elapsedMs = (nowUs() - start) / 1000;
    const left = req.timeoutMs - elapsedMs;
    let method = cur.method;
    let body = cur.body;
    const s = res.status;
    if ((s === 303 && method !== 'HEAD') || ((s === 301 || s === 302) && method === 'POST')) {
      method = 'GET';
      body = null;
    }
    let headers: Record<string, string> | undefined;
    if (cur.headers !== undefined) {
      headers = {};
      const sameOrigin = next.origin === cur.url.origin;
      for (const k in cur.headers) {
        const lk = k.toLowerCase();
        if (!sameOrigin && DROP_ON_ORIGIN_CHANGE.has(lk)) continue;
        if ((body === null || body === undefined) && DROP_WITH_BODY.has(lk)) continue;
        headers[k] = cur.headers[k] as string;
      }
    }
    cur = { method, url: next, headers, body, timeoutMs: Math.max(1, left), discardBody: req.discardBody };
    if (left <= 0) {
      const end = nowUs();
      return {
        status: 0,
        headers: {},
        body: null,
        error: { kind: 'timeout', message: `request timed out after ${req.timeoutMs} ms while following redirects` },
        timings: timingsOf(res.timings, start, end),
        bytesSent: sent,
        bytesReceived: received,
        reused: res.reused,
        finalUrl: cur.url.href,
        redirects: n,
      };
    }
    n++;
    res = await once(cur, start);
    sent += res.bytesSent;
    received += res.bytesReceived;
  }
  return {
    status: res.status,
    headers: res.headers,
    body: res.body,
    error: res.error,
    timings: timingsOf(res.timings, start, res.timings.end),
    bytesSent: sent,
    bytesReceived: received,
    reused: res.reused,
    finalUrl: cur.url.href,
    redirects: n,
  };
}

/**
 * The last hop's phases with the chain's start and the given end. Field by field: a result may
 * be the client's exchange object (its own timings, getters and all), which a spread would not copy.
 */
function timingsOf(t: HttpTimings, start: number, end: number): HttpTimings {
  return { start, connectStart: t.connectStart, tcpStart: t.tcpStart, tcpConnected: t.tcpConnected, connected: t.connected, sent: t.sent, firstByte: t.firstByte, end };
}
