// The cluster primary: forks the workers (node:cluster, round-robin on one port), restarts a
// worker that dies, answers the workers' cross-process questions (aggregated metrics,
// accepted-checkout count, cache clearing), and reports "ready" with the port to the launcher.
// It never serves requests itself, so it stays responsive while sync workers are blocked.
//
// /metrics: every worker's registry as JSON, plus the BullMQ worker process's (asked through
// the launcher, which started it), merged with prom-client's AggregatorRegistry.aggregate(), then
// the primary's own gauges. prom-client's clusterMetrics() is not used: it only knows cluster
// workers, and the queue worker's payment latency and pool would be missing.
import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import client from 'prom-client';
import { PAYMENT_QUEUE, queueMonitor, type QueueMonitor } from '../queue/queue.ts';
import { ACCEPTED_BASE_ENV, keyPrefix, runtimeFromEnv, tsxExecArgv, WORKER_PORT_ENV, type PrimaryToWorker, type WorkerToPrimary } from './runtime.ts';

const rt = runtimeFromEnv();
// The primary's own metrics (not summed across workers): queue depth, replication lag.
const own = new client.Registry();
const monitor: QueueMonitor | null = rt.config.queue === 'bullmq' && rt.redisUrl ? queueMonitor({ redisUrl: rt.redisUrl, prefix: keyPrefix(rt).queue }) : null;
new client.Gauge({
  name: 'queue_jobs',
  help: `BullMQ "${PAYMENT_QUEUE}" jobs by state (waiting, active, completed, failed, delayed)`,
  labelNames: ['state'],
  registers: [own],
  async collect() {
    if (!monitor) return;
    try {
      for (const [state, n] of Object.entries(await monitor.counts())) this.set({ state }, n);
    } catch {
      /* Redis unreachable: the gauge keeps its last values; /readyz says why */
    }
  },
});
let lastLag: number | null = null;
// Registered only with a replica: an unlabelled gauge that is never set still exports 0, and
// "0 s of lag" without a replica would read as a perfectly fresh one.
if (rt.config.replica) {
  new client.Gauge({
    name: 'replication_lag_seconds',
    help: 'replica lag behind the primary, as measured by the launcher (absent without --replica; NaN until first measured)',
    registers: [own],
    async collect() {
      const lag = await askLauncher('lag');
      if (typeof lag === 'number') lastLag = lag;
      this.set(lastLag ?? Number.NaN);
    },
  });
}
let accepted = Number(process.env[ACCEPTED_BASE_ENV] ?? '0') || 0;
// The launcher keeps the count too, so a restarted primary continues it. Sent at every change:
// only a message in flight when this process dies is lost (at most one per request in flight).
function reportAccepted(): void {
  if (process.connected) process.send?.({ t: 'accepted-total', n: accepted }, undefined, {}, () => undefined);
}
const acceptedGauge = new client.Gauge({ name: 'orders_accepted_since_reset', help: 'checkouts answered 2xx/202 since the last admin reset', registers: [own] });

// Launcher round trips (replication lag lives in the launcher, which owns the replica).
const launcherWaits = new Map<number, (v: unknown) => void>();
let launcherId = 1;
function askLauncher(op: 'lag' | 'queue-metrics'): Promise<unknown> {
  if (!process.send) return Promise.resolve(null);
  const id = launcherId++;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      launcherWaits.delete(id);
      resolve(null);
    }, 2000);
    launcherWaits.set(id, (v) => {
      clearTimeout(timer);
      resolve(v);
    });
    process.send?.({ t: 'ask', id, op });
  });
}
process.on('message', (m: { t?: string; id?: number; value?: unknown }) => {
  if (m.t === 'answer' && typeof m.id === 'number') {
    launcherWaits.get(m.id)?.(m.value);
    launcherWaits.delete(m.id);
  }
});

// Metrics requests to the workers, by id.
const metricsWaits = new Map<number, (metrics: unknown[]) => void>();
let metricsId = 1;
function workerMetrics(w: Worker, timeoutMs = 5000): Promise<unknown[]> {
  const id = metricsId++;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      metricsWaits.delete(id);
      // as prom-client's clusterMetrics(): a scrape missing a worker would make counters dip
      reject(new Error(`worker ${w.process.pid} did not answer the metrics request within ${timeoutMs} ms`));
    }, timeoutMs);
    metricsWaits.set(id, (metrics) => {
      clearTimeout(timer);
      resolve(metrics);
    });
    w.send({ t: 'metrics-req', id } satisfies PrimaryToWorker);
  });
}

async function metricsText(): Promise<{ contentType: string; body: string }> {
  acceptedGauge.set(accepted);
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && w.isConnected());
  const [perWorker, queueWorker, mine] = await Promise.all([
    Promise.all(workers.map((w) => workerMetrics(w))),
    rt.config.queue === 'bullmq' ? askLauncher('queue-metrics') : Promise.resolve(null),
    own.metrics(),
  ]);
  const parts: unknown[][] = [...perWorker];
  let note = '';
  if (Array.isArray(queueWorker)) parts.push(queueWorker as unknown[]);
  else if (rt.config.queue === 'bullmq') note = '# the BullMQ worker process did not answer: its metrics are missing from this scrape\n';
  const merged = client.AggregatorRegistry.aggregate(parts);
  return { contentType: merged.contentType, body: `${note}${await merged.metrics()}\n${mine}` };
}

async function answer(w: Worker, op: Extract<WorkerToPrimary, { t: 'rpc' }>['op']): Promise<unknown> {
  switch (op) {
    case 'metrics':
      return metricsText();
    case 'accepted-count':
      return accepted;
    case 'accepted-reset':
      accepted = 0;
      reportAccepted();
      return true;
    case 'cache-clear':
      for (const other of Object.values(cluster.workers ?? {})) if (other && other !== w) other.send({ t: 'cache-clear' } satisfies PrimaryToWorker);
      return true;
  }
}

cluster.setupPrimary({ exec: fileURLToPath(new URL('./worker.ts', import.meta.url)), execArgv: tsxExecArgv() });
let stopping = false;
let ready = false;
const listening = new Set<number>();
const restarts = new client.Counter({ name: 'worker_restarts_total', help: 'cluster workers that died and were replaced since the shop started', registers: [own] });

// The port is chosen once, here, before any worker exists, and every worker — first or
// replacement — listens on it. Workers asking for port 0 would share one random port only as
// long as one of them is alive: node:cluster closes its listening handle with the last worker,
// and a replacement asking for port 0 again would get a new port the advertised URL never
// reaches. (The port is free between our probe and the first worker's bind, and again while no
// worker is alive; if someone takes it then, the worker fails with EADDRINUSE and says so.)
async function choosePort(): Promise<number> {
  if (rt.config.port !== 0) return rt.config.port;
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, rt.config.host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

let port = 0;
function fork(): void {
  const w = cluster.fork({ [WORKER_PORT_ENV]: String(port) });
  w.on('message', (m: WorkerToPrimary) => {
    if (m.t === 'accepted') {
      accepted++;
      reportAccepted();
    }
    else if (m.t === 'listen-failed') {
      process.stderr.write(`[target-app] worker ${w.process.pid} cannot listen on ${rt.config.host}:${port}: ${m.message}\n`);
      // Before the shop was ever ready this is a configuration problem (the port is taken):
      // restarting would loop for ever, so the primary gives up and the launcher says why.
      if (!ready) process.exit(3);
    } else if (m.t === 'metrics-res') {
      metricsWaits.get(m.id)?.(m.metrics);
      metricsWaits.delete(m.id);
    } else if (m.t === 'rpc') {
      void answer(w, m.op).then(
        (value) => w.isConnected() && w.send({ t: 'rpc-reply', id: m.id, value } satisfies PrimaryToWorker),
        (e: unknown) => w.isConnected() && w.send({ t: 'rpc-reply', id: m.id, value: { contentType: 'text/plain', body: `# metrics failed: ${String(e)}\n` } } satisfies PrimaryToWorker),
      );
    }
  });
  w.on('listening', () => {
    listening.add(w.id);
    if (!ready && listening.size === rt.config.workers) {
      ready = true;
      process.send?.({ t: 'ready', port });
    }
  });
}

// A worker that keeps dying (its dependency is broken at start, the port was taken) is
// replaced after a growing pause, so the primary does not spin; a worker that stayed up a
// while is replaced at once.
let quickDeaths = 0;
const forkedAt = new Map<number, number>();
cluster.on('fork', (w) => forkedAt.set(w.id, Date.now()));
cluster.on('exit', (w, code, signal) => {
  listening.delete(w.id);
  const livedMs = Date.now() - (forkedAt.get(w.id) ?? 0);
  forkedAt.delete(w.id);
  if (stopping) return;
  quickDeaths = livedMs < 5000 ? quickDeaths + 1 : 0;
  const delayMs = quickDeaths <= 1 ? 0 : Math.min(100 * 2 ** (quickDeaths - 2), 5000);
  restarts.inc();
  process.stderr.write(`[target-app] worker ${w.process.pid} exited (${signal ?? code}); starting another on port ${port}${delayMs ? ` in ${delayMs} ms` : ''}\n`);
  setTimeout(() => stopping || fork(), delayMs);
});

choosePort().then(
  (p) => {
    port = p;
    for (let i = 0; i < rt.config.workers; i++) fork();
  },
  (e: unknown) => {
    process.stderr.write(`[target-app] no port to listen on (${rt.config.host}): ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(3);
  },
);

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  for (const w of workers) w.process.kill('SIGTERM');
  const exited = Promise.all(workers.map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r())))));
  // A sync worker finishes its blocking call before it can act on SIGTERM; don't wait forever.
  const timer = setTimeout(() => workers.forEach((w) => w.isDead() || w.process.kill('SIGKILL')), 4000);
  await exited;
  clearTimeout(timer);
  await monitor?.close().catch(() => undefined);
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
process.on('disconnect', () => void stop());
