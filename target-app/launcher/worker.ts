// A cluster worker: one process serving the shop on the shared port. It talks to the cluster
// primary for what must be seen across workers: aggregated /metrics, the count of accepted
// checkouts, and clearing every worker's cache on an admin reset.
import cluster from 'node:cluster';
import type { Server } from 'node:http';
import { createApp } from '../http/app.ts';
import { collectDefaults, register } from '../metrics/registry.ts';
import { buildWorkerDeps } from './build.ts';
import { runtimeFromEnv, WORKER_PORT_ENV, type PrimaryToWorker, type WorkerToPrimary } from './runtime.ts';

if (!cluster.isWorker) throw new Error('launcher/worker.ts runs as a cluster worker');

const rt = runtimeFromEnv();
collectDefaults();
const deps = buildWorkerDeps(rt);

const pending = new Map<number, (value: unknown) => void>();
let nextId = 1;
// After the primary died (until 'disconnect' ends us) a send would fail with EPIPE: dropped.
const send = (m: WorkerToPrimary) => {
  if (process.connected) process.send?.(m, undefined, {}, () => undefined);
};
function rpc(op: Extract<WorkerToPrimary, { t: 'rpc' }>['op'], timeoutMs = 10_000): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject(new Error(`cluster primary did not answer ${op} within ${timeoutMs} ms`));
    }, timeoutMs);
    pending.set(id, (v) => {
      clearTimeout(timer);
      resolve(v);
    });
    send({ t: 'rpc', id, op });
  });
}
process.on('message', (m: PrimaryToWorker) => {
  if (m.t === 'rpc-reply') {
    pending.get(m.id)?.(m.value);
    pending.delete(m.id);
  } else if (m.t === 'cache-clear') void deps.cache.clear();
  else if (m.t === 'metrics-req') void register.getMetricsAsJSON().then((metrics) => send({ t: 'metrics-res', id: m.id, metrics }));
});

const app = createApp({
  variant: rt.config.variant,
  bodyLimitBytes: rt.config.bodyLimitBytes,
  adminToken: rt.adminToken,
  dbs: deps.dbs,
  cache: deps.cache,
  sessions: deps.sessions,
  payments: deps.payments,
  queue: deps.queue,
  readiness: () => deps.readiness(),
  metrics: async () => {
    const r = (await rpc('metrics')) as { contentType: string; body: string };
    return r;
  },
  accepted: {
    add: () => send({ t: 'accepted' }),
    count: async () => (await rpc('accepted-count')) as number,
    reset: async () => {
      await rpc('accepted-reset');
    },
  },
  clearCaches: async () => {
    await deps.cache.clear();
    await rpc('cache-clear');
  },
});

const port = Number(process.env[WORKER_PORT_ENV] ?? rt.config.port);
const server: Server = app.listen(port, rt.config.host);
server.on('error', (e) => {
  // EADDRINUSE and the like: tell the primary why, then exit (it decides whether to retry).
  send({ t: 'listen-failed', message: e.message });
  setTimeout(() => process.exit(3), 50);
});
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.requestTimeout = 120_000;

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  server.close();
  server.closeAllConnections();
  await Promise.race([deps.close(), new Promise((r) => setTimeout(r, 2000))]);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
