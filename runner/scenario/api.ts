// The API a scenario's journeys are written against. A journey is `async (vu, data) => {...}`;
// `vu` is one virtual user: its own connections, its own state that survives iterations.
// Scenario files import these as types only: `import type { VU } from '../runner/scenario/api.ts'`.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** A request body: a string or bytes as is; anything else is sent as JSON. */
export type RequestBody = string | Uint8Array | JsonValue | Record<string, unknown> | null | undefined;

/**
 * Statuses a response may have and still count as expected — not a failed request — as k6's
 * `http.expectedStatuses(...)`: status codes and inclusive `{ min, max }` ranges. The default is
 * 200–399. A request that got no response (refused, timed out, reset) always failed. Compiled
 * once per list (keep the list in a constant, not a literal in the call).
 */
export type ExpectedStatuses = ReadonlyArray<number | { readonly min: number; readonly max: number }>;

export interface RequestParams {
  headers?: Record<string, string>;
  /** extra tags of this request's metric samples */
  tags?: Record<string, string>;
  /** the request's `name` tag (groups URLs with ids: '/products/:id'); defaults to the URL */
  name?: string;
  /** per-request timeout: a number of ms or a k6 duration string ('5s'); default 60 s */
  timeout?: number | string;
  /** redirects to follow; default from options.maxRedirects (0 unless set) */
  redirects?: number;
  /** 'none' discards the body (saves memory and CPU when it is not looked at) */
  responseType?: 'text' | 'none';
  /** statuses that count as an answer, not a failure, for this request (overrides setResponseCallback) */
  expectedStatuses?: ExpectedStatuses;
}

export interface ResponseTimings {
  /**
   * ms, as k6 (its httpext tracer): blocked is from asking for a connection to having it — on a
   * new connection that includes the DNS lookup, `connecting` and `tlsHandshaking`; about 0 on a
   * reused one; connecting is the TCP connect (0 when reused), tlsHandshaking the TLS handshake
   * (0 for http and when reused); sending, waiting (to first byte), receiving; duration =
   * sending + waiting + receiving
   */
  blocked: number;
  connecting: number;
  tlsHandshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
  duration: number;
  /** ms from the iteration's intended start to the end (coordinated-omission corrected) */
  latency: number;
}

export interface Response {
  /** 0 when no response was received (see `error`) */
  status: number;
  /** response headers, names lower-cased */
  headers: Record<string, string>;
  /** the body decoded as UTF-8 */
  body: string;
  /** the body's bytes as received (empty when discarded): binary bodies, which UTF-8 decoding would alter */
  readonly bytes: Uint8Array;
  /** parses the body as JSON; throws a clear error when it is not JSON */
  json<T = unknown>(): T;
  timings: ResponseTimings;
  /** '' on success; else the error kind: 'connect_refused', 'timeout', 'reset', 'dns', 'aborted', 'protocol', 'tls', 'other' */
  error: string;
  url: string;
  method: string;
}

export interface Http {
  get(url: string, params?: RequestParams): Promise<Response>;
  head(url: string, params?: RequestParams): Promise<Response>;
  post(url: string, body?: RequestBody, params?: RequestParams): Promise<Response>;
  put(url: string, body?: RequestBody, params?: RequestParams): Promise<Response>;
  patch(url: string, body?: RequestBody, params?: RequestParams): Promise<Response>;
  del(url: string, body?: RequestBody, params?: RequestParams): Promise<Response>;
  request(method: string, url: string, body?: RequestBody, params?: RequestParams): Promise<Response>;
  /** k6 `http.expectedStatuses(...)`: the list as given (codes and { min, max } ranges), checked */
  expectedStatuses(...statuses: Array<number | { min: number; max: number }>): ExpectedStatuses;
  /**
   * k6 `http.setResponseCallback(http.expectedStatuses(...))`: the expected statuses of this VU's
   * following requests (a request's own `expectedStatuses` wins). Call it at the top of the
   * journey: it holds across iterations, and calling it again with the same list costs nothing.
   */
  setResponseCallback(statuses: ExpectedStatuses): void;
}

export type CheckFn<T> = (value: T) => boolean;

export interface VU {
  /** 1-based VU number within its thread's pool (k6 __VU) */
  readonly id: number;
  /** unique across the whole test (all threads) */
  readonly idInTest: number;
  /** 0-based iteration number of this VU in the current scenario (k6 __ITER) */
  readonly iteration: number;
  /** the scenario this iteration belongs to */
  readonly scenario: string;
  /** --env values and the scenario's env (k6 __ENV) */
  readonly env: Readonly<Record<string, string>>;
  readonly http: Http;
  /** per-VU state that survives iterations (e.g. a session token) */
  readonly state: Record<string, unknown>;
  /** k6 check(): records each named check into `checks`; true when all passed */
  check<T>(value: T, checks: Record<string, CheckFn<T>>, tags?: Record<string, string>): boolean;
  /** k6 sleep(seconds) */
  sleep(seconds: number): Promise<void>;
  /** k6 group(): requests and checks inside get the group tag ('::outer::inner') */
  group<T>(name: string, fn: () => T | Promise<T>): Promise<T>;
  /** sets a tag on every following sample of this VU (until set to undefined) */
  tag(key: string, value: string | undefined): void;
}

export type Journey<D = unknown> = (vu: VU, data: D) => void | Promise<void>;

/** setup() and teardown() get a VU-like context with http and env (no iteration state). */
export interface LifecycleContext {
  readonly http: Http;
  readonly env: Readonly<Record<string, string>>;
  check<T>(value: T, checks: Record<string, CheckFn<T>>, tags?: Record<string, string>): boolean;
}

export type SetupFn<D = unknown> = (ctx: LifecycleContext) => D | Promise<D>;
export type TeardownFn<D = unknown> = (ctx: LifecycleContext, data: D) => void | Promise<void>;
