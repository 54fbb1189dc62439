// The fault-injection harness: buyers keep checking out while something is killed, /readyz is
// watched the whole time, and afterwards the shop's invariants are read with every order id
// that was answered 2xx/202. One scenario = reset → traffic → fault → recovery → more traffic →
// drain → invariants. Recovery times are measured and returned (reported by the tests, never
// asserted beyond generous caps: the machine is shared).
import { Agent, request } from 'undici';
import type { Invariants } from '../domain/sale.ts';
import type { RunningTarget } from '../launcher/start.ts';

export interface Answer {
  status: number | 'network';
  body: Record<string, unknown> | null;
}

export function client(base: string) {
  const agent = new Agent({ connections: 64, keepAliveTimeout: 1000, connect: { timeout: 5000 } });
  async function send(method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = 10_000): Promise<Answer> {
    try {
      const res = await request(new URL(path, base), {
        method,
        dispatcher: agent,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      let parsed: Record<string, unknown> | null = null;
      try {
        parsed = JSON.parse(text) as Record<string, unknown>;
      } catch {
        parsed = null;
      }
      return { status: res.statusCode, body: parsed };
    } catch {
      return { status: 'network', body: null };
    }
  }
  return { send, close: () => agent.close() };
}
export type Client = ReturnType<typeof client>;

export interface TrafficResult {
  /** checkout answers by status ('network' = no answer: reset, refused, timed out) */
  checkouts: Record<string, number>;
  logins: Record<string, number>;
  acceptedIds: string[];
  /** when each accepted answer came (ms, performance.now()) */
  acceptedAt: number[];
}

/** `lanes` buyers in a loop, each a new user: login, then one checkout with an Idempotency-Key. */
export function startTraffic(http: Client, prefix: string, lanes = 6, pauseMs = 20): { stop(): Promise<TrafficResult> } {
  const out: TrafficResult = { checkouts: {}, logins: {}, acceptedIds: [], acceptedAt: [] };
  let running = true;
  const bump = (m: Record<string, number>, k: string | number) => (m[String(k)] = (m[String(k)] ?? 0) + 1);
  const lane = async (l: number) => {
    for (let i = 0; running; i++) {
      const login = await http.send('POST', '/login', { username: `${prefix}${l}_${i}` });
      bump(out.logins, login.status);
      const token = login.status === 200 ? login.body?.token : undefined;
      if (typeof token === 'string') {
        const r = await http.send('POST', '/checkout', {}, { authorization: `Bearer ${token}`, 'idempotency-key': `${prefix}${l}_${i}` });
        bump(out.checkouts, r.status);
        if (typeof r.status === 'number' && r.status >= 200 && r.status < 300 && typeof r.body?.orderId === 'string') {
          out.acceptedIds.push(r.body.orderId);
          out.acceptedAt.push(performance.now());
        }
      }
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const all = Promise.all(Array.from({ length: lanes }, (_, l) => lane(l)));
  return {
    async stop() {
      running = false;
      await all;
      return out;
    },
  };
}

export interface ReadySample {
  at: number;
  status: number | 'network';
  checks: Record<string, string> | null;
}

/** Polls /readyz every `everyMs` until stopped. */
export function watchReadiness(http: Client, everyMs = 50): { samples: ReadySample[]; stop(): Promise<void> } {
  const samples: ReadySample[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await http.send('GET', '/readyz', undefined, {}, 3000);
      samples.push({ at: performance.now(), status: r.status, checks: (r.body?.checks as Record<string, string> | undefined) ?? null });
      await new Promise((res) => setTimeout(res, everyMs));
    }
  })();
  return {
    samples,
    async stop() {
      running = false;
      await loop;
    },
  };
}

export type FullInvariants = Invariants & { missingOrderIds: string[]; checkedOrderIds: number };

export interface ScenarioOutcome {
  traffic: TrafficResult;
  invariants: FullInvariants;
  /** /readyz samples that were not 200 (after the fault) */
  notReady: ReadySample[];
  /** ms from the fault (or from the dependency answering again, when given) to /readyz 200 */
  recoveryMs: number;
  /** ms from the fault to the first accepted checkout after it */
  firstAcceptedAfterFaultMs: number | null;
  acceptedAfterRecovery: number;
  acceptedBeforeFault: number;
  /** ms from the end of traffic until every accepted order was paid or failed */
  drainMs: number;
}

export interface Fault {
  /** kills something; resolves when the fault is in place */
  inject(): Promise<void>;
  /** optional: brings a dependency back; resolves when it answers again (recovery is timed from then) */
  repair?(): Promise<void>;
  /** how long the dependency stays away before repair (default 1500 ms) */
  outageMs?: number;
}

async function ready(http: Client): Promise<boolean> {
  const r = await http.send('GET', '/readyz', undefined, {}, 3000);
  return r.status === 200;
}

async function until(check: () => Promise<boolean>, capMs: number, what: string, last?: () => string): Promise<void> {
  const end = Date.now() + capMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`${what}: not within ${capMs} ms${last ? ` (last seen: ${last()})` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * The ids go in batches the shop's default body limit takes (16 KiB holds ~400 quoted UUIDs): a
 * scenario accepts several hundred orders, and one body with all of them is answered 413.
 */
const INVARIANT_IDS_PER_REQUEST = 250;

/** POST /admin/invariants with every id, batch by batch; the answer's missing ids merged, or why it failed. */
async function readInvariants(http: Client, ids: string[], admin: Record<string, string>): Promise<FullInvariants | string> {
  let merged: FullInvariants | null = null;
  const missing: string[] = [];
  for (let i = 0; i === 0 || i < ids.length; i += INVARIANT_IDS_PER_REQUEST) {
    const r = await http.send('POST', '/admin/invariants', { orderIds: ids.slice(i, i + INVARIANT_IDS_PER_REQUEST) }, admin, 15_000);
    if (r.status !== 200 || !r.body) return `${r.status} ${JSON.stringify(r.body)?.slice(0, 300)}`;
    merged = r.body as unknown as FullInvariants;
    missing.push(...merged.missingOrderIds);
  }
  return { ...(merged as FullInvariants), checkedOrderIds: ids.length, missingOrderIds: missing };
}

/**
 * `waitDrained: false` for inline checkouts: an inline request cut off between reserving and
 * recording the payment (the database died) leaves its order pending until the next reset —
 * it was never answered 2xx, so it is no accepted order, but the shop never "drains" it.
 */
export async function runScenario(target: RunningTarget, http: Client, name: string, fault: Fault, opts: { stock?: number; lanes?: number; waitDrained?: boolean } = {}): Promise<ScenarioOutcome> {
  const admin = { 'x-admin-token': target.adminToken };
  await until(() => ready(http), 30_000, `${name}: ready before the fault`);
  const reset = await http.send('POST', '/admin/reset', { stock: opts.stock ?? 5000 }, admin);
  if (reset.status !== 200) throw new Error(`${name}: reset answered ${reset.status}`);
  const traffic = startTraffic(http, `${name.replace(/\W/g, '')}${Date.now().toString(36)}_`, opts.lanes ?? 6);
  await new Promise((r) => setTimeout(r, 800));
  const watch = watchReadiness(http);
  const faultAt = performance.now();
  await fault.inject();
  let from = faultAt;
  if (fault.repair) {
    await new Promise((r) => setTimeout(r, fault.outageMs ?? 1500));
    await fault.repair();
    from = performance.now();
  }
  await until(() => ready(http), 60_000, `${name}: /readyz 200 after the fault`);
  const recoveredAt = performance.now();
  await new Promise((r) => setTimeout(r, 1200));
  const result = await traffic.stop();
  await watch.stop();
  const stoppedAt = performance.now();

  let invariants: FullInvariants | null = null;
  let lastAnswer = '';
  await until(
    async () => {
      const r = await readInvariants(http, result.acceptedIds, admin);
      if (typeof r === 'string') {
        lastAnswer = r;
        return false;
      }
      invariants = r;
      lastAnswer = JSON.stringify(r.ordersByStatus);
      return invariants.drained || opts.waitDrained === false;
    },
    60_000,
    `${name}: every accepted order paid or failed`,
    () => lastAnswer,
  );
  const after = result.acceptedAt.filter((t) => t > faultAt);
  return {
    traffic: result,
    invariants: invariants as unknown as FullInvariants,
    notReady: watch.samples.filter((s) => s.status !== 200 && s.at >= faultAt),
    recoveryMs: Math.round(recoveredAt - from),
    firstAcceptedAfterFaultMs: after.length > 0 ? Math.round((after[0] as number) - faultAt) : null,
    acceptedAfterRecovery: result.acceptedAt.filter((t) => t > recoveredAt).length,
    acceptedBeforeFault: result.acceptedAt.filter((t) => t <= faultAt).length,
    drainMs: Math.round(performance.now() - stoppedAt),
  };
}

/** A line for the test log: what happened, in numbers. */
export function describeOutcome(name: string, o: ScenarioOutcome): string {
  const inv = o.invariants;
  return `[fault] ${name}: recovery ${o.recoveryMs} ms, first accepted after fault ${o.firstAcceptedAfterFaultMs ?? '-'} ms, drain ${o.drainMs} ms; not-ready samples ${o.notReady.length}; logins ${JSON.stringify(o.traffic.logins)}; checkouts ${JSON.stringify(o.traffic.checkouts)}; accepted ${o.traffic.acceptedIds.length} (after recovery ${o.acceptedAfterRecovery}), missing ${inv.missingOrderIds.length}, acceptedButMissing ${inv.acceptedButMissing}, sold ${inv.sold}, oversold ${inv.oversold}, ordersByStatus ${JSON.stringify(inv.ordersByStatus)}`;
}

/** The value of an unlabelled series of the shop's /metrics, or null when it is absent. */
export async function metric(baseUrl: string, name: string): Promise<number | null> {
  const text = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
  const m = new RegExp(`^${name} ([0-9.eE+-]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}
