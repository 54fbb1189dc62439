"""The Celery payment worker (`celery -A stampede_shop.tasks worker --pool threads`): pays a
queued order and marks it paid, or failed with its unit given back. Paying twice cannot happen
to the stock: both outcomes are conditional on the order still being pending.

Recovery: a crash between reserving the unit and handing the job to the broker would leave an
order pending with no job. A sweep (at start, then every recover-after-ms/2) re-queues orders
answered 202 that have been pending (since their last re-queue) longer than recover-after-ms; the broker's visibility
timeout (the same span) re-delivers jobs a dead worker had taken. So a queued order ends paid
or failed — in the worst case once more paid-for attempt reaches the provider, never a unit lost.
"""
from __future__ import annotations

import os
import threading

from celery import bootsteps, signals

from . import domain, runtime
from .effects import Query, run_sync
from .queue import TASK, celery_app
from .sync_driver import SyncDriver

rt = runtime.load()
app = celery_app(rt)


class WakeTheLoop(bootsteps.StartStopStep):
    """A 100 ms tick in the worker's event loop. The threads pool finishes (and acknowledges) tasks
    on its own threads, which never wake the loop; once the worker holds its full prefetch (a
    backlog of at least `concurrency` jobs: after a restart, under a burst) the loop stops
    reading from Redis and sleeps in poll() until its next timer — up to 10 s — so a backlog
    drained `concurrency` jobs per ~10 s. The tick bounds that sleep."""

    requires = {"celery.worker.components:Hub"}

    def start(self, w):
        if w.hub is not None:
            w.hub.call_repeatedly(0.1, _noop)


def _noop():
    return None


app.steps["worker"].add(WakeTheLoop)
_driver = None
_lock = threading.Lock()


def driver() -> SyncDriver:
    global _driver
    with _lock:
        if _driver is None:
            _driver = SyncDriver(rt, "queue")
        return _driver


@app.task(name=TASK, bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=None)
def pay_order(self, job: dict):
    outcome, done = run_sync(domain.pay_queued(job), driver().perform)
    return {"orderId": job["orderId"], "outcome": outcome, "changed": done}


def _sweep_once() -> int:
    rows = run_sync(
        iter_query(
            # claiming (updated_at = now()) keeps a long queue from being re-queued at every sweep,
            # and two sweeping workers from re-queueing the same order twice
            """UPDATE orders o SET updated_at = now() FROM sales s
               WHERE s.id = o.sale_id AND o.status = 'pending' AND o.acknowledged AND o.updated_at < now() - make_interval(secs => $1)
               RETURNING o.id, o.user_id, o.amount_cents, o.sale_id, s.product_id""",
            (rt.recover_after_ms / 1000,),
        ),
        driver().perform,
    )
    for r in rows:
        job = {"orderId": str(r["id"]), "userId": int(r["user_id"]), "amountCents": int(r["amount_cents"]), "saleId": int(r["sale_id"]), "productId": int(r["product_id"])}
        app.send_task(TASK, args=[job], queue=rt.queue_name)
    return len(rows)


def iter_query(sql, params):
    rows = yield Query(sql, params)
    return rows


def _sweeper(stop: threading.Event) -> None:
    period = max(0.25, min(30.0, rt.recover_after_ms / 2000))
    while not stop.is_set():
        try:
            _sweep_once()
        except Exception as e:  # noqa: BLE001 — the database may be down for a while
            print(f"[python shop celery] recovery sweep failed: {e}", flush=True)
        stop.wait(period)


_stop = threading.Event()


@signals.worker_ready.connect
def _ready(**_kw):
    threading.Thread(target=_sweeper, args=(_stop,), daemon=True, name="recovery-sweep").start()
    # the launcher waits for this file before it starts the web servers
    with open(os.path.join(rt.state_dir, "celery-ready"), "w") as f:
        f.write(str(os.getpid()))


@signals.worker_shutdown.connect
def _shutdown(**_kw):
    _stop.set()
