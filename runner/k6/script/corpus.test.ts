// The k6 corpus (corpus/, written from the k6 documentation's examples) run unchanged against a
// local server: iteration and request counts, check results and threshold verdicts as k6 defines
// them, and what the server received.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { runTest } from '../../run/run-test.ts';
import type { RunResult } from '../../result/schema.ts';
import { formatSummary } from '../../run/summary.ts';
import { startCorpusServer, type Seen } from './test-server.ts';
import { loadPlan } from '../../plan/load-plan.ts';

const CORPUS = path.join(import.meta.dirname, 'corpus');

interface Expectation {
  /** iterations and http_reqs; a function for runs whose length is by time */
  iterations: number | ((n: number) => boolean);
  requests: number | ((n: number, iterations: number) => boolean);
  /** check path → [passes, fails] */
  checks?: Record<string, [number, number]>;
  /** 'metric{filter}: expression' → ok */
  thresholds?: Record<string, boolean>;
  /** what the server saw (this script's requests only) */
  server?(seen: Seen[]): void;
  /** journey errors logged */
  errors?: number;
  /** anything else about the result */
  result?(result: RunResult): void;
  /** the run's stopReason (null: it ran to its end) */
  stopReason?: string | null;
}

const pathsOf = (seen: Seen[]) => seen.map((s) => s.path);

const EXPECT: Record<string, Expectation> = {
  '01-get-check.js': { iterations: 6, requests: 6, checks: { '::status is 200': [6, 0], '::body is ok': [6, 0] } },
  '02-post-json.js': { iterations: 3, requests: 3, checks: { '::is 200': [3, 0], '::body echoed': [3, 0], '::content type sent': [3, 0] } },
  '03-form-login.js': {
    iterations: 4,
    requests: 8,
    checks: { '::logged in': [4, 0], '::session cookie': [4, 0], '::jar sent the cookie': [4, 0] },
    server: (seen) => expect(seen.filter((s) => s.path === '/login').every((s) => s.headers['content-type'] === 'application/x-www-form-urlencoded' && /^user=u\d&password=secret$/.test(s.body))).toBe(true),
  },
  '04-batch-array.js': { iterations: 2, requests: 6, checks: { '::first croc': [2, 0], '::third croc': [2, 0] } },
  '05-batch-object.js': { iterations: 2, requests: 4, checks: { '::front page status was 200': [2, 0], '::features json': [2, 0] } },
  '06-groups.js': {
    iterations: 3,
    requests: 9,
    checks: { '::visit product listing page::listing ok': [3, 0], '::visit product listing page::open one::croc ok': [3, 0], '::checkout::missing is 404': [3, 0] },
    // group_duration per group path, as k6 (the checkout group took some time: max<0 fails)
    thresholds: { 'group_duration{group:::visit product listing page::open one}: max<60000': true, 'group_duration{group:::checkout}: max<0': false },
  },
  '07-group-returns.js': { iterations: 2, requests: 4, checks: { '::group value flowed': [2, 0] } },
  '08-custom-metrics.js': {
    iterations: 4,
    requests: 4,
    // __ITER % 4 === 0 once in 4 iterations: rate 0.25
    thresholds: { 'waiting_time: max<60000': true, 'crocodiles_seen: count==12': true, 'big_croc: rate>0.5': false, 'crocodiles_seen{kind:list}: count>100': false },
  },
  '09-threshold-tags.js': { iterations: 4, requests: 8, thresholds: { 'http_req_duration{type:static}: p(95)<60000': true, 'http_reqs{type:api}: count>=4': true, 'http_req_failed: rate<0.1': false } },
  '10-check-tags.js': { iterations: 4, requests: 4, checks: { '::status is 200': [4, 0], '::status is 201': [0, 4] }, thresholds: { 'checks{myTag:hola}: rate>0.9': true, 'checks{myTag:adios}: rate>0.9': false } },
  // users[__ITER % 3]: carol's password is wrong, 2 of 6
  '11-shared-array.js': { iterations: 6, requests: 6, checks: { '::login accepted': [4, 2], '::array is read-only': [6, 0] } },
  '12-open-csv.js': { iterations: 2, requests: 2, checks: { '::croc from csv': [2, 0] } },
  '13-local-module.js': {
    iterations: 3,
    requests: 6,
    checks: { '::croc found': [3, 0], '::helpers returned values': [3, 0] },
  },
  '14-typescript.ts': { iterations: 3, requests: 3, checks: { '::typed croc': [3, 0] }, server: (seen) => expect(pathsOf(seen)).toEqual(['/crocodiles/1', '/crocodiles/2', '/crocodiles/3']) },
  '15-vu-iter.js': {
    iterations: 6,
    requests: 6,
    // 3 VUs × iterations 0 and 1, each pair once
    server: (seen) => expect(seen.map((s) => `${s.query.vu}/${s.query.iter}`).sort()).toEqual(['1/0', '1/1', '2/0', '2/1', '3/0', '3/1']),
  },
  '16-setup-teardown.js': { iterations: 3, requests: 3, checks: { '::authorised with setup token': [3, 0], '::teardown got the data': [1, 0] }, server: (seen) => expect(pathsOf(seen).filter((p) => p === '/login')).toHaveLength(1) },
  '17-scenarios-exec.js': { iterations: 6, requests: 6, checks: { '::scenario env': [2, 0] }, thresholds: { 'http_reqs{flow:browse}: count==4': true, 'http_reqs{scenario:buy}: count==2': true } },
  '18-constant-arrival-rate.js': { iterations: 20, requests: 20, thresholds: { 'iterations: count==20': true, 'dropped_iterations: count==0': true } },
  '19-stages.js': { iterations: (n) => n > 0, requests: (n, it) => n === 2 * it },
  '20-cookies-server.js': { iterations: 2, requests: 4, checks: { '::cookies sent back': [2, 0] } },
  '21-cookie-jar.js': { iterations: 1, requests: 2, checks: { '::jar has it': [1, 0], '::jar cookie sent': [1, 0], '::request cookie sent': [1, 0], '::cleared': [1, 0] } },
  // 3 redirects followed (4 requests, each hop one, as k6 counts them), then one not followed
  '22-redirects.js': { iterations: 1, requests: 5, checks: { '::followed to the end': [1, 0], '::not followed': [1, 0], '::location given': [1, 0] }, server: (seen) => expect(pathsOf(seen)).toEqual(['/redirect/3', '/redirect/2', '/redirect/1', '/ok', '/redirect/3']) },
  '23-error-codes.js': { iterations: 2, requests: 4, checks: { '::error_code 1404': [2, 0], '::status 404': [2, 0], '::refused 1212': [2, 0] } },
  '24-json-selector.js': { iterations: 1, requests: 1, checks: { '::length with #': [1, 0], '::index': [1, 0], '::every id': [1, 0], '::escaped dot': [1, 0], '::missing is undefined': [1, 0], '::whole body': [1, 0] } },
  '25-headers.js': { iterations: 1, requests: 1, checks: { '::canonical Content-Type': [1, 0], '::custom header sent': [1, 0], '::status_text': [1, 0] } },
  '26-encoding-basic-auth.js': { iterations: 1, requests: 1, checks: { '::header sent': [1, 0], '::decodes back': [1, 0], '::rawurl has no padding': [1, 0] } },
  '27-crypto.js': { iterations: 1, requests: 1, checks: { '::md5': [1, 0], '::sha256': [1, 0], '::hmac': [1, 0], '::createHash': [1, 0] } },
  '28-k6-utils.js': { iterations: 5, requests: 5, checks: { '::id in range': [5, 0], '::item from list': [5, 0], '::uuid shape': [5, 0], '::random string': [5, 0] } },
  '29-execution.js': {
    iterations: 6,
    requests: 6,
    checks: { '::scenario name': [6, 0], '::executor': [6, 0], '::named import': [6, 0], '::vu id': [6, 0], '::same number within the iteration': [6, 0] },
    // exec.scenario.iterationInTest: 0..5, each once, over both VUs
    server: (seen) => expect(seen.map((s) => Number(s.query.n)).sort()).toEqual([0, 1, 2, 3, 4, 5]),
  },
  '30-foreach.js': { iterations: 1, requests: 3, server: (seen) => expect(pathsOf(seen)).toEqual(['/crocodiles/1', '/crocodiles/2', '/crocodiles/3']) },
  '31-map-filter.js': { iterations: 1, requests: 7, checks: { '::names in order': [1, 0], '::all found': [1, 0] } },
  '32-check-request.js': { iterations: 2, requests: 4, checks: { '::first croc readable': [2, 0], '::list ok': [2, 0] } },
  '33-helpers.js': { iterations: 2, requests: 4, checks: { '::both crocs': [2, 0] } },
  '34-class.js': { iterations: 2, requests: 4, checks: { '::class methods': [2, 0] } },
  // fail() ends iterations 1 and 3 before their second request; they still count as iterations
  '35-fail.js': { iterations: 4, requests: 6, checks: { '::status 200': [2, 2] }, errors: 2 },
  '36-file-upload.js': { iterations: 1, requests: 1, checks: { '::multipart': [1, 0], '::file in body': [1, 0], '::field in body': [1, 0] } },
  '37-timeout.js': { iterations: 1, requests: 1, checks: { '::timed out': [1, 0] } },
  '38-response-type.js': {
    iterations: 1,
    requests: 4,
    checks: { '::no body': [1, 0], '::binary body': [1, 0], '::every byte value intact': [1, 0], '::upload answered': [1, 0] },
    // the server reads bodies as latin1: one character per byte
    server: (seen) => expect([...Buffer.from(seen[3]?.body ?? '', 'latin1')]).toEqual(Array.from({ length: 256 }, (_, i) => 255 - i)),
  },
  '39-failed-rate.js': { iterations: 4, requests: 8, thresholds: { 'http_req_failed: rate<0.1': false, 'http_req_failed{expected:half}: rate<0.6': true, 'http_reqs: count==8': true } },
  // the script's callback expects 404; a request's own responseCallback (200 only) wins; a 503 fails either way
  '52-expected-statuses.js': { iterations: 3, requests: 9, checks: { '::a 404 is expected': [3, 0] }, thresholds: { 'http_req_failed{kind:expected404}: rate==0': true, 'http_req_failed{kind:strict}: rate==1': true, 'http_req_failed{kind:server}: rate==1': true } },
  '40-methods.js': {
    iterations: 1,
    requests: 8,
    checks: { '::methods': [1, 0], '::head': [1, 0] },
    server: (seen) => expect(seen.map((s) => s.method)).toEqual(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'POST', 'HEAD']),
  },
  '41-options-tags.js': { iterations: 3, requests: 3, thresholds: { 'http_reqs{team:crocs}: count==3': true, 'iterations{team:crocs}: count==3': true } },
  '42-random-seed.js': { iterations: 1, requests: 1, checks: { '::reproducible': [1, 0] } },
  '43-module-state.js': { iterations: 6, requests: 8, checks: { '::my own token': [6, 0], '::one login per VU': [6, 0] }, server: (seen) => expect(pathsOf(seen).filter((p) => p === '/login')).toHaveLength(2) },
  // there are 3 crocodiles: the strict check fails every time, and its threshold with it
  '45-handle-summary.js': {
    iterations: 8,
    requests: 8,
    checks: { '::catalogue::listed': [8, 0], '::catalogue::four crocs': [0, 8] },
    thresholds: { 'http_req_duration: p(95)<60000': true, 'checks{kind:strict}: rate>0.99': false },
  },
  // run here without ITERS (the CLI test gives it): the defaults
  '46-env-options.js': { iterations: 2, requests: 2, server: (seen) => expect(seen.map((s) => s.query.from)).toEqual(['default', 'default']) },
  // 1 asyncRequest, 2 template, 2 batch, 2 forEach, 2 map, 1 switch, 3 labelled loop, 1 group
  '47-syntax-forms.js': {
    iterations: 1,
    requests: 14,
    checks: { '::asyncRequest awaited by the script': [1, 0], '::template': [1, 0], '::batch in for-of': [1, 0], '::keys forEach': [1, 0], '::spread map': [1, 0], '::switch': [1, 0], '::group map': [1, 0] },
  },
  // the last of 10, 40, 20, 30 is 30 (not the largest); no sample with kind:other (an empty gauge compares as 0, k6)
  '48-gauge.js': { iterations: 4, requests: 4, thresholds: { 'queue_depth: value==30': true, 'queue_depth: value>35': false, 'queue_depth{kind:other}: value>0': false } },
  '49-namespaces.ts': { iterations: 2, requests: 4, checks: { '::namespaced calls': [2, 0], "::open() relative to the module": [2, 0] } },
  // 1 + 3×(4 batch + 1) requests and the refused one at the end of iteration 2, which throws
  // (options.throw): its check ran first; at most 2 batch requests were ever in flight at once
  '50-k6-options.js': {
    iterations: 3,
    requests: 17,
    checks: { '::cookie survived the iteration': [3, 0], '::bodies discarded': [3, 0] },
    errors: 1,
    server: (seen) => {
      const delays = seen.filter((s) => s.path.startsWith('/delay/'));
      expect(delays).toHaveLength(12);
      // in parallel, but never more than batchPerHost (2) at once
      expect(Math.max(...delays.map((s) => s.inFlight))).toBe(2);
    },
  },
  '51-cookies-reset.js': { iterations: 2, requests: 4, checks: { '::jar empty at the start of every iteration': [2, 0] } },
  // the fourth iteration aborts after its first request: 3 × 2 + 1 requests, then the run stops
  // (30 s planned); the aborting iteration ends like a failed one, counted
  '53-test-abort.js': { iterations: 4, requests: 7, stopReason: 'test aborted by the script: exec.test.abort("enough crocodiles")' },
  // cart_size holds 2, 3, 4 (isTime false: plain numbers); server_time is a duration (isTime true)
  '54-trend-is-time.js': {
    iterations: 3,
    requests: 3,
    result: (r) => {
      expect(r.metrics.cart_size).toMatchObject({ type: 'trend', contains: 'default', values: { min: 2, max: 4 } });
      expect(r.metrics.server_time).toMatchObject({ type: 'trend', contains: 'time' });
      expect(r.tagged.filter((t) => t.metric === 'cart_size').map((t) => t.contains)).toEqual(['default']);
      const summary = formatSummary(r, { result: 'result.json' });
      // numbers (HDR: 3 significant digits), no unit
      expect(summary).toMatch(/cart_size \.+: avg=3(\.\d+)? min=2 med=3(\.\d+)? max=4 p\(90\)=4(\.\d+)? /);
      expect(summary).not.toMatch(/cart_size .*(ms|µs)/);
      expect(summary).toMatch(/server_time \.+: avg=[\d.]+(µs|ms|s) /);
    },
  },
  // one sending and one receiving sample per request, under the request's tags (no kind:none sample: max>0 fails)
  '55-request-phases.js': {
    iterations: 4,
    requests: 4,
    thresholds: { 'http_req_sending: max<60000': true, 'http_req_receiving{kind:list}: max<60000': true, 'http_req_receiving{kind:none}: max>0': false },
    result: (r) => {
      expect(r.metrics.http_req_sending).toMatchObject({ type: 'trend', contains: 'time', values: { count: 4 } });
      expect(r.metrics.http_req_receiving).toMatchObject({ type: 'trend', contains: 'time', values: { count: 4 } });
    },
  },
  // k6's TLS phases over https: a handshake on the new connection only; plain http none
  '60-tls-phases.js': {
    iterations: 3,
    requests: 6,
    checks: {
      '::new connection: TLS handshake and TCP connect timed': [1, 0],
      '::blocked holds the connect and the handshake': [1, 0],
      '::reused connection: no connect, no handshake': [2, 0],
      '::plain http: no handshake': [3, 0],
    },
    // the plain requests' handshakes are all 0: that threshold is evaluated, and fails
    thresholds: { 'http_req_tls_handshaking: max>0': true, 'http_req_tls_handshaking{kind:plain}: max>0': false, 'http_req_blocked{kind:tls}: max>0': true, 'http_req_connecting{kind:tls}: max>0': true },
    result: (r) => {
      // one https handshake in three https requests, three plain ones with none
      const tls = r.tagged.filter((t) => t.metric === 'http_req_tls_handshaking');
      expect(tls.reduce((a, t) => a + (t.values.count ?? 0), 0)).toBe(6);
      expect(r.metrics.http_req_tls_handshaking?.values.med).toBe(0);
    },
  },
  // one sequence per scenario (0..19 and 0..1); both seeded VUs share this thread's Math.random,
  // seeded again by each VU's init: the same first number (cli.test.ts runs it with 2 threads)
  '56-iteration-in-test.js': {
    iterations: 22,
    requests: 22,
    checks: { '::same number within the iteration': [20, 0] },
    server: (seen) => {
      const n = (scenario: string) => seen.filter((s) => s.query.scenario === scenario).map((s) => Number(s.query.n)).sort((a, b) => a - b);
      expect(n('shared')).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(n('seeded')).toEqual([0, 1]);
      const r = seen.filter((s) => s.query.scenario === 'seeded').map((s) => Number(s.query.r));
      expect(r[0]).toBe(r[1]);
      expect(r[0]).toBe(mulberry32(7));
    },
  },
  // a page, the login with its token, the same token again (refused): 3 requests per iteration
  '57-html-csrf.js': {
    iterations: 4,
    requests: 12,
    checks: { '::token found': [4, 0], '::title': [4, 0], '::missing attribute is undefined': [4, 0], '::html() of nothing is empty': [4, 0], '::form fields': [4, 0], '::logged in': [4, 0], '::reused token refused': [4, 0] },
    server: (seen) => {
      const logins = seen.filter((s) => s.path === '/html/login');
      expect(logins.map((s) => /^csrf=tok-\d+&user=u[12](&password=secret)?$/.test(s.body))).toEqual(Array(8).fill(true));
    },
  },
  // the page, a request per link from inside each(), clickLink
  '58-html-links.js': {
    iterations: 2,
    requests: 10,
    checks: { '::each gets Elements': [2, 0], '::map gets Selections': [2, 0], '::requests from each': [2, 0], '::data() converts': [2, 0], '::get() and Element fields': [2, 0], '::tree navigation': [2, 0], '::clickLink followed the relative href': [2, 0] },
    server: (seen) => expect(pathsOf(seen).slice(0, 5)).toEqual(['/html/links', '/crocodiles/1', '/crocodiles/2', '/crocodiles/3', '/crocodiles/3']),
  },
  // the per-tag Element methods against a page fetched with Response.html(), and parsed without its URL
  '61-html-elements.js': {
    iterations: 2,
    requests: 2,
    checks: {
      '::a: href resolved and its parts': [2, 0],
      '::a: an absolute href with user and port': [2, 0],
      '::form: action, method, enctype, elements': [2, 0],
      '::input: value, type, form, labels': [2, 0],
      '::select and option': [2, 0],
      '::button and textarea': [2, 0],
      '::img, table, li, progress': [2, 0],
      '::parseHTML without a URL: attributes as written': [2, 0],
    },
  },
  // the form page, submitForm (POST to the action), the search page, its GET submitForm
  '59-html-submit-form.js': {
    iterations: 3,
    requests: 12,
    checks: { '::val() by element kind': [3, 0], '::serializeArray': [3, 0], '::serialize': [3, 0], '::submitted to the action': [3, 0], '::GET form in the query': [3, 0] },
    server: (seen) => {
      const posted = seen.filter((s) => s.path === '/html/login');
      expect(posted).toHaveLength(3);
      for (const [i, s] of posted.entries()) {
        // fields sorted by name (Go's url.Values, as k6); the unchecked-as-k6-reads-it `news` box, the
        // disabled field and the plain button are not sent; the submit button is
        expect(s.body).toMatch(new RegExp(`^csrf=tok-\\d+&go=Sign%20in&lang=fr&note=a%20%26amp%3B%20b&password=secret&plan=on&remember=yes&tags=a%2Cb&user=u${i}$`));
        expect(s.query).toEqual({ from: 'form' });
      }
      // the GET form's fields replace the action's query
      expect(seen.filter((s) => s.path === '/echo').map((s) => s.query)).toEqual(Array(3).fill({ page: '2', q: 'croc', s: 'Go' }));
    },
  },
  '44-sleep-group-loop.js': { iterations: 1, requests: 4, checks: { '::loops ran': [1, 0] } },
};

/** The first number of k6.ts randomSeed's generator (mulberry32) for a 32-bit state. */
function mulberry32(seed: number): number {
  let t = (seed + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let server: Awaited<ReturnType<typeof startCorpusServer>>;
beforeAll(async () => {
  server = await startCorpusServer();
});
afterAll(() => server.close());

function checksOf(result: RunResult): Record<string, [number, number]> {
  return Object.fromEntries(result.checks.map((c) => [c.path, [c.passes, c.fails] as [number, number]]));
}

function thresholdsOf(result: RunResult): Record<string, boolean> {
  return Object.fromEntries(result.thresholds.map((t) => [`${t.key}: ${t.source}`, t.ok]));
}

describe('the k6 corpus', () => {
  it('has an expectation for every script, and at least 40 scripts', () => {
    const scripts = readdirSync(CORPUS).filter((f) => /\.(js|ts)$/.test(f));
    expect(scripts.sort()).toEqual(Object.keys(EXPECT).sort());
    expect(scripts.length).toBeGreaterThanOrEqual(40);
  });

  for (const [file, want] of Object.entries(EXPECT)) {
    it(file, async () => {
      const before = server.seen.length;
      const errors: string[] = [];
      const { result, scriptAborted } = await runTest(await loadPlan(path.join(CORPUS, file), { env: { BASE: server.url, TLS_BASE: server.tlsUrl }, threads: 1 }), { log: (l) => errors.push(l) });
      const iterations = result.metrics.iterations?.values.count ?? 0;
      const requests = result.metrics.http_reqs?.values.count ?? 0;
      if (typeof want.iterations === 'number') expect(iterations).toBe(want.iterations);
      else expect(want.iterations(iterations)).toBe(true);
      if (typeof want.requests === 'number') expect(requests).toBe(want.requests);
      else expect(want.requests(requests, iterations)).toBe(true);
      expect(checksOf(result)).toEqual(want.checks ?? {});
      expect(thresholdsOf(result)).toEqual(want.thresholds ?? {});
      expect(errors.filter((e) => e.startsWith('journey error'))).toHaveLength(want.errors ?? 0);
      // custom metrics the script declares are metrics it records (no "unknown metric" warning)
      expect(result.warnings.filter((w) => w.includes('is not a metric Stampede records'))).toEqual([]);
      expect(result.stopReason?.replace(/ \(.*\)$/, '') ?? null).toBe(want.stopReason ?? null);
      expect(scriptAborted?.replace(/ \(.*\)$/, '')).toBe(want.stopReason ?? undefined);
      want.result?.(result);
      want.server?.(server.seen.slice(before));
    });
  }

  it('exec.test.abort() stops every thread of a --threads 2 run', async () => {
    const file = path.join(CORPUS, '53-test-abort.js');
    const started = Date.now();
    const { result, scriptAborted } = await runTest(await loadPlan(file, { env: { BASE: server.url }, threads: 2 }), { log: () => undefined });
    // each thread's VU reaches its own fourth iteration; whichever aborts first stops both
    expect(scriptAborted).toMatch(/^test aborted by the script: exec\.test\.abort\("enough crocodiles"\)/);
    expect(result.partial).toBe(true);
    expect(result.stopReason).toBe(scriptAborted);
    const iterations = result.metrics.iterations?.values.count ?? 0;
    expect(iterations).toBeGreaterThanOrEqual(4);
    expect(iterations).toBeLessThan(100);
    // safety cap, far under the planned 30 s
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
