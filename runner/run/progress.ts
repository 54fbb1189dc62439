// The live progress line: elapsed/total, VUs, requests per second, the last second's p99 (from
// the intended start), errors, dropped and (when any) interrupted iterations. On a terminal it rewrites one line; in a
// log (CI) it prints a line every 5 seconds.
import type { LiveState } from './run-test.ts';
import { fmtMs } from './summary.ts';

export function progressReporter(stream: NodeJS.WriteStream): { update(s: LiveState): void; done(): void } {
  const tty = Boolean(stream.isTTY);
  let lastPrinted = -Infinity;
  let drawn = false;
  return {
    update(s) {
      const tl = s.aggregate.timeline;
      const last = tl[tl.length - 1];
      const totals = tl.reduce((a, p) => ({ failed: a.failed + p.failed, dropped: a.dropped + p.dropped, requests: a.requests + p.requests }), { failed: 0, dropped: 0, requests: 0 });
      const elapsed = (s.elapsedMs / 1000).toFixed(0);
      const planned = (s.plannedMs / 1000).toFixed(0);
      const remaining = Math.max(0, (s.plannedMs - s.elapsedMs) / 1000).toFixed(0);
      const interrupted = s.aggregate.view('interrupted_iterations')?.aggregate('count') ?? 0;
      const line = [
        `running ${elapsed}s/${planned}s (${remaining}s left)`,
        `vus ${last?.vus ?? 0}/${last?.vusMax ?? 0}`,
        `rps ${last?.requests ?? 0}`,
        `p99 ${last?.latency ? fmtMs(last.latency.p99) : '—'}`,
        `errors ${totals.failed}/${totals.requests}`,
        `dropped ${totals.dropped}`,
        ...(interrupted > 0 ? [`interrupted ${interrupted}`] : []),
      ].join('  ');
      if (tty) {
        stream.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else if (s.elapsedMs - lastPrinted >= 5000) {
        stream.write(line + '\n');
        lastPrinted = s.elapsedMs;
      }
    },
    done() {
      if (tty && drawn) stream.write('\r\x1b[2K');
    },
  };
}
