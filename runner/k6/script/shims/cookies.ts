// A per-VU cookie jar, as k6 keeps one (k6/http cookieJar()): cookies from Set-Cookie are sent
// back to the same host and path; set(), cookiesForURL(), clear() and delete() as in k6.
export interface Cookie {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  httpOnly: boolean;
  secure: boolean;
  maxAge?: number;
  /** epoch ms */
  expires?: number;
}

export function parseSetCookie(line: string): Cookie | null {
  const [pair, ...attrs] = line.split(';');
  const eq = pair?.indexOf('=') ?? -1;
  if (!pair || eq <= 0) return null;
  const c: Cookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), httpOnly: false, secure: false };
  for (const a of attrs) {
    const i = a.indexOf('=');
    const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    const v = i < 0 ? '' : a.slice(i + 1).trim();
    if (k === 'domain') c.domain = v.replace(/^\./, '').toLowerCase();
    else if (k === 'path') c.path = v;
    else if (k === 'httponly') c.httpOnly = true;
    else if (k === 'secure') c.secure = true;
    else if (k === 'max-age') c.maxAge = Number(v);
    else if (k === 'expires') {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) c.expires = t;
    }
  }
  return c;
}

interface Stored {
  name: string;
  value: string;
  host: string;
  hostOnly: boolean;
  path: string;
  expires: number;
}

function domainMatches(host: string, c: Stored): boolean {
  return c.hostOnly ? host === c.host : host === c.host || host.endsWith(`.${c.host}`);
}

function pathMatches(path: string, cookiePath: string): boolean {
  return path === cookiePath || (path.startsWith(cookiePath) && (cookiePath.endsWith('/') || path[cookiePath.length] === '/'));
}

function defaultPath(u: URL): string {
  const p = u.pathname;
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export class CookieJar {
  private cookies: Stored[] = [];

  fromSetCookie(url: string, line: string): void {
    const c = parseSetCookie(line);
    if (!c) return;
    const u = new URL(url);
    const expires = c.maxAge !== undefined ? (c.maxAge <= 0 ? 0 : Date.now() + c.maxAge * 1000) : (c.expires ?? Infinity);
    this.store({ name: c.name, value: c.value, host: c.domain ?? u.hostname, hostOnly: c.domain === undefined, path: c.path ?? defaultPath(u), expires });
  }

  private store(s: Stored): void {
    this.cookies = this.cookies.filter((x) => !(x.name === s.name && x.host === s.host && x.path === s.path));
    if (s.expires > Date.now()) this.cookies.push(s);
  }

  /** The Cookie header for a request to url ('' when none). */
  header(url: string): string {
    if (this.cookies.length === 0) return '';
    return Object.entries(this.cookiesForURL(url))
      .map(([k, v]) => `${k}=${v[0]}`)
      .join('; ');
  }

  /** k6: name → [values] of the cookies a request to url would send. */
  cookiesForURL(url: string): Record<string, string[]> {
    const u = new URL(url);
    const now = Date.now();
    const out: Record<string, string[]> = {};
    for (const c of this.cookies) if (c.expires > now && domainMatches(u.hostname, c) && pathMatches(u.pathname, c.path)) (out[c.name] ??= []).push(c.value);
    return out;
  }

  /** k6: set(url, name, value, { domain, path, expires, max_age }). */
  set(url: string, name: string, value: string, opts: { domain?: string; path?: string; expires?: string; max_age?: number } = {}): void {
    const u = new URL(url);
    const expires = opts.max_age !== undefined ? Date.now() + opts.max_age * 1000 : opts.expires ? Date.parse(opts.expires) : Infinity;
    this.store({ name, value: String(value), host: opts.domain?.replace(/^\./, '') ?? u.hostname, hostOnly: opts.domain === undefined, path: opts.path ?? '/', expires });
  }

  clear(url: string): void {
    const u = new URL(url);
    this.cookies = this.cookies.filter((c) => !domainMatches(u.hostname, c));
  }

  delete(url: string, name: string): void {
    const u = new URL(url);
    this.cookies = this.cookies.filter((c) => !(c.name === name && domainMatches(u.hostname, c)));
  }
}
