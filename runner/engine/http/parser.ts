// A hand-written HTTP/1.1 response parser: status line, headers, and the body framing
// (Content-Length, chunked, or until the connection closes). One instance per connection,
// reused for every response on it. It is fed the bytes of each socket read as they come —
// at any split, down to one byte at a time — and hands body bytes to a sink without copying
// (the sink copies what it keeps: the read buffer is reused by the caller).
//
// Why hand-written (see client.ts for the numbers): the response head of a load-test target
// is small and regular; parsing it from one latin1 string with indexOf costs well under a
// microsecond and allocates only the header strings the caller receives anyway.

export const enum Body {
  None = 0,
  Length = 1,
  Chunked = 2,
  Close = 3,
}

const enum St {
  Head = 0,
  Length = 1,
  ChunkSize = 2,
  ChunkExt = 3,
  ChunkSizeLf = 4,
  ChunkData = 5,
  ChunkDataCr = 6,
  ChunkDataLf = 7,
  TrailerLineStart = 8,
  TrailerLine = 9,
  TrailerEndLf = 10,
  Close = 11,
  Done = 12,
  Error = 13,
}

/** Longest response head accepted (Node's default max header size is 16 KiB; be lenient). */
export const MAX_HEAD_BYTES = 64 * 1024;

export interface BodySink {
  /** bytes buf[start, end) of the body (already de-chunked); valid only during the call */
  onBody(buf: Buffer, start: number, end: number): void;
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
/** reads up to this many bytes are searched as a string (see execute) */
const SMALL_READ = 2048;
/** misses in a row after which heads are memoised only now and then (parseHead) */
const MEMO_TRIES = 4;

interface HeadMemo {
  head: string;
  bytes: Buffer;
  /** `bytes` in 32-bit words (the last partial word zero-padded, compared byte by byte) */
  words: Uint32Array;
  isHead: boolean;
  minor: number;
  status: number;
  closeAfter: boolean;
  bodyKind: Body;
  contentLength: number;
}

export class ResponseParser {
  // Results of the current response (valid once `headComplete`).
  status = 0;
  /** HTTP/1.x minor version */
  minor = 1;
  /**
   * The response head as sent (status line and header lines, without the final CRLFCRLF).
   * Only the framing headers are read while parsing; the full record is built from this string
   * when someone asks (headerRecord): most load-test journeys never look at most headers, and
   * building the record was the parser's largest cost per response.
   */
  head = '';
  headBytes = 0;
  bodyKind: Body = Body.None;
  contentLength = -1;
  /** the server wants the connection closed after this response (or framing requires it) */
  closeAfter = false;
  headComplete = false;
  done = false;
  error: string | null = null;
  /** body bytes seen (after de-chunking) */
  bodyBytes = 0;

  private st: St = St.Head;
  private isHead = false;
  private pending: Buffer | null = null;
  private remaining = 0; // Length body or current chunk
  private sizeDigits = 0;
  /**
   * The last head parsed successfully on this connection, and what it gave. A target answers
   * the same request with byte-identical heads (until a Date header ticks over, once a second):
   * execute() compares the read's first bytes with the last head's (one memcmp) and reuses its
   * results — no latin1 string, no search, no parse (the parse was the client's largest
   * JavaScript cost per response; docs/benchmarks.md). parseHead is a pure function of
   * (head, isHead), so the reuse cannot change a result.
   */
  private memo: HeadMemo | null = null;
  /** heads parsed since the memo last matched (see parseHead) */
  private memoMisses = 0;
  /** a Uint32Array over the memory of the buffer read last (startsWithMemo) */
  private words: Uint32Array | null = null;
  private wordsOf: ArrayBufferLike | null = null;

  /** Prepare for the response to a new request. */
  reset(isHeadRequest: boolean): void {
    this.status = 0;
    this.minor = 1;
    this.head = '';
    this.headBytes = 0;
    this.bodyKind = Body.None;
    this.contentLength = -1;
    this.closeAfter = false;
    this.headComplete = false;
    this.done = false;
    this.error = null;
    this.bodyBytes = 0;
    this.st = St.Head;
    this.isHead = isHeadRequest;
    this.pending = null;
    this.remaining = 0;
    this.sizeDigits = 0;
  }

  /**
   * Feed buf[start, end). Returns the offset where this response ended (bytes after it are
   * not part of it), or `end` when it needs more. Check `done` / `error` afterwards.
   */
  execute(buf: Buffer, start: number, end: number, sink: BodySink): number {
    let i = start;
    while (i < end || this.st === St.Head) {
      switch (this.st) {
        case St.Head: {
          if (i >= end) return end;
          const m = this.memo;
          if (m !== null && this.memoMisses <= MEMO_TRIES && this.pending === null && m.isHead === this.isHead && this.startsWithMemo(m, buf, i, end)) {
            // Byte for byte the head of the last response on this connection (terminator
            // included, so it ends here too): its results without converting or searching.
            this.useMemo(m);
            this.memoMisses = 0;
            this.headBytes += m.bytes.length;
            i += m.bytes.length;
          } else {
            let from = i;
            let searchFrom = i;
            if (this.pending !== null) {
              // The head spans reads: join (rare; heads are small and usually come in one read).
              const prevLen = this.pending.length;
              buf = Buffer.concat([this.pending, buf.subarray(i, end)]);
              this.pending = null;
              from = 0;
              searchFrom = prevLen > 3 ? prevLen - 3 : 0;
              end = buf.length;
            }
            const after = this.readHead(buf, from, searchFrom, end);
            if (after < 0) return end; // incomplete (kept in pending) or failed
            i = after;
          }
          if (this.status < 200) {
            // 1xx informational (100 Continue, 103 Early Hints): skip, the real response follows.
            if (this.status === 101) return this.fail('unexpected 101 Switching Protocols');
            this.head = '';
            this.bodyKind = Body.None;
            this.contentLength = -1;
            this.closeAfter = false;
            continue;
          }
          this.headComplete = true;
          if (this.bodyKind === Body.None) return this.complete(i);
          if (this.bodyKind === Body.Length) {
            if (this.contentLength === 0) return this.complete(i);
            this.remaining = this.contentLength;
            this.st = St.Length;
          } else if (this.bodyKind === Body.Chunked) {
            this.st = St.ChunkSize;
            this.remaining = 0;
            this.sizeDigits = 0;
          } else {
            this.st = St.Close;
          }
          break;
        }
        case St.Length: {
          const n = end - i < this.remaining ? end - i : this.remaining;
          this.bodyBytes += n;
          sink.onBody(buf, i, i + n);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) return this.complete(i);
          break;
        }
        case St.Close: {
          this.bodyBytes += end - i;
          sink.onBody(buf, i, end);
          return end;
        }
        case St.ChunkData: {
          const n = end - i < this.remaining ? end - i : this.remaining;
          this.bodyBytes += n;
          sink.onBody(buf, i, i + n);
          i += n;
          this.remaining -= n;
          if (this.remaining === 0) this.st = St.ChunkDataCr;
          break;
        }
        default: {
          // The byte-at-a-time states of chunked framing.
          const c = buf[i++] as number;
          if (!this.chunkByte(c)) return end;
          if (this.st === St.Done) return this.complete(i);
        }
      }
    }
    return end;
  }

  /**
   * Finds and parses the head in b[from, end) (its terminator searched from `searchFrom`).
   * Returns the offset after it; -1 when it is incomplete (the bytes kept in `pending`) or invalid.
   */
  private readHead(b: Buffer, from: number, searchFrom: number, end: number): number {
    // A small read (the usual response: head and a short body) becomes one latin1 string
    // and the head's end is found in it by V8 — one native call instead of a Buffer
    // search plus a conversion. Large reads search the bytes, then convert the head only.
    let e: number;
    let head: string;
    if (end - from <= SMALL_READ && searchFrom === from) {
      const str = b.toString('latin1', from, end);
      const at = str.indexOf('\r\n\r\n');
      e = at < 0 ? -1 : from + at;
      head = at < 0 ? '' : str.slice(0, at);
    } else {
      e = b.indexOf(CRLFCRLF, searchFrom);
      // The caller's read buffer may hold stale bytes past `end`: the match must end inside.
      if (e + 4 > end) e = -1;
      head = e < 0 ? '' : b.toString('latin1', from, e);
    }
    if (e < 0) {
      if (end - from > MAX_HEAD_BYTES) return this.failHead('response head larger than 64 KiB');
      this.pending = Buffer.from(b.subarray(from, end)); // copy: the read buffer is reused
      return -1;
    }
    if (e - from > MAX_HEAD_BYTES) return this.failHead('response head larger than 64 KiB');
    this.headBytes += e + 4 - from;
    if (!this.parseHead(head)) return -1;
    return e + 4;
  }

  /** The connection ended (FIN). True when that completes a close-delimited response. */
  finishOnEof(): boolean {
    if (this.st === St.Close) {
      this.st = St.Done;
      this.done = true;
      return true;
    }
    return false;
  }

  /** The header record of the response parsed last (built now, from `head`). */
  get headers(): Record<string, string> {
    return headerRecord(this.head);
  }

  /** Bytes of an incomplete head held back between reads (0 normally). */
  get pendingBytes(): number {
    return this.pending === null ? 0 : this.pending.length;
  }

  private complete(at: number): number {
    this.st = St.Done;
    this.done = true;
    return at;
  }

  /**
   * buf[i, end) starts with the memoised head's bytes. Compared 4 bytes at a time through a
   * Uint32Array over the read's memory when aligned (the client's read buffer is), else by
   * compare(): for a head of ~150 bytes, Buffer#compare's argument checks and native call cost
   * more than the comparison itself.
   */
  private startsWithMemo(m: HeadMemo, buf: Buffer, i: number, end: number): boolean {
    const bytes = m.bytes;
    const n = bytes.length;
    if (n > end - i) return false;
    const off = buf.byteOffset + i;
    if ((off & 3) !== 0) return buf.compare(bytes, 0, n, i, i + n) === 0;
    const ab = buf.buffer;
    if (ab !== this.wordsOf) {
      this.wordsOf = ab;
      this.words = new Uint32Array(ab, 0, ab.byteLength >>> 2);
    }
    const w = this.words as Uint32Array;
    const mw = m.words;
    const base = off >>> 2;
    const nw = n >>> 2;
    for (let k = 0; k < nw; k++) if (w[base + k] !== mw[k]) return false;
    for (let k = nw << 2; k < n; k++) if (buf[i + k] !== bytes[k]) return false;
    return true;
  }

  /** fail() for readHead, whose callers take -1 as "stop here". */
  private failHead(msg: string): number {
    this.fail(msg);
    return -1;
  }

  private useMemo(m: HeadMemo): void {
    this.minor = m.minor;
    this.status = m.status;
    this.head = m.head;
    this.closeAfter = m.closeAfter;
    this.bodyKind = m.bodyKind;
    this.contentLength = m.contentLength;
  }

  private fail(msg: string): number {
    this.st = St.Error;
    this.error = msg;
    this.pending = null;
    return Number.MAX_SAFE_INTEGER;
  }

  private chunkByte(c: number): boolean {
    switch (this.st) {
      case St.ChunkSize: {
        const v = hexValue(c);
        if (v >= 0) {
          if (++this.sizeDigits > 13) return this.failB('chunk size too large');
          this.remaining = this.remaining * 16 + v;
          return true;
        }
        if (this.sizeDigits === 0) return this.failB('invalid chunk size');
        if (c === 13) this.st = St.ChunkSizeLf;
        else if (c === 59 || c === 32 || c === 9) this.st = St.ChunkExt; // ';' extension, or BWS
        else return this.failB('invalid chunk size');
        return true;
      }
      case St.ChunkExt:
        if (c === 13) this.st = St.ChunkSizeLf;
        else if (c === 10) return this.failB('bare LF in chunk size line');
        return true;
      case St.ChunkSizeLf:
        if (c !== 10) return this.failB('expected LF after chunk size');
        if (this.remaining === 0) this.st = St.TrailerLineStart;
        else this.st = St.ChunkData;
        return true;
      case St.ChunkDataCr:
        if (c !== 13) return this.failB('expected CRLF after chunk data');
        this.st = St.ChunkDataLf;
        return true;
      case St.ChunkDataLf:
        if (c !== 10) return this.failB('expected CRLF after chunk data');
        this.st = St.ChunkSize;
        this.remaining = 0;
        this.sizeDigits = 0;
        return true;
      case St.TrailerLineStart:
        if (c === 13) this.st = St.TrailerEndLf;
        else this.st = St.TrailerLine; // trailer fields are ignored
        return true;
      case St.TrailerLine:
        if (c === 10) this.st = St.TrailerLineStart;
        return true;
      case St.TrailerEndLf:
        if (c !== 10) return this.failB('expected LF after trailers');
        this.st = St.Done;
        return true;
      default:
        return this.failB('parser in an unexpected state');
    }
  }

  private failB(msg: string): boolean {
    this.fail(msg);
    return false;
  }

  /** Status line and header fields from the head (without the final CRLFCRLF). */
  private parseHead(h: string): boolean {
    // A target whose heads differ every time (a request id, a per-response cookie) would only
    // pay for memos: after a few misses in a row, execute() stops comparing bytes, and one head
    // in 64 is memoised and compared with the next; when that matches, all resumes.
    const m = this.memo;
    const trying = this.memoMisses <= MEMO_TRIES || (this.memoMisses & 63) === 0;
    if (trying && m !== null && m.head === h && m.isHead === this.isHead) {
      this.memoMisses = 0;
      this.useMemo(m);
      return true;
    }
    if (!this.parseHeadFully(h)) return false;
    if (++this.memoMisses > MEMO_TRIES && (this.memoMisses & 63) !== 0) return true;
    // the head's bytes as they arrive, terminator included, for execute()'s byte comparison
    const bytes = Buffer.from(`${h}\r\n\r\n`, 'latin1');
    const words = new Uint32Array((bytes.length + 3) >>> 2);
    new Uint8Array(words.buffer).set(bytes);
    this.memo = { head: h, bytes, words, isHead: this.isHead, minor: this.minor, status: this.status, closeAfter: this.closeAfter, bodyKind: this.bodyKind, contentLength: this.contentLength };
    return true;
  }

  private parseHeadFully(h: string): boolean {
    // "HTTP/1.1 200 OK" — the reason phrase may be empty or absent.
    if (
      h.length < 12 ||
      h.charCodeAt(0) !== 72 || // H
      !h.startsWith('HTTP/1.') ||
      h.charCodeAt(8) !== 32
    ) {
      this.fail(`invalid status line: ${JSON.stringify(h.slice(0, 40))}`);
      return false;
    }
    const minor = h.charCodeAt(7) - 48;
    const d0 = h.charCodeAt(9) - 48;
    const d1 = h.charCodeAt(10) - 48;
    const d2 = h.charCodeAt(11) - 48;
    if (minor < 0 || minor > 9 || d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) {
      this.fail(`invalid status line: ${JSON.stringify(h.slice(0, 40))}`);
      return false;
    }
    const afterCode = h.charCodeAt(12);
    if (h.length > 12 && afterCode !== 32 && afterCode !== 13) {
      this.fail(`invalid status line: ${JSON.stringify(h.slice(0, 40))}`);
      return false;
    }
    this.minor = minor;
    this.status = d0 * 100 + d1 * 10 + d2;

    // One pass over the header lines: validate each, and read only the framing headers
    // (compared by name length first, so other names are neither sliced nor lower-cased).
    let te: string | null = null;
    let clValue: string | null = null;
    let connection: string | null = null;
    let seenHeader = false;
    /** the framing header the previous line was, for obs-fold continuation lines */
    let lastFraming = 0;
    let pos = h.indexOf('\r\n', 12);
    const len = h.length;
    while (pos >= 0 && pos < len) {
      pos += 2;
      let eol = h.indexOf('\r\n', pos);
      if (eol < 0) eol = len;
      const first = h.charCodeAt(pos);
      if (first === 32 || first === 9) {
        // obs-fold: a continuation line; RFC 9112 §5.2 says replace it with a space.
        if (!seenHeader) {
          this.fail('header continuation line without a header');
          return false;
        }
        if (lastFraming !== 0) {
          const more = h.slice(pos, eol).trim();
          if (lastFraming === 10) connection = `${connection ?? ''} ${more}`;
          else if (lastFraming === 17) te = `${te ?? ''} ${more}`;
          else if (lastFraming === 14) clValue = `${clValue ?? ''} ${more}`;
        }
        pos = eol;
        continue;
      }
      const colon = h.indexOf(':', pos);
      if (colon <= pos || colon > eol) {
        this.fail(`invalid header line: ${JSON.stringify(h.slice(pos, Math.min(eol, pos + 40)))}`);
        return false;
      }
      const before = h.charCodeAt(colon - 1);
      if (before === 32 || before === 9) {
        this.fail(`whitespace before colon in header ${JSON.stringify(h.slice(pos, colon).trim().toLowerCase())}`);
        return false;
      }
      seenHeader = true;
      lastFraming = 0;
      // names compared in place, case-insensitively: no slice or toLowerCase per header
      const nameLen = colon - pos;
      if (nameLen === 10 && nameIs(h, pos, 'connection')) {
        const value = trimOws(h, colon + 1, eol);
        connection = connection === null ? value : `${connection}, ${value}`;
        lastFraming = 10;
      } else if (nameLen === 14 && nameIs(h, pos, 'content-length')) {
        const value = trimOws(h, colon + 1, eol);
        if (clValue !== null && clValue !== value) {
          this.fail('conflicting Content-Length headers');
          return false;
        }
        clValue = value;
        lastFraming = 14;
      } else if (nameLen === 17 && nameIs(h, pos, 'transfer-encoding')) {
        const value = trimOws(h, colon + 1, eol);
        te = te === null ? value : `${te}, ${value}`;
        lastFraming = 17;
      }
      pos = eol;
    }
    this.head = h;

    // Connection persistence (RFC 9112 §9.3): 1.1 persists unless "close"; 1.0 only with "keep-alive".
    if (connection !== null) {
      const c = connection === 'keep-alive' || connection === 'close' ? connection : connection.toLowerCase();
      if (hasToken(c, 'close')) this.closeAfter = true;
      else if (minor === 0 && !hasToken(c, 'keep-alive')) this.closeAfter = true;
    } else if (minor === 0) {
      this.closeAfter = true;
    }

    // Body framing (RFC 9112 §6.3).
    const s = this.status;
    if (this.isHead || s === 204 || s === 304 || s < 200) {
      this.bodyKind = Body.None;
      return true;
    }
    if (te !== null) {
      const t = te.toLowerCase();
      if (lastToken(t) === 'chunked') {
        this.bodyKind = Body.Chunked;
        // TE with Content-Length is a smuggling vector: honour TE, never reuse the connection.
        if (clValue !== null) this.closeAfter = true;
      } else {
        this.bodyKind = Body.Close;
        this.closeAfter = true;
      }
      return true;
    }
    if (clValue !== null) {
      const n = parseContentLength(clValue);
      if (n < 0) {
        this.fail(`invalid Content-Length: ${JSON.stringify(clValue)}`);
        return false;
      }
      this.bodyKind = Body.Length;
      this.contentLength = n;
      return true;
    }
    this.bodyKind = Body.Close;
    this.closeAfter = true;
    return true;
  }
}

/**
 * The header record of a response head (as `ResponseParser.head`): names lower-cased, repeated
 * fields joined with ', ' (set-cookie with '\n'), obs-fold continuations joined with a space.
 * The head was validated when parsed.
 */
export function headerRecord(h: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (h === '') return headers;
  let lastName = '';
  let pos = h.indexOf('\r\n', 12);
  const len = h.length;
  while (pos >= 0 && pos < len) {
    pos += 2;
    let eol = h.indexOf('\r\n', pos);
    if (eol < 0) eol = len;
    const first = h.charCodeAt(pos);
    if (first === 32 || first === 9) {
      if (lastName !== '') headers[lastName] = `${headers[lastName] ?? ''} ${h.slice(pos, eol).trim()}`;
      pos = eol;
      continue;
    }
    const colon = h.indexOf(':', pos);
    if (colon <= pos || colon > eol) break; // not reached: rejected while parsing
    const name = h.slice(pos, colon).toLowerCase();
    const value = trimOws(h, colon + 1, eol);
    pos = eol;
    if (name === '__proto__') {
      lastName = '';
      continue; // never a real header; would reshape the object
    }
    lastName = name;
    const prev = headers[name];
    headers[name] = prev === undefined ? value : name === 'set-cookie' ? `${prev}\n${value}` : `${prev}, ${value}`;
  }
  return headers;
}

/** h[at, at + lower.length) equals `lower` (a lower-case header name), ignoring ASCII case. */
function nameIs(h: string, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = h.charCodeAt(at + i);
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function trimOws(h: string, from: number, to: number): string {
  while (from < to && (h.charCodeAt(from) === 32 || h.charCodeAt(from) === 9)) from++;
  while (to > from && (h.charCodeAt(to - 1) === 32 || h.charCodeAt(to - 1) === 9)) to--;
  return h.slice(from, to);
}

/** Content-Length digits; "5, 5" (a repeated identical value joined) is accepted. -1 if invalid. */
function parseContentLength(v: string): number {
  const comma = v.indexOf(',');
  if (comma >= 0) {
    const parts = v.split(',').map((p) => p.trim());
    if (!parts.every((p) => p === parts[0])) return -1;
    v = parts[0] ?? '';
  }
  if (v.length === 0 || v.length > 15) return -1;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function hasToken(list: string, token: string): boolean {
  if (list === token) return true; // the usual single-token value, without a split
  if (list.indexOf(',') < 0) return list.trim() === token;
  for (const t of list.split(',')) if (t.trim() === token) return true;
  return false;
}

function lastToken(list: string): string {
  const i = list.lastIndexOf(',');
  return (i < 0 ? list : list.slice(i + 1)).trim();
}
