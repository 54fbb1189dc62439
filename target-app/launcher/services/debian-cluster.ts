// A private PostgreSQL cluster made with Debian's binaries (/usr/lib/postgresql/<major>/bin), in
// a temp folder, trust auth on 127.0.0.1. For tests: the machine's shared cluster must not be
// reconfigured (its pg_hba.conf has no replication line), so the pg_basebackup path of
// replica.ts is exercised against one of these, whose pg_hba.conf we choose.
import { writeFileSync, chownSync } from 'node:fs';
import path from 'node:path';
import { spawnChild } from './child.ts';
import { freePort } from './free-port.ts';
import { canQuery, makeServiceDir, runToCompletion, serverUser, waitUntilReady } from './support.ts';

export interface DebianClusterOptions {
  major?: number;
  /** add `host replication all 127.0.0.1/32 trust` to pg_hba.conf; default true */
  allowReplication?: boolean;
  walLevel?: 'minimal' | 'replica' | 'logical';
}

export async function startDebianCluster(opts: DebianClusterOptions = {}): Promise<{ url: string; stop(): Promise<void> }> {
  const binDir = `/usr/lib/postgresql/${opts.major ?? 15}/bin`;
  const owner = serverUser('a PostgreSQL cluster');
  const folder = makeServiceDir('pg-cluster', owner);
  const dataDir = path.join(folder.dir, 'data');
  const port = await freePort();
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  await runToCompletion(
    { name: 'initdb', command: path.join(binDir, 'initdb'), args: ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync'], env: { ...process.env, HOME: folder.dir }, ...as },
    'initdb',
    60_000,
  );
  const hba = ['local all all trust', 'host all all 127.0.0.1/32 trust', ...(opts.allowReplication === false ? [] : ['host replication all 127.0.0.1/32 trust']), ''].join('\n');
  writeFileSync(path.join(dataDir, 'pg_hba.conf'), hba);
  if (owner) chownSync(path.join(dataDir, 'pg_hba.conf'), owner.uid, owner.gid);
  const walLevel = opts.walLevel ?? 'replica';
  const child = spawnChild({
    name: 'test postgres',
    command: path.join(binDir, 'postgres'),
    args: [
      '-D', dataDir, '-p', String(port), '-c', "listen_addresses=127.0.0.1", '-c', `unix_socket_directories=${folder.dir}`,
      '-c', 'fsync=off', '-c', `wal_level=${walLevel}`, ...(walLevel === 'minimal' ? ['-c', 'max_wal_senders=0'] : []),
    ],
    ...as,
    stopSignal: 'SIGINT',
    exitSignal: 'SIGQUIT',
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const stop = async () => {
    await child.stop();
    folder.remove();
  };
  try {
    await waitUntilReady(child, () => canQuery({ connectionString: url }), 30_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

