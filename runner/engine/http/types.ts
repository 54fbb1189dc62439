// What the HTTP client takes and returns: shared by the client (client.ts), its error
// classification (errors.ts), redirects (redirects.ts) and the https path (https.ts).

export type HttpErrorKind = 'connect_refused' | 'connect_timeout' | 'timeout' | 'reset' | 'dns' | 'aborted' | 'protocol' | 'tls' | 'other';

export interface HttpRequest {
  method: string;
  /** already parsed (the caller caches parsing); not changed once requested (HttpAgent caches by it) */
  url: URL;
  /** user headers; the client adds Host, Content-Length (and User-Agent if given in options) */
  headers?: Record<string, string>;
  body?: string | Uint8Array | null;
  /** whole request, from call to end */
  timeoutMs: number;
  /** don't keep the body bytes */
  discardBody?: boolean;
}

/**
 * Epoch microseconds from runner/time/clock.ts nowUs(). On an error, the phases not reached are set to `end`.
 * k6's phases (its httpext tracer) from these: blocked = connected − connectStart (on a new
 * connection that includes the DNS lookup, TCP connect and TLS handshake, as k6's GetConn→GotConn
 * does), connecting = tcpConnected − tcpStart, tls_handshaking = connected − tcpConnected,
 * sending = sent − connected, waiting = firstByte − sent, receiving = end − firstByte.
 */
export interface HttpTimings {
  /** request() called (with redirects followed by the client, the chain's first call) */
  start: number;
  /** this request asked for a connection; = start when a kept-alive connection was reused */
  connectStart: number;
  /** TCP connect began: after the DNS lookup of a host name, else = connectStart; = connectStart when reused */
  tcpStart: number;
  /** TCP established (= connected for plain http); = connectStart when reused */
  tcpConnected: number;
  /** TCP (and TLS) established, or reused */
  connected: number;
  /** request fully written to the socket */
  sent: number;
  /** first response byte */
  firstByte: number;
  /** response complete (or error) */
  end: number;
}

export interface HttpResult {
  /** 0 when no (complete) response */
  status: number;
  /** names lower-cased; repeated headers joined with ', ' (set-cookie joined with '\n') */
  headers: Record<string, string>;
  /** null when discardBody or no body */
  body: Buffer | null;
  error: { kind: HttpErrorKind; message: string } | null;
  timings: HttpTimings;
  bytesSent: number;
  bytesReceived: number;
  /** kept-alive connection reused */
  reused: boolean;
  /** the URL of the final response, when redirects were followed */
  finalUrl?: string;
  /** how many redirects were followed */
  redirects?: number;
}

export interface HttpAgentOptions {
  keepAlive: boolean;
  userAgent?: string;
  /** limit for TCP (+TLS) connect, within the request's own timeout; default: the request timeout only */
  connectTimeoutMs?: number;
  /** 0 (default): redirects are returned as responses */
  maxRedirects?: number;
  /** https: accept any certificate (k6's insecureSkipTLSVerify) */
  insecureSkipTLSVerify?: boolean;
  /** https: extra trusted CA certificates (PEM) */
  tlsCa?: string | Buffer | Array<string | Buffer>;
}
