// Servers a fault test owns and can kill and start again on the same port: a PostgreSQL (the
// embedded package's binaries, its own data folder, trust auth on 127.0.0.1) and a redis-server
// (no persistence: a killed Redis comes back empty, the harsh case). Never the machine's
// shared instances.
import path from 'node:path';
import { spawnChild, type Child } from '../launcher/services/child.ts';
import { embeddedBinaries, runnableBinaries } from '../launcher/services/embedded-postgres.ts';
import { freePort, portOpen } from '../launcher/services/free-port.ts';
import { ping } from '../launcher/services/redis-server.ts';
import { canQuery, makeServiceDir, requireBinary, runToCompletion, serverUser, waitUntilReady } from '../launcher/services/support.ts';

export interface RestartableServer {
  url: string;
  port: number;
  pid(): number | null;
  /** sends `signal` and waits until the process is gone and its port closed */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** starts it again on the same port (and data folder) and waits until it answers */
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function untilClosed(port: number, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (await portOpen(port)) {
    if (Date.now() > end) throw new Error(`port ${port} still open ${ms} ms after the kill`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function restartable(url: string, port: number, launch: () => Child, ready: () => Promise<boolean>, removeFolder: () => void): RestartableServer {
  let child: Child | null = null;
  const start = async () => {
    child = launch();
    await waitUntilReady(child, ready, 30_000);
  };
  return {
    url,
    port,
    pid: () => (child?.running() ? child.pid : null),
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c) return;
      process.kill(c.pid, signal);
      await c.exited;
      child = null;
      await untilClosed(port);
    },
    start,
    async stop() {
      await child?.stop();
      child = null;
      removeFolder();
    },
  };
}

export async function restartablePostgres(): Promise<RestartableServer> {
  const owner = serverUser('the test PostgreSQL');
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const bin = await runnableBinaries(await embeddedBinaries(), owner);
  const folder = makeServiceDir('pg-cluster', owner);
  const dataDir = path.join(folder.dir, 'data');
  const env = { ...process.env, HOME: folder.dir, LC_ALL: 'C', LC_MESSAGES: 'C' };
  await runToCompletion({ name: 'initdb', command: bin.initdb, args: [`--pgdata=${dataDir}`, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--locale=C', '--no-sync'], env, ...as }, 'initdb of the test PostgreSQL', 60_000);
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const server = restartable(
    url,
    port,
    () =>
      spawnChild({
        name: 'test postgres',
        command: bin.postgres,
        args: ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
        cwd: folder.dir,
        env,
        ...as,
        stopSignal: 'SIGINT',
        exitSignal: 'SIGQUIT',
      }),
    () => canQuery({ connectionString: url }),
    () => folder.remove(),
  );
  await server.start();
  return server;
}

export async function restartableRedis(): Promise<RestartableServer> {
  const binary = requireBinary('redis-server', 'apt-get install redis-server', 'the fault tests');
  const folder = makeServiceDir('redis', null);
  const port = await freePort();
  const server = restartable(
    `redis://127.0.0.1:${port}`,
    port,
    () =>
      spawnChild({
        name: 'test redis-server',
        command: binary,
        args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder.dir, '--daemonize', 'no'],
        cwd: folder.dir,
      }),
    () => ping(port),
    () => folder.remove(),
  );
  await server.start();
  return server;
}
