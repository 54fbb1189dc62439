// What the launcher hands every process it starts (cluster primary, workers, queue worker):
// the validated config plus everything resolved at start — database and Redis URLs, the
// payment service's URL, the admin token, and an instance id that namespaces Redis keys so
// several shops can share one Redis (parallel tests do).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { DbUrls } from '../db/routing.ts';
import type { TargetConfig } from './config.ts';

export interface Runtime {
  config: TargetConfig;
  instanceId: string;
  adminToken: string;
  db: DbUrls;
  redisUrl: string | null;
  paymentUrl: string;
}

export const RUNTIME_ENV = 'STAMPEDE_TARGET_RUNTIME';
/** the port the cluster primary chose once; every worker listens on it (see primary.ts) */
/** checkouts accepted before this primary started (a restarted primary continues the count) */
export const ACCEPTED_BASE_ENV = 'STAMPEDE_TARGET_ACCEPTED_BASE';
export const WORKER_PORT_ENV = 'STAMPEDE_TARGET_WORKER_PORT';

export function runtimeFromEnv(): Runtime {
  const raw = process.env[RUNTIME_ENV];
  if (!raw) throw new Error(`${RUNTIME_ENV} is not set: this module is started by the target launcher`);
  return JSON.parse(raw) as Runtime;
}

/** Redis key prefixes of this instance. */
export const keyPrefix = (rt: Runtime) => ({
  cache: `stampede:${rt.instanceId}:cache:`,
  sessions: `stampede:${rt.instanceId}:sess:`,
  queue: `stampede-${rt.instanceId}`,
});

/** `--import <tsx loader>` for child processes: our entry points are TypeScript. */
export function tsxExecArgv(): string[] {
  const loader = createRequire(import.meta.url).resolve('tsx');
  return ['--import', pathToFileURL(loader).href];
}

/**
 * A process's metrics for the primary's /metrics: prom-client's registry as JSON
 * (register.getMetricsAsJSON()), merged with AggregatorRegistry.aggregate(). Asked of every
 * cluster worker and, relayed by the launcher, of the BullMQ worker process.
 */
export type MetricsRequest = { t: 'metrics-req'; id: number };
export type MetricsReply = { t: 'metrics-res'; id: number; metrics: unknown[] };

// Messages between the cluster primary and its workers (node:cluster IPC).
export type WorkerToPrimary = { t: 'accepted' } | { t: 'listen-failed'; message: string } | { t: 'rpc'; id: number; op: 'metrics' | 'accepted-count' | 'accepted-reset' | 'cache-clear' } | MetricsReply;
export type PrimaryToWorker = { t: 'rpc-reply'; id: number; value: unknown } | { t: 'cache-clear' } | MetricsRequest;
