// stampede export k6: exported scripts type-check against @types/k6 (tsc, checkJs, "types": ["k6"]),
// parse as ES modules, keep the scenario's options (normalised again: equal), and every construct
// that cannot be translated is refused with its line.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../scenario/load.ts';
import { normaliseOptions } from '../scenario/normalise.ts';
import type { NormalisedOptions } from '../scenario/types.ts';
import { PROJECT_ROOT, scratchDir } from '../testing/fixtures.ts';
import { exportK6 } from './export.ts';

const scratch = scratchDir('k6-export');
afterAll(() => scratch.remove());
const API = path.join(PROJECT_ROOT, 'runner/scenario/api.ts');

function run(cmd: string, args: string[], cwd = PROJECT_ROOT): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: 120_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
  });
}

// a scenario with every executor, groups, sleeps, JSON bodies, state, tags, setup/teardown, helpers and constants
const FULL = `import type { VU, LifecycleContext } from '${API}';
import type { Options } from 'k6/options';

export const options: Options = {
  tags: { suite: 'flash' },
  setupTimeout: '45s',
  discardResponseBodies: true,
  insecureSkipTLSVerify: true,
  summaryTrendStats: ['avg', 'p(99)'],
  scenarios: {
    spike: { executor: 'ramping-arrival-rate', startRate: 2.5, timeUnit: '1s', preAllocatedVUs: 5, maxVUs: 50,
             stages: [{ duration: '10s', target: 40.5 }, { duration: '1m30s', target: 40.5 }, { duration: '5s', target: 0 }], exec: 'buy', tags: { kind: 'open' } },
    steady: { executor: 'constant-arrival-rate', rate: 30, timeUnit: '1m', duration: '2m', preAllocatedVUs: 3, exec: 'browse', startTime: '5s', env: { MODE: 'steady' } },
    users: { executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '20s', target: 10 }, { duration: '10s', target: 0 }], gracefulRampDown: '3s', exec: 'browse' },
    fixed: { executor: 'constant-vus', vus: 2, duration: '30s', gracefulStop: '5s' },
    each: { executor: 'per-vu-iterations', vus: 3, iterations: 4, maxDuration: '1m' },
    shared: { executor: 'shared-iterations', vus: 2, iterations: 10, maxDuration: '2m', exec: 'buy' },
  },
  thresholds: {
    http_req_duration: ['p(95)<300', { threshold: 'p(99)<800', abortOnFail: true, delayAbortEval: '10s' }],
    'http_req_duration{scenario:spike}': ['max<2000'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    dropped_iterations: ['count<10'],
  },
};

export const PRODUCTS = [1, 2, 3];
export const LIMITS = { cart: 5 };

export function pick(list: number[]): number {
  return list[Math.floor(Math.random() * list.length)] ?? 1;
}

export async function setup(ctx: LifecycleContext): Promise<{ token: string }> {
  const r = await ctx.http.post(ctx.env.BASE + '/login', { user: 'admin' });
  ctx.check(r, { 'login ok': (x) => x.status === 200 });
  return { token: String(r.body).slice(0, 16) };
}

export async function browse(vu: VU): Promise<void> {
  // a comment mentioning vu.somethingElse is not code
  const url = \`\${vu.env.BASE}/products?page=\${vu.iteration % 3}&vu=\${vu.id}\`;
  const r = await vu.http.get(url, { name: 'GET /products', headers: { accept: 'application/json' }, timeout: '5s' });
  vu.check(r, { 'listed': (res) => res.status === 200, "no 'vu.x' in here": (res) => res.error === '', 'phases': (res) => res.timings.tlsHandshaking <= res.timings.blocked });
  await vu.sleep(0.5);
}

export async function buy(vu: VU, data: { token: string }): Promise<void> {
  vu.tag('phase', 'buy');
  const count = (vu.state.count as number | undefined) ?? 0;
  vu.state.count = count + 1;
  await vu.group('checkout', async () => {
    const product = pick(PRODUCTS);
    const res = await vu.http.post(\`\${vu.env.BASE}/cart\`, { product, qty: LIMITS.cart }, { headers: { authorization: 'Bearer ' + data.token }, name: 'POST /cart' });
    vu.check(res, { 'added': (r) => r.status === 201 || r.status === 200 });
    await vu.http.put(vu.env.BASE + '/cart/1', 'raw=1', { headers: { 'Content-Type': 'text/plain' } });
    await vu.http.del(vu.env.BASE + '/cart/1');
    await vu.http.request('PATCH', vu.env.BASE + '/cart/2', { qty: 2 });
    await vu.http.post(vu.env.BASE + '/events', JSON.stringify({ at: Date.now() }));
    await vu.sleep(Math.random() / 10);
  });
  vu.tag('phase', undefined);
  if (vu.scenario === 'spike' && vu.idInTest === 1) console.log('first buyer');
}

export default async function (vu: VU): Promise<void> {
  await vu.http.head(vu.env.BASE + '/healthz');
}

export async function teardown(ctx: LifecycleContext, data: { token: string }): Promise<void> {
  await ctx.http.del(ctx.env.BASE + '/sessions/' + data.token);
}
`;

async function typeCheck(input: Record<string, string>, strictNullChecks = true): Promise<{ code: number; out: string }> {
  const dir = scratch.dir;
  // k6 has console (and @types/k6 does not declare it): the one global added to k6's types
  const files = { ...input, 'k6-console.d.ts': 'declare var console: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void; info(...args: unknown[]): void; debug(...args: unknown[]): void };\n' };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  writeFileSync(
    path.join(dir, 'tsconfig.k6.json'),
    JSON.stringify({
      compilerOptions: {
        allowJs: true,
        checkJs: true,
        noEmit: true,
        strict: true,
        // plain JavaScript has no parameter annotations; everything else is checked strictly
        noImplicitAny: false,
        strictNullChecks,
        target: 'ES2020',
        module: 'ESNext',
        moduleResolution: 'Bundler',
        lib: ['ES2020'],
        types: ['k6'],
        typeRoots: [path.join(PROJECT_ROOT, 'node_modules/@types')],
        skipLibCheck: true,
      },
      files: Object.keys(files),
    }),
  );
  // one config per call: the files of an earlier call stay in the folder but are not listed
  const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.k6.json')], dir);
  return { code: r.code, out: r.stdout + r.stderr };
}

/** The `options` object literal of an exported script, evaluated (the script itself imports k6 modules). */
function optionsOf(script: string): unknown {
  const m = /export const options = ([\s\S]*?\n});\n/.exec(script);
  if (!m?.[1]) throw new Error('no options in the script');
  return new Function(`return (${m[1]});`)() as unknown;
}

function perSecond(o: NormalisedOptions): unknown {
  // k6 rates are integers: a fractional rate is exported scaled with its timeUnit; compare rates per second
  return o.scenarios.map((s) => {
    const { timeUnitMs, ...rest } = s as typeof s & { timeUnitMs?: number };
    if (timeUnitMs === undefined) return s;
    const k = 1000 / timeUnitMs;
    const r = rest as Record<string, unknown>;
    return {
      ...r,
      ...(typeof r.rate === 'number' ? { rate: r.rate * k } : {}),
      ...(typeof r.startRate === 'number' ? { startRate: r.startRate * k } : {}),
      ...(Array.isArray(r.stages) ? { stages: (r.stages as Array<{ durationMs: number; target: number }>).map((st) => ({ ...st, target: st.target * k })) } : {}),
    };
  });
}

describe('stampede export k6', () => {
  const full = scratch.write('full.ts', FULL);

  it('keeps the options: normalising the exported options gives the scenario’s own', async () => {
    const { script, notes } = await exportK6(full);
    const original = (await loadScenario(full)).options;
    const back = normaliseOptions(optionsOf(script), 'exported');
    expect(perSecond(back)).toEqual(perSecond(original));
    expect(back.thresholds).toEqual(original.thresholds);
    expect({ ...back, scenarios: [], thresholds: [] }).toEqual({ ...original, scenarios: [], thresholds: [] });
    // 2.5/s and 40.5/s are not k6 integers: scaled ×2 with timeUnit 2s
    expect(script).toContain('startRate: 5,');
    expect(script).toContain('timeUnit: "2s"');
    expect(notes.join('\n')).toContain('scaled ×2');
  });

  it('rewrites the journeys to k6 APIs, with no VU object left', async () => {
    const { script } = await exportK6(full);
    expect(script).toContain("import http from 'k6/http';");
    expect(script).toContain("import { check, group, sleep } from 'k6';");
    expect(script).toContain("import exec from 'k6/execution';");
    expect(script).toMatch(/export function browse\(\) \{/);
    expect(script).toMatch(/export function buy\(data\) \{/);
    expect(script).toMatch(/export function setup\(\) \{/);
    expect(script).toMatch(/export function teardown\(data\) \{/);
    expect(script).toMatch(/export default function \(\) \{/);
    expect(script).toContain('`${__ENV.BASE}/products?page=${__ITER % 3}&vu=${__VU}`');
    expect(script).toContain('group("checkout", () => {'); // async dropped: k6 groups are synchronous
    expect(script).toContain('__vuState.count = count + 1');
    expect(script).toContain('exec.scenario.name === "spike" && exec.vu.idInTest === 1');
    expect(script).toContain('const PRODUCTS = [1, 2, 3];');
    expect(script).toContain('const LIMITS = { cart: 5 };');
    expect(script).toContain('function pick(list)');
    expect(script).toContain('res.timings.tls_handshaking <= res.timings.blocked'); // k6's name
    expect(script).toContain('insecureSkipTLSVerify: true');
    expect(script).toContain('__k6Send("POST"'); // body with a call: evaluated once
    // strings are never rewritten
    expect(script).toContain(`"no 'vu.x' in here"`);
    const code = script.replace(`"no 'vu.x' in here"`, '').split('\n').filter((l) => !l.trim().startsWith('//'));
    expect(code.filter((l) => /(?<!\.)\bvu\./.test(l))).toEqual([]);
    expect(code.filter((l) => /\bctx\./.test(l))).toEqual([]);
    expect(script).not.toMatch(/\bawait\b/);
    expect(script).not.toMatch(/\basync\b/);
    // it is a syntactically valid ES module
    const file = path.join(scratch.dir, 'full.k6.mjs');
    writeFileSync(file, script);
    const r = await run(process.execPath, ['--check', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('exported scripts type-check against @types/k6 (and a wrong one does not)', async () => {
    const demo = await exportK6(path.join(PROJECT_ROOT, 'scenarios/demo.ts'), { latencyAsDuration: true });
    const fullScript = (await exportK6(full)).script;
    const ok = await typeCheck({ 'full.k6.js': fullScript, 'demo.k6.js': demo.script });
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);
    const bad = await typeCheck({ 'bad.k6.js': fullScript.replace('http.get(url', 'http.gett(url').replace('maxRedirects: 0', 'maxRedirects: "none"') });
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("Property 'gett' does not exist");
    expect(bad.out).toMatch(/bad\.k6\.js\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
  }, 120_000);

  it('refuses what it cannot translate, naming the construct and its line (CLI exit 2)', async () => {
    const src = [
      `import { readFileSync } from 'node:fs';`, // 1
      `const SECRET = 'x';`, // 2
      `export const options = { vus: 1, iterations: 1 };`, // 3
      `function local(n: number) { return n; }`, // 4
      `export default async function (vu: any) {`, // 5
      `  const r = await vu.http.get(vu.env.BASE + SECRET + process.argv[0]);`, // 6
      `  vu.custom();`, // 7
      `  helper(vu);`, // 8
      `  console.log(r.timings.latency, local(1), readFileSync);`, // 9
      `  const h = r.headers['content-type'];`, // 10
      `  [1].forEach(() => local(2)); ({ go: (x: any) => x }).go(vu);`, // 11
      `}`, // 12
      `export function helper(v: any) { return v; }`, // 13
    ].join('\n');
    const file = scratch.write('bad.ts', src);
    const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'export', 'k6', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const err = r.stderr;
    expect(err).toContain(`${file}:6: journey default: process: a global the k6 script would not have`);
    expect(err).toContain(`${file}:7: journey default: vu.custom: not part of the VU API`);
    expect(err).toContain(`${file}:9: journey default: .timings.latency`);
    expect(err).toContain(`${file}:9: journey default: readFileSync: imported from "node:fs"`);
    expect(err).toContain(`${file}:10: journey default: .headers["content-type"]`);
    expect(err).toContain('"Content-Type"');
    // handed to a method (not a function of the scenario): the VU object itself
    expect(err).toContain(`${file}:11: journey default: vu (the VU object itself)`);
    // handed to helper(): its parameter v is the VU there, and v is used as a value
    expect(err).toContain(`${file}:13: helper helper: v (the VU object itself)`);
    // module variables and functions that are not exported are carried now: no refusal for them
    expect(err).not.toMatch(/SECRET:|local:/);
    expect(err).not.toMatch(/\n\s+at /);
  });

  it('refuses http_req_latency thresholds unless --latency-as-duration', async () => {
    const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'export', 'k6', 'scenarios/demo.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/scenarios\/demo\.ts:\d+: thresholds\["http_req_latency"\]: p\(99\)<250: k6 has no http_req_latency/);
    const out = path.join(scratch.dir, 'demo.k6.js');
    const ok = await run(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'export', 'k6', 'scenarios/demo.ts', '--latency-as-duration', '--out', out]);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('exported as http_req_duration');
    expect(readFileSync(out, 'utf8')).toContain('http_req_duration: ["p(99)<250"]');
  });
});

// The shop's real scenarios: helpers in scenarios/shop/journeys.ts receive the VU (browseJourney(vu),
// think(vu, ...), resetSale(ctx, n)), so the export bundles the local module and rewrites the helpers.
const SHOP = ['smoke', 'browse', 'checkout', 'flash-sale', 'soak'];

/** http_req_latency → http_req_duration, as --latency-as-duration exports them. */
function asDuration(o: NormalisedOptions): NormalisedOptions['thresholds'] {
  return o.thresholds.map((t) => (t.metric === 'http_req_latency' ? { ...t, metric: 'http_req_duration', key: t.key.replace(/^http_req_latency/, 'http_req_duration') } : t));
}

describe('stampede export k6: the shop scenarios (helpers in a local module, the VU passed to them)', () => {
  const exported = new Map<string, string>();
  beforeAll(async () => {
    for (const name of SHOP) exported.set(name, (await exportK6(path.join(PROJECT_ROOT, `scenarios/${name}.ts`), { latencyAsDuration: true })).script);
  });
  const script = (name: string): string => exported.get(name) ?? '';

  it.each(SHOP)('%s: options round-trip, every journey exported, no VU object, synchronous, a valid module', async (name) => {
    const text = script(name);
    const original = (await loadScenario(path.join(PROJECT_ROOT, `scenarios/${name}.ts`))).options;
    const back = normaliseOptions(optionsOf(text), 'exported');
    expect(perSecond(back)).toEqual(perSecond(original));
    expect(back.thresholds).toEqual(asDuration(original));
    expect({ ...back, scenarios: [], thresholds: [] }).toEqual({ ...original, scenarios: [], thresholds: [] });
    for (const exec of new Set(original.scenarios.map((x) => x.exec))) {
      expect(text).toMatch(exec === 'default' ? /^export default function \(\) \{$/m : new RegExp(`^export function ${exec}\\(\\) \\{$`, 'm'));
    }
    const loaded = await loadScenario(path.join(PROJECT_ROOT, `scenarios/${name}.ts`));
    if (loaded.setup) expect(text).toMatch(/^export function setup\(\) \{$/m);
    if (loaded.teardown) expect(text).toMatch(/^export function teardown\(\) \{\n {2}checkInvariants\(\);/m);
    expect(name === 'browse' || (loaded.setup !== undefined && loaded.teardown !== undefined)).toBe(true);
    const code = text.split('\n').filter((l) => !l.trim().startsWith('//') && !l.trim().startsWith('*'));
    expect(code.filter((l) => /(?<![.\w])(vu|ctx)\b/.test(l))).toEqual([]);
    expect(code.filter((l) => /\b(await|async|process)\b/.test(l))).toEqual([]);
    const file = path.join(scratch.dir, `${name}.k6.mjs`);
    writeFileSync(file, text);
    const r = await run(process.execPath, ['--check', file]);
    expect(r.stderr).toBe('');
  });

  it('the helpers are rewritten with their VU parameter dropped at definition and call', () => {
    const text = script('flash-sale');
    expect(text).toContain('// k6 script generated by `stampede export k6` from flash-sale.ts');
    expect(text).toContain('and shop/journeys.ts.');
    // think(vu, min, max): the VU's sleep and env; its callers pass min, max only
    expect(text).toMatch(/function think\(min, max\) \{\n {2}const scale = envNumber\("THINK", 1, __ENV\);\n {2}if \(scale > 0\) sleep\(/);
    expect(text).toContain('think(opts.thinkMin ?? 0.3, opts.thinkMax ?? 1.5);');
    expect(text).toContain('function browseJourney(opts = {}) {');
    expect(text).toMatch(/export function browse\(\) \{\n {2}browseJourney\(\);\n\}/);
    expect(text).toMatch(/export function setup\(\) \{\n {2}return resetSale\(300\);\n\}/);
    // process.env (where Stampede puts --env) is k6's __ENV
    expect(text).toContain('function envNumber(name, fallback, env = __ENV) {');
    // the non-exported module constants the journeys use are carried; those only options used are not
    expect(text).toContain('const CHECKOUT_ANSWERS = [201, 202, 402, 409];');
    expect(text).toContain('const ANSWERED = new Set(CHECKOUT_ANSWERS);');
    // Stampede's per-request expectedStatuses becomes k6's responseCallback
    expect(text).toContain('out.responseCallback = http.expectedStatuses(...out.expectedStatuses);');
    expect(text).toContain('const JSON_HEADERS = { "content-type": "application/json" };');
    expect(text).not.toMatch(/\b(PEAK|BUY_SHARE|MAX_VUS|INVARIANT_THRESHOLDS)\b/);
    // the VU's features inside helpers
    expect(text).toContain('const username = `buyer-${exec.vu.idInTest}-${__ITER}-');
    expect(text).toContain('http.post(`${url}/checkout`, __k6Body({ saleId: SALE_ID }), __k6Params({ name: "POST /checkout"');
    // teardown's wait (await new Promise((res) => setTimeout(res, 500))) is k6's sleep
    expect(text).toContain('sleep(500 / 1e3);');
    // r.json() is typed by the scenario (json<T>(), erased): any in the checked script
    expect(text).toContain('return /** @type {any} */ (r.json())[field];');
  });

  it('all five type-check against @types/k6; a wrong k6 call in a helper does not', async () => {
    // strictNullChecks off: the scenario's type annotations (`let inv: X | null = null`) are erased
    // in JavaScript, so null-flow analysis would judge the erased code, not the scenario
    const files = Object.fromEntries(SHOP.map((n) => [`${n}.k6.js`, script(n)]));
    const ok = await typeCheck(files, false);
    expect(ok.out).toBe('');
    expect(ok.code).toBe(0);
    const bad = await typeCheck({ 'bad-shop.k6.js': script('checkout').replace('check(cart, {', 'check(cart, "added", {').replace('http.get(`${url}/sale', 'http.fetch(`${url}/sale') }, false);
    expect(bad.code).not.toBe(0);
    expect(bad.out).toContain("Property 'fetch' does not exist");
    expect(bad.out).toMatch(/bad-shop\.k6\.js\(\d+,\d+\): error TS2559|error TS2345/);
  }, 120_000);
});

describe('stampede export k6: local modules and VU-taking helpers', () => {
  it('follows the VU through helper chains, renamed parameters and arrow helpers; refuses what stays untranslatable in the module it is in', async () => {
    const dir = path.join(scratch.dir, 'mods');
    mkdirSync(path.join(dir, 'lib'), { recursive: true });
    scratch.write('mods/lib/http-helpers.ts', [
      `import type { VU } from '${API}';`, // 1
      `export const PAUSE_MS = 20;`, // 2
      `export async function fetchJson(user: VU, url: string): Promise<unknown> {`, // 3
      `  const r = await user.http.get(user.env.BASE + url, { name: url });`, // 4
      `  user.check(r, { ok: (x) => x.status === 200 });`, // 5
      `  await pause(user);`, // 6
      `  return r.json<unknown>();`, // 7
      `}`, // 8
      `export const pause = async (who: VU) => { await who.sleep(PAUSE_MS / 1000); await new Promise((done) => setTimeout(done, PAUSE_MS)); };`, // 9
      `export function later(ms: number): void { setTimeout(() => {}, ms); }`, // 10
    ].join('\n'));
    const good = scratch.write('mods/good.ts', [
      `import type { VU } from '${API}';`,
      `import { fetchJson, later } from './lib/http-helpers.ts';`,
      `export const options = { scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s', exec: 'journey' } } };`,
      `async function step(n: number, vu: VU) { await fetchJson(vu, '/p/' + n); }`,
      `export async function journey(vu: VU) { for (let i = 0; i < 2; i++) await step(i, vu); later(1); }`,
    ].join('\n'));
    const { script } = await exportK6(good);
    expect(script).toContain("import { setTimeout } from 'k6/timers';");
    expect(script).toContain('function fetchJson(url) {');
    expect(script).toContain('const r = http.get(__ENV.BASE + url, __k6Params({ name: url }));');
    expect(script).toContain('pause();');
    // the VU's sleep, and the setTimeout-promise idiom, are both k6's sleep (in seconds)
    expect(script).toMatch(/const pause = \(\) => \{\n {2}sleep\(PAUSE_MS \/ 1e3\);\n {2}sleep\(PAUSE_MS \/ 1e3\);\n\};/);
    expect(script).toContain('const PAUSE_MS = 20;');
    expect(script).toContain('function step(n) {');
    expect(script).toContain('fetchJson("/p/" + n);');
    expect(script).toMatch(/export function journey\(\) \{\n {2}for \(let i = 0; i < 2; i\+\+\) step\(i\);\n {2}later\(1\);/);
    const checked = await typeCheck({ 'mods.k6.js': script });
    expect(checked.out).toBe('');

    scratch.write('mods/lib/bad-helpers.ts', [
      `import type { VU } from '${API}';`, // 1
      `import { createHash } from 'node:crypto';`, // 2
      `export function audit(vu: VU, label: string) {`, // 3
      `  vu.custom(label);`, // 4
      `  return createHash('sha1');`, // 5
      `}`, // 6
      `export function keep(v: VU) { const box = { v }; return box; }`, // 7
      `export function twice(vu: VU) { return vu.id * 2; }`, // 8
    ].join('\n'));
    const bad = scratch.write('mods/bad.ts', [
      `import type { VU } from '${API}';`, // 1
      `import { audit, keep, twice } from './lib/bad-helpers.ts';`, // 2
      `export const options = { vus: 1, iterations: 1 };`, // 3
      `console.log('loading');`, // 4
      `export default function (vu: VU) {`, // 5
      `  audit(vu, 'x');`, // 6
      `  keep(vu);`, // 7
      `  twice(vu);`, // 8
      `  twice({ id: 1 } as unknown as VU);`, // 9
      `}`, // 10
    ].join('\n'));
    const r = await run(process.execPath, [path.join(PROJECT_ROOT, 'runner/cli/bin.js'), 'export', 'k6', bad]);
    expect(r.code).toBe(2);
    const lib = path.relative(PROJECT_ROOT, path.join(dir, 'lib/bad-helpers.ts'));
    expect(r.stderr).toContain(`${lib}:4: helper audit: vu.custom: not part of the VU API`);
    expect(r.stderr).toContain(`${lib}:5: helper audit: createHash: imported from "node:crypto"`);
    expect(r.stderr).toContain(`${lib}:7: helper keep: v (the VU object itself)`);
    expect(r.stderr).toContain(`${bad}:9: journey default: twice(…{ id: 1 }…): twice() receives the VU at parameter 1 elsewhere`);
    expect(r.stderr).toContain(`${bad}:4: top-level statement console.log("loading");: code that runs when the module loads`);
    expect(r.stderr).not.toContain('helper twice:');
  });
});
