// Request heads. The common hot-path request — same method and URL, no per-request headers —
// gets its head built once and kept as a Buffer, so a request costs one socket write of
// ready bytes. Requests with headers build a string (header values are validated: no CR/LF
// injection, latin1 only, as Node's http does).

/** What a URL contributes to every request sent to it, parsed once. */
export interface Target {
  href: string;
  /** `http:` or `https:` */
  protocol: string;
  /** key of the connection pool: protocol//host:port */
  origin: string;
  /** hostname for connect (IPv6 without brackets) */
  hostname: string;
  port: number;
  /** Host header value */
  host: string;
  /** path + query, as sent in the request line */
  path: string;
  /** cached heads of header-less, body-less requests: by head profile, then method */
  heads: Map<number, Map<string, Buffer>>;
}

const targets = new Map<string, Target>();
// A scenario may hit unboundedly many URLs (ids in paths): keep the cache bounded.
const MAX_TARGETS = 2048;

export function targetOf(url: URL): Target {
  const href = url.href;
  let t = targets.get(href);
  if (t !== undefined) return t;
  const protocol = url.protocol;
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port !== '' ? Number(url.port) : protocol === 'https:' ? 443 : 80;
  t = {
    href,
    protocol,
    origin: `${protocol}//${hostname}:${port}`,
    hostname,
    port,
    host: url.host,
    path: `${url.pathname || '/'}${url.search}`,
    heads: new Map(),
  };
  if (targets.size >= MAX_TARGETS) targets.clear();
  targets.set(href, t);
  return t;
}

// A header name is an RFC 9110 token; a value is visible latin1 + SP/HTAB (no CR, LF, NUL).
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

export class HeaderError extends Error {}

const METHOD_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The request head (request line + headers + blank line). `bodyLength` < 0: no body.
 * Headers the client owns (Host unless given, Content-Length, Connection, Transfer-Encoding)
 * are set here; user values for Content-Length / Transfer-Encoding are ignored.
 */
export function buildHead(
  method: string,
  t: Target,
  headers: Record<string, string> | undefined,
  bodyLength: number,
  keepAlive: boolean,
  userAgent: string | undefined,
): string {
  let s = `${method} ${t.path} HTTP/1.1\r\n`;
  let hasHost = false;
  let hasUa = false;
  if (headers !== undefined) {
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      const v = String(value);
      if (!TOKEN.test(name)) throw new HeaderError(`invalid header name ${JSON.stringify(name)}`);
      if (BAD_VALUE.test(v)) throw new HeaderError(`invalid character in the value of header ${JSON.stringify(name)}`);
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'transfer-encoding') continue;
      if (lower === 'host') hasHost = true;
      else if (lower === 'user-agent') hasUa = true;
      else if (lower === 'connection' && !keepAlive) continue;
      s += `${name}: ${v}\r\n`;
    }
  }
  if (!hasHost) s = `${s}Host: ${t.host}\r\n`;
  if (!hasUa && userAgent !== undefined) s += `User-Agent: ${userAgent}\r\n`;
  // HTTP/1.1 is persistent by default: a Connection header is sent only to close.
  if (!keepAlive) s += 'Connection: close\r\n';
  if (bodyLength > 0 || METHOD_WITH_BODY.has(method)) {
    s += `Content-Length: ${bodyLength > 0 ? bodyLength : 0}\r\n`;
  }
  return `${s}\r\n`;
}

/** What else shapes a cached head: the agent's keep-alive flag and User-Agent. */
export interface HeadProfile {
  id: number;
  keepAlive: boolean;
  userAgent: string | undefined;
}

const profiles = new Map<string, HeadProfile>();

/** One profile object per distinct (keepAlive, userAgent); agents look it up once. */
export function headProfile(keepAlive: boolean, userAgent: string | undefined): HeadProfile {
  const key = `${keepAlive ? 1 : 0}${userAgent ?? '\0'}`;
  let p = profiles.get(key);
  if (p === undefined) {
    p = { id: profiles.size, keepAlive, userAgent };
    profiles.set(key, p);
  }
  return p;
}

/** The cached head Buffer for a header-less, body-less request. */
export function cachedHead(method: string, t: Target, p: HeadProfile): Buffer {
  let byMethod = t.heads.get(p.id);
  if (byMethod === undefined) {
    byMethod = new Map();
    t.heads.set(p.id, byMethod);
  }
  let b = byMethod.get(method);
  if (b === undefined) {
    b = Buffer.from(buildHead(method, t, undefined, -1, p.keepAlive, p.userAgent), 'latin1');
    byMethod.set(method, b);
  }
  return b;
}
