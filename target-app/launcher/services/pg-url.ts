// postgres:// urls, taken apart and put back together with another database or port. Only TCP
// urls are supported (host and optional port): the services start their own listeners on
// 127.0.0.1 and need to know where the upstream is.
import { StampedeError } from '../../../runner/errors.ts';

export interface PostgresUrlParts {
  host: string;
  port: number;
  user: string;
  password: string | null;
  database: string;
}

export function parsePostgresUrl(url: string, what: string): PostgresUrlParts {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${what} is not a url: expected postgres://user[:password]@host[:port]/database`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${what} must start with postgres:// (got ${u.protocol}//)`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new StampedeError('STAMPEDE_E_CONFIG_INVALID', `${what} has no host: expected postgres://user@host:port/database`);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(u.username) || 'postgres';
  return {
    host,
    port: u.port ? Number(u.port) : 5432,
    user,
    password: u.password ? decodeURIComponent(u.password) : null,
    database: database || user,
  };
}

/** The same url pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** The same url pointing at another host:port. */
export function withHostPort(url: string, host: string, port: number): string {
  const u = new URL(url);
  u.hostname = host;
  u.port = String(port);
  return u.toString();
}
