// Child-process entry of the payment service: the launcher forks it with the latency and
// failure rate in the environment; it answers with its port over IPC and exits with its parent.
import { createPaymentServer } from './server.ts';

const latencyMs = Number(process.env.STAMPEDE_PAYMENT_LATENCY_MS ?? '50');
const failureRate = Number(process.env.STAMPEDE_PAYMENT_FAILURE_RATE ?? '0');
const server = createPaymentServer({ latencyMs, failureRate });
// The launcher passes the port back when it restarts us, so the shop's payment URL stays valid.
const port = Number(process.env.STAMPEDE_PAYMENT_PORT ?? '0') || 0;
server.on('error', (e) => {
  process.stderr.write(`[payment] cannot listen on 127.0.0.1:${port}: ${e.message}\n`);
  process.exit(3);
});
server.listen(port, '127.0.0.1', () => {
  const addr = server.address();
  if (addr && typeof addr === 'object') process.send?.({ type: 'ready', port: addr.port });
});
const quit = () => {
  server.closeAllConnections();
  server.close();
  process.exit(0);
};
process.on('SIGTERM', quit);
process.on('SIGINT', quit);
process.on('disconnect', quit);
