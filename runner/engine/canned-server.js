// A TCP server that answers every HTTP request head with one canned keep-alive response, at
// next to no CPU: the engine's warm-up target (warm-up.ts) and the benchmark's generator-bound
// target (runner/bench/canned-target.js). Plain JS: the benchmark runs it without a loader.
import net from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\nContent-Length: 2\r\n\r\nok');

/** @param {number} [port] @returns {Promise<{ port: number, close(): Promise<void> }>} */
export async function startCannedServer(port = 0) {
  /** @type {Set<net.Socket>} */
  const sockets = new Set();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.on('data', (/** @type {Buffer} */ chunk) => {
      for (let at = chunk.indexOf(HEAD_END); at >= 0; at = chunk.indexOf(HEAD_END, at + 4)) socket.write(RESPONSE);
    });
  });
  await new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {net.AddressInfo} */ (server.address());
  return {
    port: address.port,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
