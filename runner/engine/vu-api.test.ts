// The journey API end to end: groups and tags on samples, checks, per-VU state across
// iterations, setup data, teardown checks, JSON bodies, request names.
import { afterAll, describe, expect, it } from 'vitest';
import { runTest } from '../run/run-test.ts';
import { scratchDir, startServer } from '../testing/fixtures.ts';
import { loadPlan } from '../plan/load-plan.ts';

const scratch = scratchDir('vu-api');
afterAll(() => scratch.remove());

describe('the VU API', () => {
  it('tags, groups, checks, state, setup data and teardown checks land in the result', async () => {
    const seen: Array<{ url: string; body: string; cookie: string | undefined }> = [];
    const server = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', body, cookie: req.headers.cookie });
        if (req.url === '/login') {
          res.setHeader('set-cookie', 'sid=abc');
          res.setHeader('content-type', 'application/json');
          return res.end(JSON.stringify({ token: 'abc' }));
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ ok: true, echo: body ? JSON.parse(body) : null }));
      });
    });
    try {
      const file = scratch.write(
        'api.ts',
        `
export const options = { scenarios: { shop: { executor: 'per-vu-iterations', vus: 2, iterations: 3, tags: { team: 'web' } } } };
export function setup(ctx: any) { return { greeting: 'hi', base: ctx.env.BASE }; }
export default async (vu: any, data: any) => {
  if (!vu.state.token) {
    const r = await vu.http.post(data.base + '/login', { user: vu.id });
    vu.state.token = r.json().token;
    vu.state.logins = 0;
  }
  vu.state.logins = (vu.state.logins as number) + 1;
  await vu.group('buy', async () => {
    const r = await vu.http.post(data.base + '/cart/' + vu.iteration, { item: vu.iteration, greeting: data.greeting }, { name: 'POST /cart/:n', headers: { cookie: 'sid=' + vu.state.token }, tags: { step: 'cart' } });
    vu.check(r, { 'echoes the item': (x: any) => x.json().echo.item === vu.iteration, 'never true': () => false });
  });
};
export function teardown(ctx: any, data: any) { ctx.check(data, { 'setup data reached teardown': (d: any) => d.greeting === 'hi' }); }
`,
      );
      const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
      // 2 VUs × 1 login + 6 cart posts; setup/teardown make no measured requests
      expect(result.metrics.http_reqs?.values.count).toBe(8);
      expect(seen.filter((s) => s.url === '/login')).toHaveLength(2);
      const carts = seen.filter((s) => s.url.startsWith('/cart/'));
      expect(carts.every((c) => c.cookie === 'sid=abc')).toBe(true);
      expect(carts.map((c) => JSON.parse(c.body).greeting)).toEqual(Array(6).fill('hi'));
      const cart = result.tagged.filter((t) => t.metric === 'http_reqs' && t.tags.name === 'POST /cart/:n');
      expect(cart.reduce((a, t) => a + (t.values.count ?? 0), 0)).toBe(6);
      expect(cart[0]?.tags).toMatchObject({ group: '::buy', scenario: 'shop', team: 'web', step: 'cart', method: 'POST', status: '200' });
      const checks = Object.fromEntries(result.checks.map((c) => [c.name, c]));
      expect(checks['echoes the item']).toMatchObject({ path: '::buy::echoes the item', passes: 6, fails: 0 });
      expect(checks['never true']).toMatchObject({ passes: 0, fails: 6 });
      expect(checks['setup data reached teardown']).toMatchObject({ passes: 1, fails: 0 });
      expect(result.metrics.checks?.values).toMatchObject({ passes: 7, fails: 6 });
      expect(result.metrics.iterations?.values.count).toBe(6);
    } finally {
      await server.close();
    }
  });

  it('distinct URLs without a name are bounded: past 1000 they share one overflow name, with a warning', async () => {
    const server = await startServer((_req, res) => res.end('ok'));
    try {
      const file = scratch.write(
        'many-urls.ts',
        `export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 4, iterations: 1200, maxDuration: '60s' } } };
export default async (vu: any) => { await vu.http.get(vu.env.BASE + '/item/' + vu.idInTest + '-' + vu.iteration); };`,
      );
      const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
      expect(result.metrics.http_reqs?.values.count).toBe(1200);
      const names = new Set(result.tagged.filter((t) => t.metric === 'http_reqs').map((t) => t.tags.name));
      expect(names.size).toBe(1001);
      const overflow = result.tagged.find((t) => t.metric === 'http_reqs' && t.tags.name?.startsWith('(other URLs'));
      expect(overflow?.values.count).toBe(200);
      expect(result.warnings.join('\n')).toMatch(/more than 1000 distinct request names/);
    } finally {
      await server.close();
    }
  });
  it('the same URL back to back is filed under its group, method and status as they change', async () => {
    let n = 0;
    const server = await startServer((_req, res) => {
      res.statusCode = n++ % 3 === 2 ? 503 : 200; // every third request fails
      res.end('x');
    });
    try {
      const file = scratch.write(
        'same-url.ts',
        `export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 4 } } };
export default async (vu: any) => {
  const url = vu.env.BASE + '/a';
  await vu.http.get(url);
  await vu.group('g', async () => { await vu.http.get(url); });
  await vu.http.post(url, 'p');
  vu.tag('phase', 'late');
  await vu.http.get(url);
  vu.tag('phase', undefined);
};`,
      );
      const { result } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 1 }));
      expect(result.metrics.http_reqs?.values.count).toBe(16);
      const count = (match: Record<string, string | undefined>) =>
        result.tagged
          .filter((t) => t.metric === 'http_reqs' && Object.entries(match).every(([k, v]) => t.tags[k] === v))
          .reduce((a, t) => a + (t.values.count ?? 0), 0);
      // requests 0..15 in order: GET, GET in g, POST, GET phase=late; status 503 when index % 3 === 2
      const expected = { get: [0, 0], group: [0, 0], post: [0, 0], late: [0, 0] };
      const kinds = ['get', 'group', 'post', 'late'] as const;
      for (let i = 0; i < 16; i++) {
        const slot = expected[kinds[i % 4] as (typeof kinds)[number]];
        slot[i % 3 === 2 ? 1 : 0] = (slot[i % 3 === 2 ? 1 : 0] as number) + 1;
      }
      expect(count({ method: 'GET', group: '', phase: undefined, status: '200' })).toBe(expected.get[0]);
      expect(count({ method: 'GET', group: '', phase: undefined, status: '503' })).toBe(expected.get[1]);
      expect(count({ method: 'GET', group: '::g', status: '200' })).toBe(expected.group[0]);
      expect(count({ method: 'GET', group: '::g', status: '503' })).toBe(expected.group[1]);
      expect(count({ method: 'POST', status: '200' })).toBe(expected.post[0]);
      expect(count({ method: 'POST', status: '503' })).toBe(expected.post[1]);
      expect(count({ method: 'GET', phase: 'late', status: '200' })).toBe(expected.late[0]);
      expect(count({ method: 'GET', phase: 'late', status: '503' })).toBe(expected.late[1]);
    } finally {
      await server.close();
    }
  });
  it("Response.timings has k6's phases: blocked covers a new connection's lookup and TCP connect, a reused one has none", async () => {
    const reports: string[] = [];
    const server = await startServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/report') reports.push(body);
        res.end('ok');
      });
    });
    try {
      const file = scratch.write(
        'phases.ts',
        `export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 1, iterations: 1 } } };
export default async (vu: any) => {
  const first = await vu.http.get(vu.env.BASE + '/a');
  const again = await vu.http.get(vu.env.BASE + '/a');
  await vu.http.post(vu.env.BASE + '/report', { first: first.timings, again: again.timings });
};`,
      );
      const named = server.url.replace('127.0.0.1', 'localhost'); // a name: looked up on the new connection
      const { result } = await runTest(await loadPlan(file, { env: { BASE: named }, threads: 1 }));
      expect(result.metrics.http_reqs?.values.count).toBe(3);
      expect(reports).toHaveLength(1);
      type T = Record<'blocked' | 'connecting' | 'tlsHandshaking' | 'sending' | 'waiting' | 'receiving' | 'duration' | 'latency', number>;
      const { first, again } = JSON.parse(reports[0] as string) as { first: T; again: T };
      expect(first.connecting).toBeGreaterThan(0);
      expect(first.tlsHandshaking).toBe(0); // plain http
      // k6's blocked (GetConn → GotConn) holds the lookup and the TCP connect of a new connection
      expect(first.blocked).toBeGreaterThanOrEqual(first.connecting);
      expect(Math.abs(first.sending + first.waiting + first.receiving - first.duration)).toBeLessThan(1e-6);
      // blocked and duration are disjoint parts of the request's time (latency: from its start, plus any lag)
      expect(first.blocked + first.duration).toBeLessThanOrEqual(first.latency + 1e-6);
      expect([again.blocked, again.connecting, again.tlsHandshaking]).toEqual([0, 0, 0]);
      expect(Math.abs(again.sending + again.waiting + again.receiving - again.duration)).toBeLessThan(1e-6);
      // the recorder's http_req_connecting: the TCP connect of the one new connection, 0 for the two reused
      const connecting = result.metrics.http_req_connecting?.values;
      expect(connecting?.min).toBe(0);
      expect(connecting?.max).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
