// Map socket/DNS/TLS errors to the error kinds a result records. The kinds follow what k6
// users look for: connection refused, timeouts, resets, DNS, our own abort, bad HTTP, TLS.
import type { HttpErrorKind } from './types.ts';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/** The error kind of a Node/undici error; `connecting` says whether the socket was still connecting. */
export function errorKind(err: unknown, connecting: boolean): HttpErrorKind {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ECONNREFUSED':
      return 'connect_refused';
    case 'ETIMEDOUT':
      return connecting ? 'connect_timeout' : 'timeout';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect_timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'reset';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
      return 'dns';
    case 'UND_ERR_ABORTED':
    case 'ABORT_ERR':
      return 'aborted';
    case 'HPE_INVALID_CONSTANT':
    case 'HPE_INVALID_STATUS':
    case 'HPE_INVALID_HEADER_TOKEN':
    case 'HPE_INVALID_CHUNK_SIZE':
    case 'UND_ERR_RESPONSE_CONTENT_LENGTH_MISMATCH':
    case 'UND_ERR_INFO':
      return 'protocol';
  }
  if (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code.startsWith('CERT_')) return 'tls';
  if (code.startsWith('HPE_')) return 'protocol';
  return 'other';
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code) ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}
