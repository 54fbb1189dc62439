// The local HTTP server the k6 corpus runs against (127.0.0.1, port 0): a few routes in the
// manner of httpbin / test.k6.io that the documentation's examples call, and a log of what it got;
// the same routes over https (a self-signed certificate) at `tlsUrl`.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { startServer, type TestServer } from '../../testing/fixtures.ts';
import { selfSignedCert } from '../../testing/self-signed.ts';

export interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingMessage['headers'];
  body: string;
  /** /delay/ requests being answered when this one arrived, itself included */
  inFlight: number;
}

let delaying = 0;
/** CSRF tokens handed out by /html/form, by token: used once */
const csrfTokens = new Set<string>();
let csrfIssued = 0;

export async function startCorpusServer(): Promise<TestServer & { seen: Seen[]; tlsUrl: string }> {
  const seen: Seen[] = [];
  const handler: RequestListener = (req, res) => {
    let body = '';
    req.setEncoding('latin1');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const delay = u.pathname.startsWith('/delay/');
      if (delay) {
        delaying++;
        res.once('close', () => delaying--);
      }
      seen.push({ method: req.method ?? '', path: u.pathname, query: Object.fromEntries(u.searchParams), headers: req.headers, body, inFlight: delay ? delaying : 0 });
      route(req, res, u, body);
    });
  };
  const server = await startServer(handler);
  const tls = https.createServer(selfSignedCert(), handler);
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  const close = server.close;
  return Object.assign(server, {
    seen,
    tlsUrl: `https://127.0.0.1:${(tls.address() as AddressInfo).port}`,
    close: async () => {
      tls.closeAllConnections();
      await Promise.all([close(), new Promise<void>((r) => tls.close(() => r()))]);
    },
  });
}

function json(res: ServerResponse, value: unknown, status = 200): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function html(res: ServerResponse, body: string, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
  res.end(`<!DOCTYPE html>\n<html><head><title>corpus</title></head><body>${body}</body></html>`);
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** HTML pages of the k6/html scripts: a login form with a CSRF token, a list of links, a search form. */
function routeHtml(req: IncomingMessage, res: ServerResponse, u: URL, body: string): boolean {
  const p = u.pathname;
  if (p === '/html/form') {
    const token = `tok-${++csrfIssued}`;
    csrfTokens.add(token);
    html(
      res,
      `<h1 id="title" class="page login" lang="en">Sign in</h1>
<form id="login" action="login?from=form" method="post">
  <input type="hidden" name="csrf" value="${token}">
  <input name="user"><input type="password" name="password">
  <input type="checkbox" name="remember" value="yes" checked="checked">
  <input type="checkbox" name="news" value="1" checked>
  <input type="radio" name="plan" checked="checked">
  <input name="ghost" disabled="disabled" value="x">
  <select name="lang"><option value="en">English</option><option value="fr" selected>Français</option></select>
  <select name="tags" multiple><option selected>a</option><option value="b" selected>B</option><option>c</option></select>
  <textarea name="note">a &amp; b</textarea>
  <button type="button" name="help">?</button>
  <input type="submit" name="go" value="Sign in">
</form><!-- end of form -->`,
    );
    return true;
  }
  if (p === '/html/login' && req.method === 'POST') {
    const form = new URLSearchParams(body);
    const token = form.get('csrf') ?? '';
    if (!csrfTokens.delete(token)) {
      html(res, '<h1>Forbidden</h1><p class="why">bad or reused CSRF token</p>', 403);
      return true;
    }
    html(res, `<h1>Welcome ${escapeHtml(form.get('user') ?? '')}</h1><p class="from">${escapeHtml(u.searchParams.get('from') ?? '')}</p>`);
    return true;
  }
  if (p === '/html/links') {
    html(
      res,
      `<ul id="crocs">
  <li><a href="/crocodiles/1" data-croc-id="1" data-meta='{"age":3}' data-big="false">Bert</a></li>
  <li><a href="/crocodiles/2" data-croc-id="2" data-nick="">Ernie</a></li>
  <li class="last"><a href="../crocodiles/3" data-croc-id="3.50">Sobek</a></li>
</ul>
<p>after<b>bold</b></p>`,
    );
    return true;
  }
  if (p === '/html/elements') {
    html(
      res,
      `<nav><a id="home" href="/crocodiles/1?x=1#top" rel="next nofollow">Bert</a>
<a id="ext" href="https://user:pw@Other.test:443/p%20q">elsewhere</a>
<a id="rel" href="../crocodiles/2">Ernie</a></nav>
<form id="buy" action="order" method="POST" enctype="multipart/form-data">
  <label for="qty">Quantity</label><input id="qty" name="qty" type="number" value="2" maxlength="3">
  <label>Colour <select name="colour"><option value="g">green</option><option selected>brown</option></select></label>
  <input type="frobnicate" name="odd" list="sizes">
  <button id="send" formaction="/checkout" formmethod="post">Send <b>now</b></button>
  <textarea name="note" value="attr">inner</textarea>
</form>
<input id="outside" form="buy" name="outside" value="o">
<datalist id="sizes"><option value="s">Small</option><option value="l" label="Large"></option></datalist>
<img src="/img/bert.png" width="64" height="x">
<table><caption>Crocs</caption><tr><th scope="col">name</th><td colspan="2">Bert</td></tr></table>
<ol><li value="3">a</li><li>b</li></ol>
<progress value="30" max="120"></progress>`,
    );
    return true;
  }
  if (p === '/html/search') {
    html(res, `<form action="/echo?old=1"><input name="q" value="croc"><input name="page" value="2"><input type="submit" name="s" value="Go"></form>`);
    return true;
  }
  return false;
}

function route(req: IncomingMessage, res: ServerResponse, u: URL, body: string): void {
  const p = u.pathname;
  let m: RegExpMatchArray | null;
  if (p.startsWith('/html/') && routeHtml(req, res, u, body)) return;
  if (p === '/' || p === '/ok') return void res.end('ok');
  if ((m = p.match(/^\/status\/(\d{3})$/))) {
    res.writeHead(Number(m[1]));
    return void res.end();
  }
  if ((m = p.match(/^\/redirect\/(\d+)$/))) {
    const n = Number(m[1]);
    res.writeHead(302, { location: n > 1 ? `/redirect/${n - 1}` : '/ok' });
    return void res.end();
  }
  if (p === '/json') return json(res, { name: 'stampede', items: [{ id: 1, tags: ['a'] }, { id: 2, tags: ['b', 'c'] }], nested: { 'a.b': 5, deep: { x: true } } });
  if (p === '/bytes') {
    // every byte value once: a UTF-8 round trip would turn 0x80–0xff into replacement characters
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    return void res.end(Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
  }
  if (p === '/echo') return json(res, { method: req.method, headers: req.headers, body, query: Object.fromEntries(u.searchParams) });
  if (p === '/cookies/set') {
    res.writeHead(200, { 'set-cookie': [...u.searchParams].map(([k, v]) => `${k}=${v}; Path=/`), 'content-type': 'application/json' });
    return void res.end('{}');
  }
  if (p === '/cookies') return json(res, { cookie: req.headers.cookie ?? '' });
  if (p === '/login') {
    const form = new URLSearchParams(body);
    if (form.get('user') && form.get('password') === 'secret') {
      res.writeHead(200, { 'set-cookie': `sid=s-${form.get('user')}; Path=/; HttpOnly`, 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ token: `t-${form.get('user')}` }));
    }
    return json(res, { error: 'bad credentials' }, 401);
  }
  if (p === '/me') {
    const sid = /(?:^|; )sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const bearer = req.headers.authorization?.replace(/^Bearer /, '');
    if (sid || bearer) return json(res, { user: sid ?? bearer });
    return json(res, { error: 'not logged in' }, 401);
  }
  if ((m = p.match(/^\/delay\/(\d+)$/))) {
    setTimeout(() => res.end('late'), Number(m[1]));
    return;
  }
  if (p === '/crocodiles') return json(res, [{ id: 1, name: 'Bert' }, { id: 2, name: 'Ernie' }, { id: 3, name: 'Sobek' }]);
  if ((m = p.match(/^\/crocodiles\/(\d+)$/))) return json(res, { id: Number(m[1]), name: `croc-${m[1]}` });
  res.writeHead(404);
  res.end('not found');
}
