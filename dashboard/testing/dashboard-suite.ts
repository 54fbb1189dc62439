// For a describe block of dashboard browser tests: a runs folder holding the given documents,
// the dashboard server over it and Chromium, started before the tests and stopped after.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startDashboardServer, type DashboardServer } from '../server/server.ts';
import { browserForSuite, offlinePage, type PageWatch } from './browser.ts';

export interface DashboardSuite {
  server(): DashboardServer;
  /** a fresh offline page that may reach only this dashboard (http and its WebSocket) */
  page(): Promise<PageWatch>;
}

/** `documents`: path inside the runs folder (e.g. `run-a/result.json`) → JSON value. `dirs`: folders the tests write to. */
export function dashboardForSuite(documents: Record<string, unknown>, ...dirs: string[]): DashboardSuite {
  const runsDir = mkdtempSync(path.join(tmpdir(), 'stampede-dash-e2e-'));
  let server: DashboardServer | undefined;
  const browser = browserForSuite(...dirs);
  beforeAll(async () => {
    for (const [file, doc] of Object.entries(documents)) {
      mkdirSync(path.dirname(path.join(runsDir, file)), { recursive: true });
      writeFileSync(path.join(runsDir, file), JSON.stringify(doc));
    }
    server = await startDashboardServer({ runsDir });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(runsDir, { recursive: true, force: true });
  });
  const current = () => {
    if (!server) throw new Error('the dashboard starts in beforeAll: use it inside a test');
    return server;
  };
  return {
    server: current,
    page: () => {
      const origin = current().url.replace(/\/$/, '');
      return offlinePage(browser(), { allow: [origin, origin.replace('http', 'ws')] });
    },
  };
}
