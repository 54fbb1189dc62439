// The blocking bridge: lets the sync variant's main thread wait — truly blocked, event loop
// stopped — for I/O that has no synchronous client (Redis, an HTTP call, a BullMQ add).
// The request goes to a worker thread; the main thread sleeps in Atomics.wait on a shared
// buffer until the worker stores 1 and notifies, then takes the reply with
// receiveMessageOnPort (research notes §4.1: the synckit technique, without the dependency).
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';

export type BridgeRequest =
  | { op: 'redis'; command: string; args: ReadonlyArray<string | number> }
  | { op: 'http'; url: string; body: string; timeoutMs: number }
  | { op: 'enqueue'; name: string; data: Record<string, unknown>; jobId: string; attempts: number };

export type BridgeReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

export interface BlockingBridge {
  /** blocks the calling thread until the worker answers (or timeoutMs passes) */
  call(req: BridgeRequest, timeoutMs?: number): unknown;
  close(): Promise<void>;
}

export function startBridge(opts: { redisUrl?: string; queueName?: string; queuePrefix?: string }): BlockingBridge {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./bridge-entry.mjs', import.meta.url), {
    workerData: { port: port2, ...opts },
    transferList: [port2],
  });
  worker.unref();
  let fatal: string | null = null;
  worker.on('error', (e) => {
    fatal = e.message;
  });
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const port: MessagePort = port1;
  let nextId = 1;
  return {
    call(req, timeoutMs = 15_000) {
      if (fatal) throw new Error(`blocking bridge worker died: ${fatal}`);
      const id = nextId++;
      const deadline = Date.now() + timeoutMs;
      Atomics.store(flag, 0, 0);
      port.postMessage({ id, req, flag });
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0 || Atomics.wait(flag, 0, 0, left) === 'timed-out') throw new Error(`blocking call (${req.op}) timed out after ${timeoutMs} ms`);
        // A reply to an earlier call that timed out may arrive first: skip it and keep waiting.
        let msg = receiveMessageOnPort(port);
        while (msg && (msg.message as BridgeReply).id !== id) msg = receiveMessageOnPort(port);
        if (!msg) {
          Atomics.store(flag, 0, 0);
          continue;
        }
        const reply = msg.message as BridgeReply;
        if (!reply.ok) throw new Error(reply.error);
        return reply.value;
      }
    },
    async close() {
      port.close();
      await worker.terminate();
    },
  };
}
