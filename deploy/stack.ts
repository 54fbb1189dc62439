// The facts the deploy files share: ports, service names, and the target app's environment,
// built from the app's own knob table (target-app/launcher/config.ts KNOBS) so a renamed knob
// breaks the generator's type check, not a container at 3 a.m.
import { KNOBS, type TargetConfig } from '../target-app/launcher/config.ts';

export const APP_PORT = 8080;
export const LB_PORTS = { async: 8080, sync: 8081 } as const;
export const RUNNER_METRICS_PORT = 9464;
export const PGBOUNCER_PORT = 6432;
export const ADMIN_TOKEN_PLACEHOLDER = 'change-me-admin-token';

export type Variant = 'async' | 'sync';

/** Environment of one app container (compose or Kubernetes): knob env names from KNOBS. */
export function appEnv(variant: Variant, db: { host: string; port: number; database: string }, redis: { host: string; index: number }): Record<string, string> {
  const set: Partial<Record<keyof TargetConfig, string>> = {
    variant,
    host: '0.0.0.0',
    port: String(APP_PORT),
    workers: '2',
    pool: '10',
    // sessions, cache and queue in Redis: the container is stateless, so it scales out
    sessions: 'redis',
    cache: 'redis',
    queue: 'bullmq',
    paymentLatencyMs: '50',
    adminToken: ADMIN_TOKEN_PLACEHOLDER,
    databaseUrl: `postgres://postgres@${db.host}:${db.port}/${db.database}`,
    redisUrl: `redis://${redis.host}:6379/${redis.index}`,
  };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(set)) env[KNOBS[k as keyof TargetConfig].env] = v;
  return env;
}

/** The readiness probe path and the metrics path of the app (target-app/http/app.ts). */
export const READY_PATH = '/readyz';
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';
