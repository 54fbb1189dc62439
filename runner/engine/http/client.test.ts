// HttpAgent against real servers on 127.0.0.1:0: node:http for the ordinary cases, raw
// net servers for what node:http will not send (awkward splits, resets, stale keep-alive).
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpAgent } from './client.ts';
import type { HttpResult } from './client.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

interface Started {
  port: number;
  url: (path?: string) => URL;
  connections: () => number;
}

async function listen(server: net.Server): Promise<Started> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = (server.address() as AddressInfo).port;
  return { port, url: (path = '/') => new URL(`http://127.0.0.1:${port}${path}`), connections: () => connections };
}

function httpServer(handler: http.RequestListener): Promise<Started> {
  return listen(http.createServer(handler));
}

/** A raw TCP server: `onRequest(socket, requestText, n)` is called per request head received. */
function rawServer(onRequest: (s: net.Socket, head: string, n: number) => void): Promise<Started> {
  return listen(
    net.createServer((s) => {
      let buf = '';
      let n = 0;
      s.setNoDelay(true);
      s.on('error', () => {});
      s.on('data', (d) => {
        buf += d.toString('latin1');
        let e: number;
        while ((e = buf.indexOf('\r\n\r\n')) >= 0) {
          const head = buf.slice(0, e);
          const cl = /content-length: *(\d+)/i.exec(head);
          const total = e + 4 + (cl ? Number(cl[1]) : 0);
          if (buf.length < total) break;
          buf = buf.slice(total);
          onRequest(s, head, n++);
        }
      });
    }),
  );
}

function agent(opts: Partial<ConstructorParameters<typeof HttpAgent>[0]> = {}): HttpAgent {
  const a = new HttpAgent({ keepAlive: true, ...opts });
  cleanups.push(() => a.close());
  return a;
}

const get = (a: HttpAgent, url: URL, extra: Partial<Parameters<HttpAgent['request']>[0]> = {}) =>
  a.request({ method: 'GET', url, timeoutMs: 5000, ...extra });

function expectOrdered(r: HttpResult): void {
  const t = r.timings;
  expect(t.start).toBeGreaterThan(1.6e15); // epoch µs
  expect(t.start).toBeLessThanOrEqual(t.connectStart);
  expect(t.connectStart).toBeLessThanOrEqual(t.tcpStart);
  expect(t.tcpStart).toBeLessThanOrEqual(t.tcpConnected);
  expect(t.tcpConnected).toBeLessThanOrEqual(t.connected);
  expect(t.connected).toBeLessThanOrEqual(t.sent);
  expect(t.sent).toBeLessThanOrEqual(t.firstByte);
  expect(t.firstByte).toBeLessThanOrEqual(t.end);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Write `data` in the given pieces, each in its own TCP segment (a pause between writes). */
async function dribble(s: net.Socket, data: string, pieces: number[]): Promise<void> {
  let off = 0;
  let k = 0;
  while (off < data.length) {
    const n = pieces[k++ % pieces.length] as number;
    s.write(data.slice(off, off + n), 'latin1');
    off += n;
    await sleep(1);
  }
}

describe('HttpAgent over plain http', () => {
  it('reuses one kept-alive connection for 100 sequential requests, with ordered timings', async () => {
    const srv = await httpServer((req, res) => res.end(`hello ${req.url}`));
    const a = agent();
    const results: HttpResult[] = [];
    for (let i = 0; i < 100; i++) results.push(await get(a, srv.url(`/n${i}`)));
    expect(srv.connections()).toBe(1);
    results.forEach((r, i) => {
      expect(r.error).toBeNull();
      expect(r.status).toBe(200);
      expect(r.body?.toString()).toBe(`hello /n${i}`);
      expect(r.reused).toBe(i > 0);
      expectOrdered(r);
      expect(r.bytesSent).toBeGreaterThan(20);
      expect(r.bytesReceived).toBeGreaterThan(60);
    });
    // the first one connected: its connect phase is real time, later ones have none
    const first = results[0] as HttpResult;
    expect(first.timings.connected).toBeGreaterThan(first.timings.connectStart);
    const later = results[50] as HttpResult;
    expect(later.timings.connected).toBe(later.timings.start);
  });

  it("times k6's connection phases: the DNS lookup of a name, the TCP connect, nothing on a reused connection", async () => {
    const srv = await httpServer((_req, res) => res.end('ok'));
    const a = agent();
    // a host name: net.Socket's 'lookup' ends the lookup, TCP connect starts after it
    const named = new URL(`http://localhost:${srv.port}/`);
    const first = await get(a, named);
    expect(first.status).toBe(200);
    expect(first.reused).toBe(false);
    expectOrdered(first);
    const f = first.timings;
    expect(f.tcpStart).toBeGreaterThan(f.connectStart); // the lookup is asynchronous: some time passes
    expect(f.tcpConnected).toBeGreaterThan(f.tcpStart); // connecting > 0
    expect(f.connected).toBe(f.tcpConnected); // plain http: no TLS handshake
    // reused: every connection phase is empty, at the request's start
    const second = await get(a, named);
    expect(second.reused).toBe(true);
    const s = second.timings;
    expect([s.connectStart, s.tcpStart, s.tcpConnected, s.connected]).toEqual([s.start, s.start, s.start, s.start]);
    // an IP address is not looked up: TCP connect starts as the connection is asked for
    const byIp = await get(agent(), srv.url());
    expect(byIp.reused).toBe(false);
    expect(byIp.timings.tcpStart).toBe(byIp.timings.connectStart);
    expect(byIp.timings.tcpConnected).toBeGreaterThan(byIp.timings.tcpStart);
    expect(srv.connections()).toBe(2);
  });

  it('opens another connection for concurrent requests instead of queueing', async () => {
    const srv = await httpServer((_req, res) => setTimeout(() => res.end('slow'), 50));
    const a = agent();
    const rs = await Promise.all([get(a, srv.url()), get(a, srv.url()), get(a, srv.url())]);
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(srv.connections()).toBe(3);
    // the three are now idle and get reused
    await Promise.all([get(a, srv.url()), get(a, srv.url())]);
    expect(srv.connections()).toBe(3);
  });

  it('decodes chunked bodies split across TCP packets at awkward places and byte by byte', async () => {
    const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Split: yes\r\n\r\n';
    const body = '3\r\nabc\r\n10;name=val\r\n0123456789abcdef\r\n1\r\n\n\r\n0\r\nTrailer: x\r\n\r\n';
    const splits = [[1], [2, 3], [5, 1, 7], [head.length - 2, 3, 1]];
    const srv = await rawServer((s, _h, n) => void dribble(s, head + body, splits[n % splits.length] as number[]));
    const a = agent();
    for (let i = 0; i < splits.length; i++) {
      const r = await get(a, srv.url());
      expect(r.error).toBeNull();
      expect(r.headers['x-split']).toBe('yes');
      expect(r.body?.toString('latin1')).toBe('abc0123456789abcdef\n');
      expect(r.reused).toBe(i > 0);
    }
    expect(srv.connections()).toBe(1);
  });

  it('honours Connection: close from the server and opens a new connection next time', async () => {
    const srv = await httpServer((_req, res) => {
      res.setHeader('Connection', 'close');
      res.end('bye');
    });
    const a = agent();
    for (let i = 0; i < 3; i++) {
      const r = await get(a, srv.url());
      expect(r.error).toBeNull();
      expect(r.body?.toString()).toBe('bye');
      expect(r.reused).toBe(false);
    }
    expect(srv.connections()).toBe(3);
  });

  it('sends Connection: close when keep-alive is off', async () => {
    const seen: string[] = [];
    const srv = await httpServer((req, res) => {
      seen.push(req.headers.connection ?? '');
      res.end('x');
    });
    const a = agent({ keepAlive: false, userAgent: 'stampede-test/1' });
    const r1 = await get(a, srv.url());
    const r2 = await get(a, srv.url());
    expect([r1.status, r2.status]).toEqual([200, 200]);
    expect(seen).toEqual(['close', 'close']);
    expect(srv.connections()).toBe(2);
  });

  it('reads a close-delimited body (no Content-Length, no chunking)', async () => {
    const srv = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ');
      setTimeout(() => s.end('part two'), 20);
    });
    const r = await get(agent(), srv.url());
    expect(r.error).toBeNull();
    expect(r.body?.toString()).toBe('part one, part two');
  });

  it('succeeds after the server closed the idle kept-alive connection', async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    const srv = await listen(server);
    const a = agent();
    expect((await get(a, srv.url())).status).toBe(200);
    server.closeIdleConnections(); // as a keep-alive timeout would
    await sleep(100); // the agent sees the FIN and drops the connection
    const r = await get(a, srv.url());
    expect(r.error).toBeNull();
    expect(r.status).toBe(200);
    expect(r.reused).toBe(false);
    expect(srv.connections()).toBe(2);
  });

  it('retries an idempotent request once when a reused connection closes before any response byte', async () => {
    // The second request on every connection is met by a close: the race a browser retries.
    const srv = await rawServer((s, _h, n) => {
      if (n === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst');
      else s.destroy();
    });
    const a = agent();
    expect((await get(a, srv.url())).body?.toString()).toBe('first');
    const r = await get(a, srv.url());
    expect(r.error).toBeNull();
    expect(r.body?.toString()).toBe('first');
    expect(r.reused).toBe(false);
    expect(srv.connections()).toBe(2);
    expectOrdered(r);
    // A POST is not retried: the server may have acted on it.
    const p = await a.request({ method: 'POST', url: srv.url(), body: '{}', timeoutMs: 5000 });
    expect(p.error?.kind).toBe('reset');
    expect(p.status).toBe(0);
    expect(srv.connections()).toBe(2);
  });

  it('times out a request the server never answers, and destroys the socket', async () => {
    let closed = 0;
    const srv = await rawServer((s) => s.on('close', () => closed++));
    const a = agent();
    const t0 = performance.now();
    const r = await get(a, srv.url(), { timeoutMs: 300 });
    const took = performance.now() - t0;
    expect(r.error?.kind).toBe('timeout');
    expect(r.status).toBe(0);
    // never before its time (how soon after it is the machine's business)
    expect(took).toBeGreaterThanOrEqual(295);
    expect(r.timings.end - r.timings.start).toBeGreaterThanOrEqual(295_000);
    await sleep(50);
    expect(closed).toBe(1);
    // the agent still works afterwards, on a new connection (the same timer path reused)
    const fine = await rawServer((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'));
    for (let i = 0; i < 3; i++) expect((await get(a, fine.url(), { timeoutMs: 300 })).status).toBe(200);
    await sleep(400); // idle connection timers lapse without effect
    expect((await get(a, fine.url(), { timeoutMs: 300 })).error).toBeNull();
  });

  it('still times out on a connection whose timer lapsed while it was idle', async () => {
    const srv = await rawServer((s, _h, n) => {
      if (n === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const a = agent();
    expect((await get(a, srv.url(), { timeoutMs: 150 })).status).toBe(200);
    await sleep(300); // the connection's timer fires while idle: a no-op
    // the timer is re-armed for the new request: it times out (instead of hanging), not early
    const r = await get(a, srv.url(), { timeoutMs: 150 });
    expect(r.reused).toBe(true);
    expect(r.error?.kind).toBe('timeout');
    expect(r.timings.end - r.timings.start).toBeGreaterThanOrEqual(145_000);
  });

  it('times out a body that stalls halfway', async () => {
    const srv = await rawServer((s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf'));
    const r = await get(agent(), srv.url(), { timeoutMs: 200 });
    expect(r.error?.kind).toBe('timeout');
    expect(r.bytesReceived).toBeGreaterThan(30);
    expectOrdered(r);
  });

  it('times out a connect that never completes (a full listen backlog drops the SYN)', async () => {
    // A listener with backlog 0 that never accepts: once its queue is full the kernel drops
    // further SYNs, so connect() hangs, as to a black-holed host — but on 127.0.0.1.
    const py = spawn('python3', ['-c', "import socket,time\ns=socket.socket()\ns.bind(('127.0.0.1',0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(20)"]);
    cleanups.push(() => py.kill());
    const port = await new Promise<number>((r) => py.stdout.once('data', (d: Buffer) => r(Number(d.toString().trim()))));
    for (let i = 0; i < 3; i++) {
      const f = net.connect(port, '127.0.0.1');
      f.on('error', () => {});
      cleanups.push(() => f.destroy());
    }
    await sleep(100);
    const url = new URL(`http://127.0.0.1:${port}/`);
    // the connect timer (250 ms) ends it, not the request's (3 s): its message says which
    const r = await get(agent({ connectTimeoutMs: 250 }), url, { timeoutMs: 3000 });
    expect(r.error).toEqual({ kind: 'connect_timeout', message: 'connect timed out after 250 ms' });
    expect(r.timings.end - r.timings.start).toBeGreaterThanOrEqual(245_000);
    // without a connect timeout the whole-request timeout ends it, still named as a connect timeout
    const w = await get(agent(), url, { timeoutMs: 300 });
    expect(w.error?.kind).toBe('connect_timeout');
    expect(w.timings.connected - w.timings.connectStart).toBeGreaterThanOrEqual(290_000);
  });

  it('reports connection refused', async () => {
    const srv = await httpServer((_q, s) => s.end());
    const port = srv.port;
    cleanups.pop()?.(); // close it: the port is now refused
    await sleep(20);
    const r = await get(agent(), new URL(`http://127.0.0.1:${port}/`));
    expect(r.error?.kind).toBe('connect_refused');
    expect(r.status).toBe(0);
    expectOrdered(r);
  });

  it('reports a reset in the middle of a response', async () => {
    const srv = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial');
      setTimeout(() => s.resetAndDestroy(), 20);
    });
    const r = await get(agent(), srv.url());
    expect(r.error?.kind).toBe('reset');
    expect(r.status).toBe(0);
  });

  it('reports a server that closes mid-body as reset, and a garbled response as protocol', async () => {
    const closes = await rawServer((s) => s.end('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort'));
    const r = await get(agent(), closes.url());
    expect(r.error?.kind).toBe('reset');
    expect(r.error?.message).toContain('before the response was complete');
    const garbled = await rawServer((s) => s.write('SMTP ready\r\n\r\n'));
    const g = await get(agent(), garbled.url());
    expect(g.error?.kind).toBe('protocol');
    expect(g.error?.message).toContain('invalid status line');
  });

  it('receives large bodies intact (Content-Length and chunked), or discards them', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 3);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 10)) & 0xff;
    const srv = await httpServer((req, res) => {
      if (req.url === '/chunked') {
        // no Content-Length: node:http sends it chunked, in several chunks
        for (let off = 0; off < big.length; off += 700_001) res.write(big.subarray(off, off + 700_001));
        res.end();
      } else res.end(big);
    });
    const a = agent();
    const r1 = await get(a, srv.url('/length'));
    expect(r1.headers['content-length']).toBe(String(big.length));
    expect(r1.body?.equals(big)).toBe(true);
    const r2 = await get(a, srv.url('/chunked'));
    expect(r2.headers['transfer-encoding']).toBe('chunked');
    expect(r2.body?.equals(big)).toBe(true);
    const r3 = await get(a, srv.url('/length'), { discardBody: true });
    expect(r3.status).toBe(200);
    expect(r3.body).toBeNull();
    expect(r3.bytesReceived).toBeGreaterThan(big.length);
    expect(srv.connections()).toBe(1);
  });

  it('handles HEAD, 204 and 304 without a body and keeps the connection', async () => {
    const srv = await httpServer((req, res) => {
      if (req.url === '/204') res.writeHead(204).end();
      else if (req.url === '/304') res.writeHead(304, { ETag: '"x"' }).end();
      else res.writeHead(200, { 'Content-Length': '11' }).end(req.method === 'HEAD' ? undefined : 'hello world');
    });
    const a = agent();
    const h = await a.request({ method: 'HEAD', url: srv.url(), timeoutMs: 2000 });
    expect(h.status).toBe(200);
    expect(h.headers['content-length']).toBe('11');
    expect(h.body).toBeNull();
    expect((await get(a, srv.url('/204'))).status).toBe(204);
    expect((await get(a, srv.url('/304'))).status).toBe(304);
    const g = await get(a, srv.url());
    expect(g.body?.toString()).toBe('hello world');
    expect(srv.connections()).toBe(1);
  });

  it('sends each request as asked when one URL object is reused with other methods, bodies and origins', async () => {
    const seen: string[] = [];
    const one = await httpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push(`one ${req.method} ${req.url} ${body}`);
        res.end(req.method === 'HEAD' ? undefined : `one:${req.method}`);
      });
    });
    const two = await httpServer((req, res) => {
      seen.push(`two ${req.method} ${req.url}`);
      res.end('two');
    });
    const a = agent();
    const u = one.url('/x');
    const v = two.url('/y');
    const texts: string[] = [];
    for (const r of [
      { method: 'GET', url: u },
      { method: 'GET', url: u },
      { method: 'HEAD', url: u },
      { method: 'GET', url: v },
      { method: 'POST', url: u, body: 'b1' },
      { method: 'GET', url: u, headers: { 'x-a': '1' } },
      { method: 'GET', url: u },
    ]) {
      const res = await a.request({ ...r, timeoutMs: 2000 });
      texts.push(res.body?.toString() ?? '-');
    }
    expect(texts).toEqual(['one:GET', 'one:GET', '-', 'two', 'one:POST', 'one:GET', 'one:GET']);
    expect(seen).toEqual(['one GET /x ', 'one GET /x ', 'one HEAD /x ', 'two GET /y', 'one POST /x b1', 'one GET /x ', 'one GET /x ']);
    expect(one.connections()).toBe(1);
    expect(two.connections()).toBe(1);
  });

  it('skips a 100 Continue before the response', async () => {
    const srv = await rawServer((s) => s.write('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone'));
    const r = await get(agent(), srv.url());
    expect(r.status).toBe(200);
    expect(r.body?.toString()).toBe('done');
  });

  it('sends a JSON POST body with Content-Length and the given headers', async () => {
    const srv = await httpServer((req, res) => {
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (b += d));
      req.on('end', () => {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Set-Cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ method: req.method, cl: req.headers['content-length'], ct: req.headers['content-type'], ua: req.headers['user-agent'], host: req.headers.host, body: JSON.parse(b) }));
      });
    });
    const a = agent({ userAgent: 'stampede/0.1' });
    const payload = { sku: 'flash-1', qty: 2, note: 'crème brûlée' };
    const r = await a.request({ method: 'POST', url: srv.url('/orders'), headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(payload), timeoutMs: 2000 });
    expect(r.error).toBeNull();
    const echo = JSON.parse(r.body?.toString() ?? 'null');
    expect(echo).toEqual({ method: 'POST', cl: String(Buffer.byteLength(JSON.stringify(payload))), ct: 'application/json', ua: 'stampede/0.1', host: `127.0.0.1:${srv.port}`, body: payload });
    expect(r.headers['set-cookie']).toBe('a=1\nb=2');
    const bytes = await a.request({ method: 'PUT', url: srv.url(), body: new TextEncoder().encode('[1,2]'), timeoutMs: 2000 });
    expect(JSON.parse(bytes.body?.toString() ?? '').body).toEqual([1, 2]);
  });

  it('refuses header values that would inject CR/LF, without sending anything', async () => {
    const srv = await httpServer((_q, s) => s.end());
    const r = await get(agent(), srv.url(), { headers: { 'X-Evil': 'a\r\nInjected: 1' } });
    expect(r.error?.kind).toBe('other');
    expect(r.error?.message).toContain('X-Evil');
    expect(srv.connections()).toBe(0);
  });

  it('returns redirects as responses by default and follows them when asked, with the method rules', async () => {
    const log: string[] = [];
    const srv = await httpServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        log.push(`${req.method} ${req.url} ${body}`);
        const to = (code: number, loc: string) => res.writeHead(code, { Location: loc }).end();
        if (req.url === '/a') to(302, '/b');
        else if (req.url === '/see-other') to(303, `http://127.0.0.1:${(srv as Started).port}/b`);
        else if (req.url === '/temp') to(307, '/b');
        else if (req.url === '/loop') to(301, '/loop');
        else res.end(`at ${req.url}`);
      });
    });
    const off = await get(agent(), srv.url('/a'));
    expect(off.status).toBe(302);
    expect(off.headers.location).toBe('/b');

    const a = agent({ maxRedirects: 3 });
    const on = await get(a, srv.url('/a'));
    expect(on.status).toBe(200);
    expect(on.body?.toString()).toBe('at /b');
    expect(on.redirects).toBe(1);
    expect(on.finalUrl).toBe(`http://127.0.0.1:${srv.port}/b`);
    expectOrdered(on);

    log.length = 0;
    await a.request({ method: 'POST', url: srv.url('/see-other'), body: 'x=1', timeoutMs: 2000 });
    await a.request({ method: 'POST', url: srv.url('/temp'), body: 'y=2', timeoutMs: 2000 });
    expect(log).toEqual(['POST /see-other x=1', 'GET /b ', 'POST /temp y=2', 'POST /b y=2']);

    const loop = await get(a, srv.url('/loop'));
    expect(loop.status).toBe(301);
    expect(loop.redirects).toBe(3);
  });

  it('ends requests in flight with kind aborted when the agent is closed', async () => {
    const srv = await rawServer(() => {});
    const a = agent();
    const p = get(a, srv.url());
    await sleep(30);
    a.close();
    const r = await p;
    expect(r.error?.kind).toBe('aborted');
    expect((await get(a, srv.url())).error?.kind).toBe('aborted');
  });
});
