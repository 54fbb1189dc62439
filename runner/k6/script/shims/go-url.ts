// URL references as k6's k6/html reads them: Go's net/url (Parse, ResolveReference, String),
// which differs from the WHATWG URL parser in what it leaves alone — the host's case and its
// port (even a default one), an absolute URL without a path (`http://a.test` gets no `/`), the
// query as written (spaces included), paths resolved by RFC 3986 with a leading `/` always.
// Parsing is the RFC 3986 appendix B split; what Go would reject (control characters, a bad
// host) is not detected. Characters Go escapes in a path or fragment (space, non-ASCII, `"<>`…)
// are percent-encoded on output; valid escapes are kept as written.

export interface GoUrl {
  /** lower-cased, '' for a relative reference */
  scheme: string;
  /** `user` or `user:password` as written, null when there is no `@` */
  userinfo: string | null;
  /** host and port as written */
  host: string;
  /** the path as written (escaped form) */
  path: string;
  /** null when there is no `?` */
  query: string | null;
  /** '' when none */
  fragment: string;
  /** `//` was present (an authority, possibly empty) */
  authority: boolean;
  /** what follows `scheme:` when it does not start with '/' (`mailto:a@b.test`); then path is '' */
  opaque: string;
}

const SPLIT = /^(?:([^:/?#]+):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/s;

export function parseGoUrl(s: string): GoUrl {
  const m = SPLIT.exec(s) as RegExpExecArray; // every string matches: each part is optional
  let scheme = m[1] ?? '';
  let path = m[3] ?? '';
  // Go takes a scheme only when it is a valid one (a letter, then letters, digits, + - .)
  if (scheme !== '' && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(scheme)) {
    path = `${scheme}:${m[2] !== undefined ? `//${m[2]}` : ''}${path}`;
    scheme = '';
  }
  const auth = m[2];
  let userinfo: string | null = null;
  let host = '';
  if (auth !== undefined) {
    const at = auth.lastIndexOf('@');
    if (at >= 0) userinfo = auth.slice(0, at);
    host = at >= 0 ? auth.slice(at + 1) : auth;
  }
  const opaque = scheme !== '' && auth === undefined && path !== '' && path[0] !== '/' ? path : '';
  if (opaque !== '') path = '';
  return { scheme: scheme.toLowerCase(), userinfo, host, path, query: m[4] ?? null, fragment: m[5] ?? '', authority: auth !== undefined, opaque };
}

/** Go's url.ResolveReference of `ref` against `base`. */
export function resolveGoUrl(base: GoUrl, ref: GoUrl): GoUrl {
  if (ref.opaque !== '') return ref;
  if (ref.scheme !== '' || ref.authority || ref.userinfo !== null) {
    // an absolute URL or a network-path reference: its own path, dot segments removed
    return { ...ref, scheme: ref.scheme !== '' ? ref.scheme : base.scheme, path: resolvePath(ref.path, '') };
  }
  const sameDocument = ref.path === '' && ref.query === null;
  return {
    scheme: base.scheme,
    userinfo: base.userinfo,
    host: base.host,
    authority: base.authority,
    opaque: '',
    path: resolvePath(base.path, ref.path),
    query: sameDocument ? base.query : ref.query,
    fragment: sameDocument && ref.fragment === '' ? base.fragment : ref.fragment,
  };
}

/** Go's resolvePath: merge, then remove `.` and `..` segments; a non-empty result starts with '/'. */
function resolvePath(base: string, ref: string): string {
  let full: string;
  if (ref === '') full = base;
  else if (ref[0] !== '/') full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';
  const segments = full.split('/');
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '.') continue;
    if (seg === '..') {
      if (out.length > 0) out.pop();
      continue;
    }
    out.push(seg);
  }
  // a trailing `.` or `..` leaves the path ending with '/'
  const last = segments[segments.length - 1];
  if (last === '.' || last === '..') out.push('');
  let r = `/${out.join('/')}`;
  if (r.startsWith('//')) r = r.slice(1);
  return r;
}

/** Go's URL.String(). */
export function formatGoUrl(u: GoUrl): string {
  let out = '';
  if (u.scheme !== '') out += `${u.scheme}:`;
  if (u.opaque !== '') out += u.opaque;
  const path = escapeLoose(u.path, "!$&'()*+,;=:@/[]");
  if (u.scheme !== '' || u.host !== '' || u.userinfo !== null) {
    if (u.host !== '' || path !== '' || u.userinfo !== null) out += '//';
    if (u.userinfo !== null) out += `${u.userinfo}@`;
    out += u.host;
  }
  if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
  if (out === '' && (path.split('/')[0] ?? '').includes(':')) out += './';
  out += path;
  if (u.query !== null && u.query !== '') out += `?${u.query}`;
  if (u.fragment !== '') out += `#${escapeLoose(u.fragment, "!$&'()*+,;=:@/?")}`;
  return out;
}

/** `href` resolved against `base` as k6 does (Go's ResolveReference), as a string. */
export function resolveGoHref(base: string, href: string): string {
  return formatGoUrl(resolveGoUrl(parseGoUrl(base), parseGoUrl(href)));
}

/** Percent-decoded (Go's url.Path, url.User.Username()): an invalid escape is left as it is. */
export function unescapeGo(s: string): string {
  try {
    return decodeURIComponent(s.replace(/%(?![0-9A-Fa-f]{2})/g, '%25'));
  } catch {
    return s;
  }
}

/** Escape what is neither unreserved, `%`, nor in `allowed` (valid escapes stay as written). */
function escapeLoose(s: string, allowed: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9\-._~%]$/.test(ch) || allowed.includes(ch)) out += ch;
    else out += encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
  return out;
}
