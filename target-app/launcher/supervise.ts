// Keeps one of the launcher's Node children running: the payment service, the BullMQ worker,
// the cluster primary. The first start is awaited and its failure is the caller's (startTarget
// refuses to start); after that, an exit we did not ask for is logged and the child is started
// again — at once the first time, then after a growing pause (up to 5 s) while it keeps dying
// within seconds, so a dependency that is down makes no busy loop. A restart that fails is
// retried the same way until stop().
//
// What a restart keeps is the caller's business: it passes the same port again (payment
// service, primary) so the URLs the others hold stay valid.
import type { ChildProcess } from 'node:child_process';

export interface Started {
  child: ChildProcess;
  ready: Record<string, unknown>;
}

export interface Supervised {
  /** the child running now (null between a death and its replacement) */
  current(): ChildProcess | null;
  /** the first start's ready message */
  readonly ready: Record<string, unknown>;
  /** how many times it died and was started again */
  restarts(): number;
  /** stops supervising and stops the child with `stopChild` */
  stop(stopChild: (c: ChildProcess) => Promise<void>): Promise<void>;
}

export interface SuperviseOptions {
  what: string;
  /** starts the child and resolves when it is ready; `restart` counts from 1 */
  start(restart: number): Promise<Started>;
  /** called with every child started (the first too), to attach message handlers */
  onChild?(s: Started): void;
  log(line: string): void;
}

const QUICK_DEATH_MS = 5000;
const MAX_PAUSE_MS = 5000;

export async function supervise(opts: SuperviseOptions): Promise<Supervised> {
  const first = await opts.start(0);
  let child: ChildProcess | null = first.child;
  let startedAt = Date.now();
  let restarts = 0;
  let quickDeaths = 0;
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;

  const pauseMs = () => (quickDeaths <= 1 ? 0 : Math.min(100 * 2 ** (quickDeaths - 2), MAX_PAUSE_MS));

  const restart = () => {
    timer = null;
    if (stopping) return;
    restarts++;
    opts.start(restarts).then(
      (s) => {
        if (stopping) {
          s.child.kill('SIGTERM');
          return;
        }
        opts.log(`${opts.what} restarted (pid ${s.child.pid}, restart ${restarts})`);
        watch(s);
      },
      (e: unknown) => {
        quickDeaths++;
        const ms = Math.max(pauseMs(), 200);
        opts.log(`${opts.what} could not be restarted (${e instanceof Error ? e.message : String(e)}); trying again in ${ms} ms`);
        timer = setTimeout(restart, ms);
      },
    );
  };

  const watch = (s: Started) => {
    child = s.child;
    startedAt = Date.now();
    opts.onChild?.(s);
    s.child.once('exit', (code, signal) => {
      if (child === s.child) child = null;
      if (stopping) return;
      quickDeaths = Date.now() - startedAt < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
      const ms = pauseMs();
      opts.log(`${opts.what} (pid ${s.child.pid}) exited (${signal ?? `exit code ${code}`}); starting it again${ms ? ` in ${ms} ms` : ''}`);
      timer = setTimeout(restart, ms);
    });
  };
  watch(first);

  return {
    current: () => child,
    ready: first.ready,
    restarts: () => restarts,
    async stop(stopChild) {
      stopping = true;
      if (timer) clearTimeout(timer);
      if (child) await stopChild(child);
    },
  };
}
