// What a k6 script may not do here is refused before any load, naming the file, the line and
// the construct; and what is not a k6 script stays a native scenario.
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenario/load.ts';
import { StampedeError } from '../../errors.ts';
import { scratchDir } from '../../testing/fixtures.ts';
import { transformScript } from './transform.ts';
import { runTest } from '../../run/run-test.ts';
import { loadPlan } from '../../plan/load-plan.ts';

const scratch = scratchDir('k6-refusals');
afterAll(() => scratch.remove());

async function refusal(name: string, source: string, extra: Record<string, string> = {}): Promise<string> {
  for (const [f, s] of Object.entries(extra)) scratch.write(f, s);
  const file = scratch.write(name, source);
  try {
    await loadScenario(file);
  } catch (e) {
    expect(e).toBeInstanceOf(StampedeError);
    expect((e as StampedeError).exitCode).toBe(2);
    return [(e as StampedeError).message, ...((e as StampedeError).details ?? [])].join('\n');
  }
  throw new Error(`${name} loaded; expected a refusal`);
}

const HEAD = `import http from 'k6/http';\n`;

describe('k6 scripts: refused before the run', () => {
  it.each([
    ['k6/browser', /browser tests are not supported/],
    ['k6/ws', /WebSocket tests are not supported/],
    ['k6/net/grpc', /gRPC tests are not supported/],
    ['k6/experimental/redis', /experimental modules are not supported/],
    ['k6/x/kafka', /extensions \(xk6\) are not supported/],
    ['https://jslib.k6.io/papaparse/5.1.1/index.js', /remote modules are not fetched; Stampede vendors/],
  ])('import from %s: the file, the line, what to do', async (source, why) => {
    const msg = await refusal(`mod-${source.replace(/\W+/g, '_')}.js`, `${HEAD}\nimport x from '${source}';\nexport default function () { http.get('http://127.0.0.1:1/'); }\n`);
    expect(msg).toMatch(new RegExp(`mod-[\\w]+\\.js:3: import ${source.replace(/[./]/g, '\\$&')}`));
    expect(msg).toMatch(why);
  });

  it('a callback that makes requests, passed where nothing can wait for it', async () => {
    const msg = await refusal('timer.js', `${HEAD}import { setTimeout } from 'k6/timers';\nexport default function () {\n  setTimeout(() => {\n    http.get('http://127.0.0.1:1/');\n  }, 10);\n}\n`);
    expect(msg).toMatch(/timer\.js:4: a callback makes blocking k6 calls and is passed to setTimeout\(\)/);
  });

  it('a named blocking function handed to an unknown function', async () => {
    const msg = await refusal('named.js', `${HEAD}function hit() { http.get('http://127.0.0.1:1/'); }\nexport default function () {\n  [3, 1, 2].sort(hit);\n}\n`);
    expect(msg).toMatch(/named\.js:4: hit makes blocking k6 calls and is passed to \[3, 1, 2\]\.sort\(\)/);
  });

  it('requests at the top level (the init context)', async () => {
    const msg = await refusal('init.js', `${HEAD}\nconst r = http.get('http://127.0.0.1:1/');\nexport default function () {}\n`);
    expect(msg).toContain('init.js:3: http.get("http://127.0.0.1:1/") at the top level (the init context)');
  });

  it('generators, getters and constructors that make requests', async () => {
    const msg = await refusal(
      'shapes.js',
      `${HEAD}function* pages() { yield http.get('http://127.0.0.1:1/'); }\nconst o = { get page() { return http.get('http://127.0.0.1:1/'); } };\nclass C { constructor() { this.r = http.get('http://127.0.0.1:1/'); } }\nexport default function () { pages(); return [o, new C()]; }\n`,
    );
    expect(msg).toMatch(/shapes\.js:2: generator function pages makes blocking k6 calls/);
    expect(msg).toMatch(/shapes\.js:3: a getter \(page\) makes blocking k6 calls/);
    expect(msg).toMatch(/shapes\.js:4: a class constructor \(constructor\) makes blocking k6 calls/);
  });

  it('a request in a parameter default', async () => {
    const msg = await refusal('param.js', `${HEAD}function f(r = http.get('http://127.0.0.1:1/')) {\n  return r;\n}\nexport default function () { f(); }\n`);
    expect(msg).toContain(`param.js:2: http.get("http://127.0.0.1:1/") in a parameter's default value`);
  });

  it('a blocking function returned as a value', async () => {
    const msg = await refusal('factory.js', `${HEAD}function make(u) {\n  return () => http.get(u);\n}\nexport default function () { make('http://127.0.0.1:1/')(); }\n`);
    expect(msg).toMatch(/factory\.js:3: .* makes blocking k6 calls and is returned as a value/);
  });

  it('a refusal in a local module names that module and its line', async () => {
    const msg = await refusal('uses-helper.js', `import { later } from './helper-mod.js';\nexport default function () { later(); }\n`, {
      'helper-mod.js': `import http from 'k6/http';\n\nexport function later() {\n  Promise.resolve().then(() => http.get('http://127.0.0.1:1/'));\n}\n`,
    });
    expect(msg).toMatch(/helper-mod\.js:4: a callback makes blocking k6 calls and is passed to Promise\.resolve\(\)\.then\(\)/);
  });
});

describe('k6 scripts: recognition', () => {
  it('a native scenario importing k6 types only stays native', async () => {
    const file = scratch.write('native.ts', `import type { Options } from 'k6/options';\nimport { type Options as O2 } from 'k6/options';\nexport const options: Options & O2 = { vus: 1, iterations: 1 };\nexport default async (vu: { http: { get(u: string): Promise<unknown> } }) => { await vu.http.get('http://127.0.0.1:1/'); };\n`);
    const loaded = await loadScenario(file);
    // a native journey takes the VU; a k6 journey wrapper ignores what a k6 script cannot see
    expect(Object.keys(loaded.journeys)).toEqual(['default']);
    expect(loaded.options.maxRedirects).toBe(0);
    expect(loaded.journeys.default?.toString()).toContain('vu.http.get');
  });

  it('--k6: a script that imports no k6 module still gets k6 globals', async () => {
    const file = scratch.write('globals-only.js', `export const options = { iterations: 3 };\nlet seen = 0;\nexport default function () { seen += __ITER >= 0 && __VU > 0 ? 1 : 0; if (seen === 0) throw new Error('no k6 globals'); }\n`);
    const errors: string[] = [];
    const forced = await runTest(await loadPlan(file, { env: {}, threads: 1, k6: true }), { log: (l) => errors.push(l) });
    expect(forced.result.metrics.iterations?.values.count).toBe(3);
    expect(errors).toEqual([]);
    // as a native scenario the same file has no __ITER: every iteration throws
    const native = await runTest(await loadPlan(file, { env: {}, threads: 1 }), { log: (l) => errors.push(l) });
    expect(native.result.metrics.iterations?.values.count).toBe(3);
    expect(errors.some((e) => /__ITER is not defined/.test(e))).toBe(true);
  });

  it('a compiled script is reused until it or a local module changes', async () => {
    scratch.write('cache-lib.js', 'export const ITERS = 3;\n');
    const file = scratch.write('cache-main.js', `import http from 'k6/http';\nimport { ITERS } from './cache-lib.js';\nexport const options = { iterations: ITERS };\nexport default function () { http.get('http://127.0.0.1:1/'); }\n`);
    const iterations = async () => {
      const s = (await loadScenario(file)).options.scenarios[0];
      return s?.executor === 'shared-iterations' ? s.iterations : -1;
    };
    expect(await iterations()).toBe(3);
    expect(await iterations()).toBe(3);
    scratch.write('cache-lib.js', 'export const ITERS = 12;\n');
    expect(await iterations()).toBe(12);
  });

  it('a script that imports k6 at run time is transformed (async where it blocks, awaited calls)', () => {
    const code = `import http from "k6/http";\nimport { group, check } from "k6";\nfunction helper(u) { return http.get(u).json(); }\nfunction pure(x) { return x + 1; }\nfunction s_default() { group("g", () => { check(helper("u"), { ok: (b) => pure(1) === 2 }); }); [1].forEach((i) => helper(i)); }\nexport { s_default as default };\n`;
    const out = transformScript({ code, runtime: '/rt.ts', shimFor: (s) => `/shims/${s}.ts`, dirAt: () => '/' });
    expect(out.refusals).toEqual([]);
    expect(out.exports).toEqual(['default']);
    expect(out.code).toContain('async function helper(u) { return (await http.get(u)).json(); }');
    expect(out.code).toContain('function pure(x)');
    expect(out.code).not.toContain('async function pure');
    // the group callback reaches helper(): async, and group() awaits it; the check callback does not
    expect(out.code).toContain('async function s_default() { (await group("g", async () => { check((await helper("u")), { ok: (b) => pure(1) === 2 }); }));');
    expect(out.code).toContain('(await __k6rt.each("forEach", [1], async (i) => (await helper(i))))');
  });

  it('k6/html is not refused; the HTML parser (cheerio) is bundled only into scripts that import it or call html()/submitForm()/clickLink()', () => {
    const shimFor = (s: string) => `/shims/${s}.ts`;
    const compiled = (body: string) => transformScript({ code: `import http from "k6/http";\n${body}`, runtime: '/rt.ts', shimFor, dirAt: () => '/' });
    const htmlImport = 'import "/shims/k6/html.ts";';
    const plain = compiled(`function s_default() { http.get("u").json(); }\nexport { s_default as default };\n`);
    expect(plain.code).not.toContain('k6/html');
    const parsed = compiled(`function s_default() { return http.get("u").html("a").text(); }\nexport { s_default as default };\n`);
    expect(parsed.code).toContain(htmlImport);
    // submitForm and clickLink make a request: awaited like http.get
    const form = compiled(`function s_default() { const r = http.get("u"); r.submitForm({ fields: { a: 1 } }).status; r.clickLink(); }\nexport { s_default as default };\n`);
    expect(form.refusals).toEqual([]);
    expect(form.code).toContain(htmlImport);
    expect(form.code).toContain('(await r.submitForm({ fields: { a: 1 } })).status');
    expect(form.code).toContain('(await r.clickLink())');
    // an import of k6/html is the shim itself (no second, bare import)
    const imported = transformScript({ code: `import { parseHTML } from "k6/html";\nfunction s_default() { parseHTML("<p>").html(); }\nexport { s_default as default };\n`, runtime: '/rt.ts', shimFor, dirAt: () => '/' });
    expect(imported.code.split('/shims/k6/html.ts')).toHaveLength(2);
    // a Selection's each() whose callback makes requests runs sequentially (runtime each)
    const each = compiled(`import { parseHTML } from "k6/html";\nfunction s_default() { parseHTML("").find("a").each((i, el) => { http.get(el.getAttribute("href")); }); }\nexport { s_default as default };\n`);
    expect(each.refusals).toEqual([]);
    expect(each.code).toContain('(await __k6rt.each("each", parseHTML("").find("a"), async (i, el) => {');
  });
});
