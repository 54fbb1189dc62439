// startTarget(config): everything a configuration needs, really started, in order — the data
// services (provision.ts: the database, Redis, shard databases, migrations and seed, the
// replica, PgBouncer), the payment service, the BullMQ worker process, and the cluster primary
// with its workers.
// What cannot be had is refused with a message naming it; nothing silently falls back.
// stop() ends every child it started, in reverse order.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { StampedeError } from '../../runner/errors.ts';
import { parseTargetConfig, type TargetConfig, type TargetConfigInput } from './config.ts';
import { startNodeChild, stopNodeChild } from './node-child.ts';
import { startPaymentService } from './payment-service.ts';
import { provision, type Cleanup } from './provision.ts';
import { ACCEPTED_BASE_ENV, RUNTIME_ENV, type MetricsReply, type MetricsRequest, type Runtime } from './runtime.ts';
import { supervise, type Supervised } from './supervise.ts';

export type { RunningTarget, StartOptions } from './running-target.ts';
import type { RunningTarget, StartOptions } from './running-target.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Asks a child for its metrics (as prom-client JSON) over IPC; null when it does not answer in time. */
function metricsOf(child: ChildProcess): (timeoutMs: number) => Promise<unknown[] | null> {
  let nextId = 1;
  const waits = new Map<number, (m: unknown[] | null) => void>();
  child.on('message', (m: Partial<MetricsReply>) => {
    if (m.t !== 'metrics-res' || typeof m.id !== 'number') return;
    waits.get(m.id)?.(Array.isArray(m.metrics) ? m.metrics : null);
    waits.delete(m.id);
  });
  return (timeoutMs) =>
    new Promise((resolve) => {
      if (!child.connected) return resolve(null);
      const id = nextId++;
      const timer = setTimeout(() => {
        waits.delete(id);
        resolve(null);
      }, timeoutMs);
      waits.set(id, (m) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.send({ t: 'metrics-req', id } satisfies MetricsRequest);
    });
}

export async function startTarget(input: TargetConfigInput | TargetConfig, opts: StartOptions = {}): Promise<RunningTarget> {
  const config = parseTargetConfig(input);
  if (config.shop === 'python') {
    const { startPythonTarget } = await import('./python-shop.ts');
    return startPythonTarget(config, opts);
  }
  const log = opts.log ?? (() => undefined);
  const instanceId = randomBytes(5).toString('hex');
  const adminToken = config.adminToken ?? randomBytes(18).toString('base64url');
  const cleanups: Cleanup[] = [];

  const stopAll = async () => {
    for (const c of cleanups.reverse().splice(0)) {
      await c.run().catch((e: unknown) => process.stderr.write(`stampede target: stopping ${c.what} failed: ${errText(e)}\n`));
    }
  };

  try {
    const { db, redisUrl, lagSeconds } = await provision(config, instanceId, log, cleanups);

    // The payment provider, the BullMQ worker and the cluster primary are kept running
    // (supervise.ts): one that dies is started again, the payment service and the primary on
    // the port they had, so every URL handed out stays valid.
    const say = (line: string) => process.stderr.write(`stampede target: ${line}\n`);
    const payment = await startPaymentService(config, say);
    cleanups.push({ what: 'payment service', run: () => payment.stop() });
    const paymentUrl = payment.url;

    const runtime: Runtime = { config, instanceId, adminToken, db, redisUrl, paymentUrl };
    const env = { [RUNTIME_ENV]: JSON.stringify(runtime) };

    let queueMetrics: ((timeoutMs: number) => Promise<unknown[] | null>) | null = null;
    let queueWorker: Supervised | null = null;
    if (config.queue === 'bullmq') {
      queueWorker = await supervise({
        what: 'the BullMQ payment worker',
        log: say,
        start: () => startNodeChild(here('./queue-worker.ts'), env, 'the BullMQ payment worker', 30_000),
        onChild: (s) => {
          queueMetrics = metricsOf(s.child);
        },
      });
      const qw = queueWorker;
      cleanups.push({ what: 'queue worker', run: () => qw.stop((c) => stopNodeChild(c, 6000)) });
    }

    log(`starting ${config.workers} ${config.variant} worker process${config.workers > 1 ? 'es' : ''}`);
    // Checkouts accepted so far, counted here too: a restarted primary starts from this count,
    // so the invariants still compare every accepted order with the database.
    let accepted = 0;
    let appPort = config.port;
    const app = await supervise({
      what: 'the shop (cluster primary)',
      log: say,
      start: (restart) => {
        const rt: Runtime = restart === 0 ? runtime : { ...runtime, config: { ...config, port: appPort } };
        return startNodeChild(here('./primary.ts'), { [RUNTIME_ENV]: JSON.stringify(rt), [ACCEPTED_BASE_ENV]: String(accepted) }, 'the shop (cluster primary)', restart === 0 ? (opts.readyTimeoutMs ?? 60_000) : 60_000);
      },
      // The primary asks for replication lag (the launcher owns the replica handle) and for the
      // queue worker's metrics (the launcher started that process and holds its IPC channel).
      onChild: ({ child }) => {
        child.on('message', (m: { t?: string; id?: number; op?: string; n?: number }) => {
          if (m.t === 'accepted-total' && typeof m.n === 'number') {
            accepted = m.n;
            return;
          }
          if (m.t !== 'ask' || typeof m.id !== 'number') return;
          const reply = (value: unknown) => child.connected && child.send({ t: 'answer', id: m.id, value });
          if (m.op === 'lag' && lagSeconds) lagSeconds().then(reply, () => reply(null));
          else if (m.op === 'queue-metrics' && queueMetrics) queueMetrics(1500).then(reply, () => reply(null));
          else reply(null);
        });
      },
    });
    appPort = Number(app.ready.port);
    cleanups.push({ what: 'shop processes', run: () => app.stop((c) => stopNodeChild(c, 7000)) });
    const supervised = [payment.supervised, ...(queueWorker ? [queueWorker] : []), app];
    const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
    let stopped: Promise<void> | null = null;
    return {
      url: `http://${host}:${appPort}`,
      adminToken,
      config,
      pids: () => supervised.map((x) => x.current()?.pid).filter((p): p is number => p !== undefined),
      supervised: () => {
        const of = (x: Supervised | null) => ({ pid: x?.current()?.pid ?? null, restarts: x?.restarts() ?? 0 });
        return { payment: of(payment.supervised), queueWorker: of(queueWorker), primary: of(app) };
      },
      stop: () => (stopped ??= stopAll()),
    };
  } catch (e) {
    await stopAll();
    if (e instanceof StampedeError) throw e;
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `the target could not start: ${errText(e)}`, [], { cause: e });
  }
}
