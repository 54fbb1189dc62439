// The payment provider both shops call, kept running (supervise.ts): one that dies is started
// again on the port it had, so the URL every shop process was given stays valid.
import { fileURLToPath } from 'node:url';
import type { TargetConfig } from './config.ts';
import { startNodeChild, stopNodeChild } from './node-child.ts';
import { supervise, type Supervised } from './supervise.ts';

export interface PaymentService {
  url: string;
  supervised: Supervised;
  stop(): Promise<void>;
}

export async function startPaymentService(config: Pick<TargetConfig, 'paymentLatencyMs' | 'paymentFailureRate'>, log: (line: string) => void): Promise<PaymentService> {
  const file = fileURLToPath(new URL('../payment/main.ts', import.meta.url));
  let port = 0;
  const supervised = await supervise({
    what: 'the payment service',
    log,
    start: () =>
      startNodeChild(file, { STAMPEDE_PAYMENT_LATENCY_MS: String(config.paymentLatencyMs), STAMPEDE_PAYMENT_FAILURE_RATE: String(config.paymentFailureRate), STAMPEDE_PAYMENT_PORT: String(port) }, 'the payment service', 30_000),
  });
  port = Number(supervised.ready.port);
  return { url: `http://127.0.0.1:${port}`, supervised, stop: () => supervised.stop((c) => stopNodeChild(c)) };
}
