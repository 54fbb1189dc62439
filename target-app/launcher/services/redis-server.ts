// A private Redis for the shop when no REDIS_URL is given: the `redis-server` found on PATH,
// in the foreground as our child, on a free 127.0.0.1 port, with persistence off (--save ''
// --appendonly no: cache, sessions and queue data of one run are disposable, and RDB/AOF
// writes would add disk work to what is measured). Ready when it answers PING.
import net from 'node:net';
import { spawnChild } from './child.ts';
import { freePort } from './free-port.ts';
import { makeServiceDir, requireBinary, waitUntilReady } from './support.ts';

export interface RedisServerHandle {
  url: string;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServerHandle> {
  const bin = requireBinary('redis-server', 'apt-get install redis-server (or set REDIS_URL to a running Redis)', 'a Redis for the shop (no REDIS_URL set)');
  // Its own working dir, so nothing (not even a stray dump.rdb) lands in the caller's cwd.
  const folder = makeServiceDir('redis', null);
  const port = await freePort();
  const child = spawnChild({
    name: 'redis-server',
    command: bin,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder.dir, '--daemonize', 'no', '--protected-mode', 'yes'],
    cwd: folder.dir,
    stopSignal: 'SIGTERM',
    exitSignal: 'SIGTERM',
  });
  const stop = async () => {
    await child.stop();
    folder.remove();
  };
  try {
    await waitUntilReady(child, () => ping(port), 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** One PING over a fresh connection: true on +PONG (a loading Redis answers -LOADING instead). */
export function ping(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    let buf = '';
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => {
      buf += d.toString('utf8');
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}
