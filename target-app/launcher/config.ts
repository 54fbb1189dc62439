// The target app's knobs: one zod schema, filled from CLI flags over environment variables
// over defaults. Every knob the design's table names is here, so a configuration is one
// plain object that the launcher, the workers and the runner's orchestrator all share.
import { z } from 'zod';
import { StampedeError } from '../../runner/errors.ts';
import { formatPath } from '../../runner/result/validate.ts';

/** A flag or environment string → number; '' is not 0 (Number('') would be) but a missing number. */
const toNumber = (v: unknown): unknown => (typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : v);
const int = (min: number, max: number) => {
  const error = `expected a whole number from ${min} to ${max}`;
  return z.preprocess(toNumber, z.number({ error }).int({ error }).min(min, { error }).max(max, { error }));
};
const fraction = z.preprocess(toNumber, z.number({ error: 'expected a number from 0 to 1' }).min(0, { error: 'expected a number from 0 to 1' }).max(1, { error: 'expected a number from 0 to 1' }));
const bool = z.union([z.boolean(), z.enum(['1', 'true', 'yes', 'on', '0', 'false', 'no', 'off']).transform((v) => ['1', 'true', 'yes', 'on'].includes(v))]);

export const targetConfigSchema = z
  .object({
    /** which implementation of the shop: node (target-app/) or python (target-app/python/) */
    shop: z.enum(['node', 'python']).default('node'),
    variant: z.enum(['sync', 'async']).default('async'),
    workers: int(1, 64).default(1),
    pool: int(1, 500).default(10),
    /** python: SQLAlchemy max_overflow (connections beyond `pool` under load) */
    poolOverflow: int(0, 500).default(0),
    /** python sync: Gunicorn threads per worker (>1 = the gthread worker class) */
    threads: int(1, 256).default(1),
    pgbouncer: bool.default(false),
    cache: z.enum(['none', 'memory', 'redis']).default('none'),
    cacheTtlMs: int(1, 3_600_000).default(5_000),
    queue: z.enum(['inline', 'bullmq', 'celery']).default('inline'),
    /** BullMQ payment worker concurrency (jobs in flight in the queue worker process) */
    queueConcurrency: int(1, 1000).default(50),
    /** bullmq: the recovery sweep re-enqueues orders pending longer than this that have no job */
    recoverAfterMs: int(100, 86_400_000).default(60_000),
    paymentLatencyMs: int(0, 60_000).default(50),
    paymentFailureRate: fraction.default(0),
    replica: bool.default(false),
    shards: int(1, 16).default(1),
    sessions: z.enum(['memory', 'redis']).default('memory'),
    stock: int(0, 10_000_000).default(100),
    products: int(1, 10_000_000).default(10_000),
    /** 0 = any free port */
    port: int(0, 65535).default(0),
    host: z.string().min(1, 'expected a listen address such as 127.0.0.1').default('127.0.0.1'),
    adminToken: z.string().min(8, 'must be at least 8 characters').optional(),
    databaseUrl: z.string().url().refine((u) => /^postgres(ql)?:\/\//.test(u), 'expected a postgres:// or postgresql:// URL').optional(),
    redisUrl: z.string().url().refine((u) => /^rediss?:\/\//.test(u), 'expected a redis:// or rediss:// URL').optional(),
    /** largest accepted request body */
    bodyLimitBytes: int(256, 10_000_000).default(16_384),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const [key, why] of unsupportedByShop(c)) ctx.addIssue({ code: 'custom', path: [key], message: why });
  });

/**
 * Knobs one shop implementation does not have: refused by name, never silently ignored.
 * Only values that differ from the default are refused (a default means "not asked for").
 */
export function unsupportedByShop(c: { shop: string; variant: string; queue: string; replica: boolean; shards: number; threads: number; poolOverflow: number }): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (c.shop === 'python') {
    if (c.shards > 1) out.push(['shards', 'the python shop does not support shards yet (shop=python); use shop=node']);
    if (c.queue === 'bullmq') out.push(['queue', 'the python shop queues with celery, not bullmq (shop=python: queue=inline|celery)']);
    if (c.threads > 1 && c.variant !== 'sync') out.push(['threads', 'threads are for the sync variant (Gunicorn gthread); the async variant runs one event loop per worker']);
  } else {
    if (c.queue === 'celery') out.push(['queue', 'celery is the python shop\'s queue (shop=python); the node shop queues with bullmq']);
    if (c.threads > 1) out.push(['threads', 'the node shop has no threads knob (threads is for shop=python,variant=sync)']);
    if (c.poolOverflow > 0) out.push(['poolOverflow', 'the node shop\'s pg pool has no overflow (poolOverflow is for shop=python)']);
  }
  return out;
}

export type TargetConfigInput = z.input<typeof targetConfigSchema>;
export type TargetConfig = z.output<typeof targetConfigSchema>;

/** Where each knob can come from: its CLI flag and its environment variable. */
export const KNOBS: Record<keyof TargetConfig, { flag: string; env: string; kind: 'string' | 'boolean'; help: string }> = {
  shop: { flag: 'shop', env: 'STAMPEDE_TARGET_SHOP', kind: 'string', help: 'node|python: which implementation of the shop (default node)' },
  variant: { flag: 'variant', env: 'STAMPEDE_TARGET_VARIANT', kind: 'string', help: 'sync|async (default async)' },
  workers: { flag: 'workers', env: 'STAMPEDE_TARGET_WORKERS', kind: 'string', help: 'worker processes on one port (default 1)' },
  pool: { flag: 'pool', env: 'STAMPEDE_TARGET_POOL', kind: 'string', help: 'pg pool size per process and database (default 10)' },
  poolOverflow: { flag: 'pool-overflow', env: 'STAMPEDE_TARGET_POOL_OVERFLOW', kind: 'string', help: 'python: SQLAlchemy max_overflow beyond --pool (default 0)' },
  threads: { flag: 'threads', env: 'STAMPEDE_TARGET_THREADS', kind: 'string', help: 'python sync: Gunicorn gthread threads per worker (default 1 = sync workers)' },
  pgbouncer: { flag: 'pgbouncer', env: 'STAMPEDE_TARGET_PGBOUNCER', kind: 'boolean', help: 'put a PgBouncer (transaction mode) in front of the primary' },
  cache: { flag: 'cache', env: 'STAMPEDE_TARGET_CACHE', kind: 'string', help: 'none|memory|redis (default none)' },
  cacheTtlMs: { flag: 'cache-ttl-ms', env: 'STAMPEDE_TARGET_CACHE_TTL_MS', kind: 'string', help: 'cache TTL (default 5000)' },
  queue: { flag: 'queue', env: 'STAMPEDE_TARGET_QUEUE', kind: 'string', help: 'inline|bullmq (node) or inline|celery (python) (default inline)' },
  queueConcurrency: { flag: 'queue-concurrency', env: 'STAMPEDE_TARGET_QUEUE_CONCURRENCY', kind: 'string', help: 'BullMQ worker concurrency (default 50)' },
  recoverAfterMs: { flag: 'recover-after-ms', env: 'STAMPEDE_TARGET_RECOVER_AFTER_MS', kind: 'string', help: 'bullmq: re-enqueue orders pending this long with no job (default 60000)' },
  paymentLatencyMs: { flag: 'payment-latency-ms', env: 'STAMPEDE_TARGET_PAYMENT_LATENCY_MS', kind: 'string', help: 'payment provider latency (default 50)' },
  paymentFailureRate: { flag: 'payment-failure-rate', env: 'STAMPEDE_TARGET_PAYMENT_FAILURE_RATE', kind: 'string', help: 'share of payments declined, 0..1 (default 0)' },
  replica: { flag: 'replica', env: 'STAMPEDE_TARGET_REPLICA', kind: 'boolean', help: 'a streaming replica; product and order-history reads go to it' },
  shards: { flag: 'shards', env: 'STAMPEDE_TARGET_SHARDS', kind: 'string', help: 'orders and carts partitioned by user id over N databases (default 1)' },
  sessions: { flag: 'sessions', env: 'STAMPEDE_TARGET_SESSIONS', kind: 'string', help: 'memory|redis (default memory)' },
  stock: { flag: 'stock', env: 'STAMPEDE_TARGET_STOCK', kind: 'string', help: 'flash-sale stock (default 100)' },
  products: { flag: 'products', env: 'STAMPEDE_TARGET_PRODUCTS', kind: 'string', help: 'products seeded (default 10000)' },
  port: { flag: 'port', env: 'STAMPEDE_TARGET_PORT', kind: 'string', help: 'HTTP port (default: a free one)' },
  host: { flag: 'host', env: 'STAMPEDE_TARGET_HOST', kind: 'string', help: 'listen address (default 127.0.0.1)' },
  adminToken: { flag: 'admin-token', env: 'STAMPEDE_TARGET_ADMIN_TOKEN', kind: 'string', help: 'token for /admin/* (default: random, printed)' },
  databaseUrl: { flag: 'database-url', env: 'DATABASE_URL', kind: 'string', help: 'PostgreSQL URL (default: an embedded PostgreSQL)' },
  redisUrl: { flag: 'redis-url', env: 'REDIS_URL', kind: 'string', help: 'Redis URL (default: redis-server from PATH when needed)' },
  bodyLimitBytes: { flag: 'body-limit-bytes', env: 'STAMPEDE_TARGET_BODY_LIMIT_BYTES', kind: 'string', help: 'largest request body (default 16384)' },
};

/** Validates a (partial) configuration; names the flag of the first bad field. */
export function parseTargetConfig(input: TargetConfigInput | Record<string, unknown>, source: 'flag' | 'field' = 'field'): TargetConfig {
  const parsed = targetConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const key = String(i.path[0] ?? '');
    const knob = Object.hasOwn(KNOBS, key) ? KNOBS[key as keyof TargetConfig] : undefined;
    const name = knob ? (source === 'flag' ? `--${knob.flag} (${knob.env})` : `${key} (--${knob.flag})`) : formatPath(i.path);
    const got = key in input ? ` (got ${JSON.stringify((input as Record<string, unknown>)[key])})` : '';
    return `${name}: ${i.message}${got}`;
  });
  throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `target configuration: ${lines[0] ?? 'invalid'}`, lines.slice(1));
}

/** Whether this configuration needs Redis at all (cache, sessions or queue). */
export function needsRedis(c: TargetConfig): boolean {
  return c.cache === 'redis' || c.sessions === 'redis' || c.queue === 'bullmq' || c.queue === 'celery';
}

/** Reads the knobs from environment variables (only those that are set). */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, knob] of Object.entries(KNOBS)) {
    const v = env[knob.env];
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/** node:util parseArgs options for every knob. */
export function knobParseOptions(): Record<string, { type: 'string' | 'boolean' }> {
  const out: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const knob of Object.values(KNOBS)) out[knob.flag] = { type: knob.kind };
  return out;
}

/** Flags (as parsed by parseArgs) over environment over defaults → a validated config. */
export function configFromFlags(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv = process.env): TargetConfig {
  const merged: Record<string, unknown> = configFromEnv(env);
  for (const [key, knob] of Object.entries(KNOBS)) {
    const v = values[knob.flag];
    if (v !== undefined) merged[key] = v;
  }
  return parseTargetConfig(merged, 'flag');
}

/** Usage lines for `stampede target --help`. */
export function knobUsage(): string {
  return Object.values(KNOBS)
    .map((k) => `  --${(k.flag + (k.kind === 'string' ? ' X' : '')).padEnd(26)} ${k.help}  [${k.env}]`)
    .join('\n');
}
