// Flag values that name something outside the process — a URL, a port to listen on — checked
// with a message naming the flag and what was expected (exit 2), never an internal error.
import { StampedeError } from '../errors.ts';

function usage(command: string, flag: string, message: string): StampedeError {
  return new StampedeError('STAMPEDE_E_USAGE', `stampede ${command}: --${flag}: ${message}`);
}

/** An http:// or https:// URL with a host; anything else (ftp:, javascript:, file:, a bare word) is refused. */
export function httpUrlFlag(command: string, flag: string, raw: string): string {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
    const scheme = u ? ` (${u.protocol.replace(/:$/, '')} is not supported: http or https only)` : '';
    throw usage(command, flag, `expected an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}${scheme}`);
  }
  return u.href;
}

/** The dashboard's address: http(s) (its page) or ws(s) (its ingest endpoint). */
export function dashboardUrlFlag(command: string, raw: string): string {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || !['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol) || u.hostname === '') {
    throw usage(command, 'dashboard', `expected the dashboard's URL such as http://127.0.0.1:5665 (as \`stampede dashboard\` prints it), got ${JSON.stringify(raw)}`);
  }
  return u.href;
}

/** Starts a listener; a port in use or not ours to take is the user's input, not a crash. */
export async function listenOrRefuse<T>(command: string, flag: string, where: string, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? 'already in use (EADDRINUSE); choose another port, or 0 for a free one'
        : code === 'EACCES'
          ? 'not allowed to listen there (EACCES: ports below 1024 need privileges)'
          : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN'
            ? `no such local address (${code})`
            : (code ?? (e instanceof Error ? e.message : String(e)));
    throw usage(command, flag, `cannot listen on ${where}: ${why}`);
  }
}
