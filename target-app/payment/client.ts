// The shop's side of the payment call. Async: an undici Pool with keep-alive (the event loop
// keeps serving while the call is in flight). Sync: the same POST through the blocking bridge,
// so the worker process waits for the provider as a WSGI sync worker would.
import { Pool } from 'undici';
import { paymentDuration } from '../metrics/registry.ts';
import type { BlockingBridge } from '../sync/bridge.ts';

export type PaymentOutcome = 'paid' | 'declined' | 'error';

export interface PaymentClient {
  pay(orderId: string, amountCents: number): Promise<PaymentOutcome>;
  close(): Promise<void>;
}

const TIMEOUT_MS = 10_000;

function outcomeOf(status: number): PaymentOutcome {
  return status === 200 ? 'paid' : status === 402 ? 'declined' : 'error';
}

export function asyncPaymentClient(baseUrl: string, caller: string): PaymentClient {
  const pool = new Pool(baseUrl, { connections: 512, keepAliveTimeout: 10_000 });
  return {
    async pay(orderId, amountCents) {
      const t0 = performance.now();
      let outcome: PaymentOutcome;
      try {
        const res = await pool.request({
          path: '/pay',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orderId, amountCents }),
          headersTimeout: TIMEOUT_MS,
          bodyTimeout: TIMEOUT_MS,
        });
        await res.body.text();
        outcome = outcomeOf(res.statusCode);
      } catch {
        outcome = 'error';
      }
      paymentDuration.observe({ outcome, caller }, (performance.now() - t0) / 1000);
      return outcome;
    },
    close: () => pool.close(),
  };
}

export function blockingPaymentClient(baseUrl: string, bridge: BlockingBridge): PaymentClient {
  return {
    pay(orderId, amountCents) {
      const t0 = performance.now();
      let outcome: PaymentOutcome;
      try {
        const r = bridge.call({ op: 'http', url: `${baseUrl}/pay`, body: JSON.stringify({ orderId, amountCents }), timeoutMs: TIMEOUT_MS }, TIMEOUT_MS + 1000) as { status: number };
        outcome = outcomeOf(r.status);
      } catch {
        outcome = 'error';
      }
      paymentDuration.observe({ outcome, caller: 'sync' }, (performance.now() - t0) / 1000);
      return Promise.resolve(outcome);
    },
    close: async () => undefined,
  };
}
