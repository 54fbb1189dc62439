// Debian's Chromium driven by playwright-core, for the report and dashboard tests: a page
// that may load only file:, data: and blob: URLs (everything else is aborted and recorded),
// with console errors, page errors and dialogs collected so a test can assert there were none.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from '../../runner/testing/requirements.ts';
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export interface PageWatch {
  page: Page;
  context: BrowserContext;
  /** URLs the page tried to load that are not file:, data: or blob: (all were aborted) */
  blockedRequests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  dialogs: string[];
}

const LOCAL = /^(file|data|blob):/;

/** A fresh context and page; `allow` additionally lets requests to these origins through (the live dashboard). */
export async function offlinePage(browser: Browser, opts: { allow?: string[]; width?: number; height?: number } = {}): Promise<PageWatch> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, serviceWorkers: 'block' });
  const w: PageWatch = { page: await context.newPage(), context, blockedRequests: [], consoleErrors: [], pageErrors: [], dialogs: [] };
  const allowed = (url: string) => LOCAL.test(url) || (opts.allow ?? []).some((o) => url.startsWith(o));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    w.blockedRequests.push(url);
    return route.abort('blockedbyclient');
  });
  w.page.on('request', (r) => {
    if (!allowed(r.url()) && !w.blockedRequests.includes(r.url())) w.blockedRequests.push(r.url());
  });
  w.page.on('console', (m) => {
    if (m.type() === 'error') w.consoleErrors.push(m.text());
  });
  w.page.on('pageerror', (e) => w.pageErrors.push(e.message));
  w.page.on('dialog', (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return w;
}

/**
 * For a describe block: makes the folders the tests write to and launches Chromium once before
 * them, closes it after. Returns the browser's getter (valid inside the tests).
 */
export function browserForSuite(...dirs: string[]): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    for (const d of dirs) mkdirSync(d, { recursive: true });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('the browser is launched in beforeAll: use it inside a test');
    return browser;
  };
}
