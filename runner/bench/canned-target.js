// The benchmark's second target: a raw TCP server that answers every request head with one
// canned keep-alive response, costing next to no CPU. Against it the generator, not the target,
// is the bottleneck, so requests per generator CPU-second measure the generator alone (against
// the node:http target both sides saturate, and how they interleave moves the figures ±10 %).
// Prints `PORT <n>`. Run pinned: `taskset -c 0 node runner/bench/canned-target.js`.
import net from 'node:net';

const HEAD_END = Buffer.from('\r\n\r\n');
const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Thu, 01 Jan 2026 00:00:00 GMT\r\nConnection: keep-alive\r\nKeep-Alive: timeout=65\r\nContent-Length: 2\r\n\r\nok');

const sockets = new Set();
const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.setNoDelay(true);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk) => {
    for (let at = chunk.indexOf(HEAD_END); at >= 0; at = chunk.indexOf(HEAD_END, at + 4)) socket.write(RESPONSE);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`PORT ${server.address().port}\n`));
process.on('SIGTERM', () => {
  for (const s of sockets) s.destroy();
  server.close(() => process.exit(0));
});
