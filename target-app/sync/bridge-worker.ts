// The other half of the blocking bridge: a worker thread that does the I/O the sync
// variant's main thread must wait for (Redis commands, the payment HTTP call, a BullMQ add)
// with ordinary async clients, then wakes the main thread through the shared buffer.
import { Queue } from 'bullmq';
import { workerData, type MessagePort } from 'node:worker_threads';
import { redisClient } from '../cache/kv.ts';
import { jobOptions } from '../queue/queue.ts';
import type { BridgeReply, BridgeRequest } from './bridge.ts';

interface Init {
  port: MessagePort;
  redisUrl?: string;
  queueName?: string;
  queuePrefix?: string;
}

const init = workerData as Init;
const redis = init.redisUrl ? redisClient(init.redisUrl) : null;
// one retry, as the async producer (queue.ts): an enqueue while Redis is away fails fast instead of blocking this process
const queue = init.redisUrl && init.queueName ? new Queue(init.queueName, { connection: redisClient(init.redisUrl, { maxRetriesPerRequest: 1 }), prefix: init.queuePrefix ?? 'bull' }) : null;

async function perform(req: BridgeRequest): Promise<unknown> {
  switch (req.op) {
    case 'redis':
      if (!redis) throw new Error('no Redis configured');
      return redis.call(req.command, ...req.args);
    case 'http': {
      const res = await fetch(req.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: req.body, signal: AbortSignal.timeout(req.timeoutMs) });
      return { status: res.status, body: await res.text() };
    }
    case 'enqueue':
      if (!queue) throw new Error('no queue configured');
      await queue.add(req.name, req.data, jobOptions(req.jobId));
      return null;
  }
}

init.port.on('message', (msg: { id: number; req: BridgeRequest; flag: Int32Array }) => {
  void perform(msg.req).then(
    (value): BridgeReply => ({ id: msg.id, ok: true, value }),
    (e: unknown): BridgeReply => ({ id: msg.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  ).then((reply) => {
    init.port.postMessage(reply);
    Atomics.store(msg.flag, 0, 1);
    Atomics.notify(msg.flag, 0);
  });
});
