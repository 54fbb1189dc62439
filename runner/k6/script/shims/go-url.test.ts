// k6/html's URL resolution (Go's net/url ResolveReference and String): RFC 3986 §5.4's
// examples, which Go's own tests hold to, and where Go differs from the WHATWG parser.
import { describe, expect, it } from 'vitest';
import { parseGoUrl, resolveGoHref, unescapeGo } from './go-url.ts';

const BASE = 'http://a/b/c/d;p?q';

describe('resolveGoHref', () => {
  it('resolves the RFC 3986 normal and abnormal examples', () => {
    const cases: Array<[string, string]> = [
      ['g:h', 'g:h'], ['g', 'http://a/b/c/g'], ['./g', 'http://a/b/c/g'], ['g/', 'http://a/b/c/g/'], ['/g', 'http://a/g'],
      ['//g', 'http://g'], ['?y', 'http://a/b/c/d;p?y'], ['g?y', 'http://a/b/c/g?y'], ['#s', 'http://a/b/c/d;p?q#s'],
      ['g#s', 'http://a/b/c/g#s'], ['g?y#s', 'http://a/b/c/g?y#s'], [';x', 'http://a/b/c/;x'], ['g;x?y#s', 'http://a/b/c/g;x?y#s'],
      ['', 'http://a/b/c/d;p?q'], ['.', 'http://a/b/c/'], ['./', 'http://a/b/c/'], ['..', 'http://a/b/'], ['../', 'http://a/b/'],
      ['../g', 'http://a/b/g'], ['../..', 'http://a/'], ['../../', 'http://a/'], ['../../g', 'http://a/g'],
      ['../../../g', 'http://a/g'], ['../../../../g', 'http://a/g'], ['/./g', 'http://a/g'], ['/../g', 'http://a/g'],
      ['g.', 'http://a/b/c/g.'], ['.g', 'http://a/b/c/.g'], ['g..', 'http://a/b/c/g..'], ['..g', 'http://a/b/c/..g'],
      ['./../g', 'http://a/b/g'], ['./g/.', 'http://a/b/c/g/'], ['g/./h', 'http://a/b/c/g/h'], ['g/../h', 'http://a/b/c/h'],
      ['g;x=1/./y', 'http://a/b/c/g;x=1/y'], ['g;x=1/../y', 'http://a/b/c/y'], ['g?y/./x', 'http://a/b/c/g?y/./x'], ['g#s/../x', 'http://a/b/c/g#s/../x'],
    ];
    for (const [ref, want] of cases) expect([ref, resolveGoHref(BASE, ref)]).toEqual([ref, want]);
  });

  it("keeps what Go's net/url keeps and the WHATWG parser changes", () => {
    expect(resolveGoHref(BASE, 'http://x.test')).toBe('http://x.test'); // no '/' added
    expect(resolveGoHref(BASE, 'HTTP://Mixed.Test:80/p')).toBe('http://Mixed.Test:80/p'); // scheme lower-cased only
    expect(resolveGoHref(BASE, '/s?q=a b')).toBe('http://a/s?q=a b'); // the query as written
    expect(resolveGoHref(BASE, '/a b/ü')).toBe('http://a/a%20b/%C3%BC'); // a path escaped where it must be
    expect(resolveGoHref(BASE, '/a%2Fb')).toBe('http://a/a%2Fb'); // valid escapes as written
    expect(resolveGoHref(BASE, 'mailto:croc@zoo.test')).toBe('mailto:croc@zoo.test');
    expect(resolveGoHref('', 'x/y')).toBe('/x/y'); // no base: a relative path still gets its leading '/'
  });

  it('splits user, host and port and decodes the path', () => {
    const u = parseGoUrl('https://us%20er:p@ss@Host.test:8443/a%20b?x#f');
    expect(u).toMatchObject({ scheme: 'https', userinfo: 'us%20er:p@ss', host: 'Host.test:8443', path: '/a%20b', query: 'x', fragment: 'f' });
    expect(unescapeGo(u.path)).toBe('/a b');
    expect(unescapeGo('100%')).toBe('100%');
  });
});
