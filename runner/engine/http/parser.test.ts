import { describe, expect, it } from 'vitest';
import { Body, headerRecord, ResponseParser } from './parser.ts';

/** Feed `raw` in pieces of the given sizes (cycled); returns the parser and the body bytes. */
function parse(raw: string | Buffer, pieces: number[] = [1 << 30], isHead = false) {
  const p = new ResponseParser();
  p.reset(isHead);
  const bytes = typeof raw === 'string' ? Buffer.from(raw, 'latin1') : raw;
  const body: Buffer[] = [];
  const sink = { onBody: (b: Buffer, s: number, e: number) => body.push(Buffer.from(b.subarray(s, e))) };
  let off = 0;
  let k = 0;
  let endedAt = -1;
  while (off < bytes.length && !p.done && p.error === null) {
    const n = Math.min(pieces[k++ % pieces.length] as number, bytes.length - off);
    // Each piece goes through a scratch buffer with junk after it, as the shared read buffer has.
    // CRLFs in the junk check that a head terminator past the end is not taken as found.
    const scratch = Buffer.alloc(n + 16);
    bytes.copy(scratch, 0, off, off + n);
    scratch.fill('\r\n', n);
    const at = p.execute(scratch, 0, n, sink);
    if (p.done) endedAt = off + at;
    off += n;
  }
  return { p, body: Buffer.concat(body).toString('latin1'), endedAt };
}

const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n' + '5\r\nhello\r\n1;ext=1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n';

describe('ResponseParser', () => {
  it('parses status, headers and a Content-Length body in one piece', () => {
    const { p, body, endedAt } = parse('HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello');
    expect(p.done).toBe(true);
    expect(p.status).toBe(201);
    expect(p.headers).toEqual({ 'content-length': '5', 'x-a': '1, 2', 'set-cookie': 'a=1\nb=2' });
    expect(body).toBe('hello');
    expect(p.closeAfter).toBe(false);
    expect(endedAt).toBe(Buffer.byteLength('HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-A: 1\r\nx-a: 2\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\n\r\nhello'));
  });

  it('decodes chunked bodies fed whole, byte by byte, and at every split point', () => {
    expect(parse(CHUNKED).body).toBe('hello 0123456789');
    const byte = parse(CHUNKED, [1]);
    expect(byte.p.done).toBe(true);
    expect(byte.body).toBe('hello 0123456789');
    for (let a = 1; a < CHUNKED.length; a++) {
      const r = parse(CHUNKED, [a, CHUNKED.length]);
      expect(r.p.error, `split at ${a}`).toBeNull();
      expect(r.body, `split at ${a}`).toBe('hello 0123456789');
      expect(r.p.done).toBe(true);
    }
    for (const sizes of [[2], [3], [7], [3, 1, 4, 1, 5, 9, 2, 6]]) expect(parse(CHUNKED, sizes).body).toBe('hello 0123456789');
  });

  it('stops at the end of the response: bytes after it are not consumed', () => {
    const raw = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n';
    const { p, endedAt } = parse(raw);
    expect(p.done).toBe(true);
    expect(endedAt).toBe(raw.indexOf('okHTTP') + 2);
  });

  it('skips 1xx responses', () => {
    const { p, body } = parse('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', [5]);
    expect(p.status).toBe(200);
    expect(p.headers).toEqual({ 'content-length': '2' });
    expect(body).toBe('ok');
  });

  it('gives HEAD, 204 and 304 responses no body even with Content-Length', () => {
    expect(parse('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n', undefined, true).p.done).toBe(true);
    const r204 = parse('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n');
    expect(r204.p.done && r204.p.bodyKind === Body.None).toBe(true);
    expect(parse('HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n').p.done).toBe(true);
  });

  it('reads a body without framing until the connection closes', () => {
    const { p, body } = parse('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close', [4]);
    expect(p.done).toBe(false);
    expect(p.bodyKind).toBe(Body.Close);
    expect(p.closeAfter).toBe(true);
    expect(body).toBe('until close');
    expect(p.finishOnEof()).toBe(true);
  });

  it('follows Connection and HTTP/1.0 persistence rules', () => {
    expect(parse('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n').p.closeAfter).toBe(true);
    expect(parse('HTTP/1.1 200 OK\r\nConnection: Keep-Alive, Close\r\nContent-Length: 0\r\n\r\n').p.closeAfter).toBe(true);
    expect(parse('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n').p.closeAfter).toBe(true);
    expect(parse('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n').p.closeAfter).toBe(false);
    // Transfer-Encoding wins over Content-Length, and such a connection is not reused.
    const both = parse('HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
    expect(both.body).toBe('ok');
    expect(both.p.closeAfter).toBe(true);
  });

  it('joins obs-fold continuation lines with a space', () => {
    expect(parse('HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 0\r\n\r\n').p.headers['x-long']).toBe('a b');
  });

  it('reads the framing headers whatever their case and folding; the record is built from the head', () => {
    const { p, body } = parse('HTTP/1.1 200 OK\r\nX-Other: 1\r\nTRANSFER-ENCODING: gzip,\r\n chunked\r\nCONNECTION: Close\r\n\r\n2\r\nok\r\n0\r\n\r\n', [7]);
    expect(p.bodyKind).toBe(Body.Chunked);
    expect(p.closeAfter).toBe(true);
    expect(body).toBe('ok');
    expect(headerRecord(p.head)).toEqual({ 'x-other': '1', 'transfer-encoding': 'gzip, chunked', connection: 'Close' });
    // a 1xx before the real response leaves no trace in the record
    const cont = parse('HTTP/1.1 100 Continue\r\nX-Early: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(cont.p.headers).toEqual({ 'content-length': '0' });
    expect(headerRecord('')).toEqual({});
  });

  it('rejects malformed responses with a message', () => {
    const bad = [
      ['HTXP/1.1 200 OK\r\n\r\n', 'invalid status line'],
      ['HTTP/1.1 2x0 OK\r\n\r\n', 'invalid status line'],
      ['HTTP/1.1 200 OK\r\nNoColon\r\n\r\n', 'invalid header line'],
      ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'conflicting Content-Length'],
      ['HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'invalid Content-Length'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'invalid chunk size'],
      ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokXX', 'expected CRLF after chunk data'],
      ['HTTP/1.1 101 Switching Protocols\r\n\r\n', '101'],
    ] as const;
    for (const [raw, msg] of bad) {
      for (const pieces of [[1 << 30], [1]]) {
        const { p } = parse(raw, pieces);
        expect(p.error, raw).toContain(msg);
      }
    }
  });

  it('refuses a head larger than 64 KiB instead of buffering without bound', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`;
    expect(parse(big, [1000]).p.error).toContain('larger than 64 KiB');
  });
  it('gives a reused connection the same results for a repeated head, and new ones when the head or the method changes', () => {
    const p = new ResponseParser();
    const sink = { onBody: () => undefined };
    const feed = (raw: string, isHead = false) => {
      p.reset(isHead);
      const b = Buffer.from(raw, 'latin1');
      const at = p.execute(b, 0, b.length, sink);
      return { at, status: p.status, kind: p.bodyKind, cl: p.contentLength, close: p.closeAfter, done: p.done, head: p.head };
    };
    const ok = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok';
    const first = feed(ok);
    expect(first).toMatchObject({ status: 200, kind: Body.Length, cl: 2, close: false, done: true, at: ok.length });
    expect(feed(ok)).toEqual(first);
    // same bytes for a HEAD request: no body, the response ends with the head
    expect(feed(ok.slice(0, -2), true)).toMatchObject({ status: 200, kind: Body.None, done: true, at: ok.length - 2 });
    // a head that differs late (the Connection value) is parsed anew
    const closing = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok';
    expect(feed(closing)).toMatchObject({ status: 200, kind: Body.Length, close: true, done: true });
    expect(feed(ok)).toEqual(first);
    // a 1xx then the final response, then the final response alone: each framed as its own
    const cont = 'HTTP/1.1 100 Continue\r\n\r\n' + ok;
    expect(feed(cont)).toMatchObject({ status: 200, kind: Body.Length, cl: 2, close: false, done: true, at: cont.length });
    expect(feed(ok)).toEqual(first);
    // the same head split across reads, and followed by a different body, after it was memoised
    for (const size of [1, 7, ok.length - 3]) {
      p.reset(false);
      const b = Buffer.from(ok, 'latin1');
      for (let off = 0; off < b.length && !p.done; off += size) p.execute(b, off, Math.min(off + size, b.length), sink);
      expect({ status: p.status, kind: p.bodyKind, cl: p.contentLength, close: p.closeAfter, done: p.done, head: p.head }).toEqual({ status: 200, kind: Body.Length, cl: 2, close: false, done: true, head: first.head });
    }
    // a head that only starts like the memoised one (a longer header value) is its own
    const longer = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive, x\r\n\r\nok';
    expect(feed(longer)).toMatchObject({ status: 200, kind: Body.Length, close: false, done: true, at: longer.length });
    expect(feed(ok)).toEqual(first);
    // heads that differ every time (a request id): every one parsed right, memo or not
    for (let k = 0; k < 200; k++) {
      const varying = `HTTP/1.1 20${k % 2} OK\r\nX-Request-Id: ${k}\r\nContent-Length: 2\r\n\r\nok`;
      expect(feed(varying)).toMatchObject({ status: 200 + (k % 2), kind: Body.Length, cl: 2, done: true, at: varying.length });
      expect(p.headers['x-request-id']).toBe(String(k));
    }
    expect(feed(ok)).toEqual(first);
    expect(feed(ok)).toEqual(first);
    // an invalid head after a valid one still fails
    p.reset(false);
    const bad = Buffer.from('HTTP/1.1 2x0 OK\r\n\r\n', 'latin1');
    p.execute(bad, 0, bad.length, sink);
    expect(p.error).toMatch(/invalid status line/);
  });
});
