// Optional parts for tests (Redis, PgBouncer, Chromium, a real PostgreSQL, wrk): a test that
// needs one asks here. On a laptop without it the test is skipped and the reason printed;
// with STAMPEDE_REQUIRE_ALL=1 (CI) a missing part is a failure instead, so CI runs everything.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const REQUIRE_ALL = process.env.STAMPEDE_REQUIRE_ALL === '1';

export function onPath(binary: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}


export interface Requirement {
  name: string;
  /** null when available; otherwise why not */
  missing: () => Promise<string | null>;
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const requirements = {
  redisServer: { name: 'redis-server', missing: async () => (onPath('redis-server') ? null : 'redis-server is not on PATH (apt-get install redis-server)') },
  pgbouncer: { name: 'pgbouncer', missing: async () => (onPath('pgbouncer') ? null : 'pgbouncer is not on PATH (apt-get install pgbouncer)') },
  chromium: { name: 'chromium', missing: async () => (existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (apt-get install chromium)`) },
  wrk: { name: 'wrk', missing: async () => (onPath('wrk') ? null : 'wrk is not on PATH (apt-get install wrk)') },
  databaseUrl: { name: 'DATABASE_URL', missing: async () => (process.env.DATABASE_URL ? null : 'DATABASE_URL is not set') },
  redisUrl: { name: 'REDIS_URL', missing: async () => (process.env.REDIS_URL ? null : 'REDIS_URL is not set') },
} satisfies Record<string, Requirement>;

/**
 * Resolves to null when every requirement is met, else the reason to skip. Under
 * STAMPEDE_REQUIRE_ALL=1 a missing requirement throws, failing the test file.
 * Use: `const skip = await needs(requirements.redisServer); describe.skipIf(skip)(...)`.
 */
export async function needs(...reqs: Requirement[]): Promise<string | null> {
  for (const r of reqs) {
    const why = await r.missing();
    if (why) {
      if (REQUIRE_ALL) throw new Error(`STAMPEDE_REQUIRE_ALL=1 but ${r.name} is missing: ${why}`);
      process.stderr.write(`[skip] ${r.name}: ${why}\n`);
      return why;
    }
  }
  return null;
}
